import { json } from "../shared/http.js";
import { guardedRoute, type Route } from "../shared/router.js";
import type { EventView, GraphCalendar, GraphCalendarStore, GraphEvent } from "./calendar-store.js";
import { graphError, graphItemNotFound } from "./errors.js";
import { attendeeAddresses } from "./event-input.js";
import { eventJson } from "./event-json.js";
import {
  type CalendarStoreOf,
  calendarAccess,
  calendarIn,
  overlaps,
  windowOf,
} from "./graph-calendar-access.js";
import type { GraphCaller, GraphCtx } from "./graph-caller.js";
import { collection, graphBase } from "./graph-caller.js";

/**
 * Graph calendars and events (§1.1–1.8): calendars, events CRUD with `If-Match` (412
 * ErrorIrresolvableConflict), `transactionId` dedupe on POST, occurrences and exceptions, cancel,
 * instances, calendarView, extended property `$filter`/`$expand`, and the mail Exchange sends for
 * a meeting the user organises (recorded in the store's `sentMail`, §1.7).
 */
const ME = "^/v1\\.0/me";
const IN_CAL = "(?:/calendars/([^/]+)|/calendar)?";
const ITEM = `${ME}(?:/calendars/[^/]+|/calendar)?/events/([^/]+)`;
/** Fields that do not change the meeting, so no update mail goes out for them [UNV §1.7]. */
const NOT_MEETING = [
  "categories",
  "singleValueExtendedProperties",
  "isReminderOn",
  "reminderMinutesBeforeStart",
  "showAs",
];

function calendarJson(ctx: GraphCtx, c: GraphCalendar) {
  return {
    id: c.id,
    name: c.name,
    color: c.color,
    hexColor: c.hexColor,
    isDefaultCalendar: c.isDefaultCalendar,
    changeKey: c.changeKey,
    canShare: c.canEdit,
    canViewPrivateItems: c.canEdit,
    canEdit: c.canEdit,
    allowedOnlineMeetingProviders: ["teamsForBusiness"],
    defaultOnlineMeetingProvider: "teamsForBusiness",
    isTallyingResponses: c.isDefaultCalendar,
    isRemovable: !c.isDefaultCalendar,
    owner: c.owner,
    "@odata.id": `${graphBase(ctx.url)}/users('${ctx.account!.mailbox.userId}')/calendars('${c.id}')`,
  };
}

/** `$filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')` (§1.8). */
function propertyFilter(url: URL): ((e: GraphEvent) => boolean) | Response | null {
  const filter = url.searchParams.get("$filter");
  if (!filter) return null;
  const m =
    /^singleValueExtendedProperties\/Any\((\w+):\s*\1\/id eq '([^']+)' and \1\/value eq '([^']*)'\)$/i.exec(
      filter.trim(),
    );
  if (!m)
    return graphError(
      400,
      "ErrorInvalidUrlQueryFilter",
      "The query filter contains one or more invalid nodes.",
    );
  return (e) => e.extended.get(m[2].toLowerCase())?.value === m[3];
}

const ifMatchFails = (ctx: GraphCtx, view: EventView, store: GraphCalendarStore) => {
  if (store.quirks.spuriousConflicts) {
    store.quirks.spuriousConflicts--;
    return true;
  }
  const header = ctx.request.headers.get("if-match");
  if (!header || header === "*") return false;
  return header.replace(/^W\//, "").replace(/"/g, "") !== view.changeKey;
};

function conflict(): Response {
  return graphError(
    412,
    "ErrorIrresolvableConflict",
    "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
  );
}

export function graphCalendarRoutes(storeOf: CalendarStoreOf): Route<GraphCaller>[] {
  const store = (ctx: GraphCtx) => storeOf(ctx.account!.email);
  const viewJson = (ctx: GraphCtx, view: EventView) => eventJson(view, ctx.request, ctx.url);
  const entity = (ctx: GraphCtx, view: EventView, status = 200) =>
    json(
      {
        "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${ctx.account!.mailbox.userId}')/events/$entity`,
        ...viewJson(ctx, view),
      },
      status,
    );

  async function create(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const calendar = calendarIn(s, ctx.params[0]);
    if (calendar instanceof Response) return calendar;
    if (!calendar.canEdit)
      return graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    const body = (await ctx.request.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== "object")
      return graphError(400, "BadRequest", "Empty Payload. JSON content expected.");
    // A retried POST with the same transactionId returns the event the first one made (§1.7).
    if (typeof body.transactionId === "string") {
      const existing = [...s.events.values()].find((e) => e.transactionId === body.transactionId);
      if (existing) return entity(ctx, s.masterView(existing), 201);
    }
    const event = s.draft(calendar.id, body);
    if (event instanceof Response) return event;
    s.change(event, () => {}, "created");
    s.mail(event.id, String(event.fields.subject ?? ""), "invitation", attendeeAddresses(event.fields));
    return entity(ctx, s.masterView(event), 201);
  }

  async function update(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const view = s.find(ctx.params[0]);
    if (!view) return graphItemNotFound();
    if (ifMatchFails(ctx, view, s)) return conflict();
    const body = (await ctx.request.json().catch(() => null)) as Record<string, unknown> | null;
    if (!body || typeof body !== "object")
      return graphError(400, "BadRequest", "Empty Payload. JSON content expected.");
    const master = view.event;
    const before = attendeeAddresses(view.fields);
    const problem = s.patch(view, body);
    if (problem) return problem;
    const changed = s.find(view.id);
    const after = changed ? attendeeAddresses(changed.fields) : [];
    if (master.isOrganizer) {
      const subject = String(master.fields.subject ?? "");
      s.mail(
        view.id,
        subject,
        "invitation",
        after.filter((a) => !before.includes(a)),
      );
      s.mail(
        view.id,
        subject,
        "cancellation",
        before.filter((a) => !after.includes(a)),
      );
      const meetingChanged = Object.keys(body).some((k) => !NOT_MEETING.includes(k) && k !== "attendees");
      if (meetingChanged) {
        const kept = after.filter((a) => before.includes(a));
        s.mail(view.id, subject, "update", kept);
        // Patching a master also sends one mail per edited occurrence (§1.7).
        if (view.type === "seriesMaster")
          for (const _ of master.exceptions) s.mail(view.id, subject, "update", kept);
      }
    }
    const fresh = s.find(view.id);
    return fresh ? entity(ctx, fresh) : graphItemNotFound();
  }

  function remove(ctx: GraphCtx, cancel: boolean): Response | Promise<Response> {
    const s = store(ctx);
    const view = s.find(ctx.params[0]);
    if (!view) return graphItemNotFound();
    if (ifMatchFails(ctx, view, s)) return conflict();
    const master = view.event;
    if (cancel && !master.isOrganizer) {
      return graphError(
        400,
        "ErrorAccessDenied",
        "Your request can't be completed. You need to be an organizer to cancel a meeting.",
      );
    }
    s.remove(view);
    if (master.isOrganizer)
      s.mail(view.id, String(view.fields.subject ?? ""), "cancellation", attendeeAddresses(view.fields));
    return new Response(null, { status: cancel ? 202 : 204 });
  }

  /** accept / tentativelyAccept / decline (§1.1): the user's answer to someone else's meeting. */
  async function respond(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const view = s.find(ctx.params[0]);
    if (!view) return graphItemNotFound();
    if (view.event.isOrganizer) {
      return graphError(
        400,
        "ErrorInvalidRequest",
        "Your request can't be completed. You can't respond to a meeting you organized.",
      );
    }
    const body = ((await ctx.request.json().catch(() => ({}))) ?? {}) as { sendResponse?: boolean };
    const action = ctx.params[1].toLowerCase();
    const response =
      action === "accept" ? "accepted" : action === "decline" ? "declined" : "tentativelyAccepted";
    const problem = s.patch(view, { responseStatus: { response, time: new Date(s.now()).toISOString() } });
    if (problem) return problem;
    if (body.sendResponse !== false) {
      s.mail(view.id, String(view.fields.subject ?? ""), "response", [
        view.event.organizer.address.toLowerCase(),
      ]);
    }
    return new Response(null, { status: 202 });
  }

  function listEvents(ctx: GraphCtx): Response {
    const s = store(ctx);
    const calendar = calendarIn(s, ctx.params[0]);
    if (calendar instanceof Response) return calendar;
    const filter = propertyFilter(ctx.url);
    if (filter instanceof Response) return filter;
    const events = [...s.events.values()]
      .filter((e) => e.calendarId === calendar.id && (!filter || filter(e)))
      .sort((a, b) => a.start - b.start);
    return collection(
      ctx,
      `users('${ctx.account!.mailbox.userId}')/events`,
      events.map((e) => viewJson(ctx, s.masterView(e))),
    );
  }

  function calendarView(ctx: GraphCtx): Response {
    const s = store(ctx);
    const calendar = calendarIn(s, ctx.params[0]);
    if (calendar instanceof Response) return calendar;
    const window = windowOf(ctx.url);
    if (window instanceof Response) return window;
    const views = [...s.events.values()]
      .filter((e) => e.calendarId === calendar.id)
      .flatMap((e) => s.views(e))
      .filter((v) => overlaps(v, window))
      .sort((a, b) => a.start - b.start);
    return collection(
      ctx,
      `users('${ctx.account!.mailbox.userId}')/calendarView`,
      views.map((v) => viewJson(ctx, v)),
    );
  }

  function instances(ctx: GraphCtx): Response {
    const s = store(ctx);
    const master = s.events.get(ctx.params[0]);
    if (!master) return graphItemNotFound();
    const window = windowOf(ctx.url);
    if (window instanceof Response) return window;
    const views = s.views(master).filter((v) => v.type !== "singleInstance" && overlaps(v, window));
    return collection(
      ctx,
      `users('${ctx.account!.mailbox.userId}')/events('${master.id}')/instances`,
      views.map((v) => viewJson(ctx, v)),
    );
  }

  const route = guardedRoute<GraphCaller>((path) => new RegExp(`${path}$`, "i"), calendarAccess);
  return [
    route("GET", `${ME}/calendars`, "graph.calendars.list", false, (ctx) =>
      collection(
        ctx,
        `users('${ctx.account!.mailbox.userId}')/calendars`,
        [...store(ctx).calendars.values()].map((c) => calendarJson(ctx, c)),
      ),
    ),
    route("GET", `${ME}(?:/calendars/([^/]+)|/calendar)`, "graph.calendars.get", false, (ctx) => {
      const c = calendarIn(store(ctx), ctx.params[0]);
      return c instanceof Response ? c : json(calendarJson(ctx, c));
    }),
    route("GET", `${ME}${IN_CAL}/events`, "graph.events.list", false, listEvents),
    route("POST", `${ME}${IN_CAL}/events`, "graph.events.create", true, create),
    route("GET", `${ITEM}/instances`, "graph.events.instances", false, instances),
    route("POST", `${ITEM}/cancel`, "graph.events.cancel", true, (ctx) => remove(ctx, true)),
    route("POST", `${ITEM}/(accept|tentativelyAccept|decline)`, "graph.events.respond", true, respond),
    route("GET", ITEM, "graph.events.get", false, (ctx) => {
      const view = store(ctx).find(ctx.params[0]);
      return view ? entity(ctx, view) : graphItemNotFound();
    }),
    route("PATCH", ITEM, "graph.events.update", true, update),
    route("DELETE", ITEM, "graph.events.delete", true, (ctx) => remove(ctx, false)),
    route("GET", `${ME}${IN_CAL}/calendarView`, "graph.calendarView.list", false, calendarView),
  ];
}
