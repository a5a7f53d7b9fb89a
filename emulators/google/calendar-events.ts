import { json, randomId } from "../shared/http.js";
import { parseRRule } from "../shared/recurrence.js";
import { guardedRoute, type Route } from "../shared/router.js";
import {
  type CalendarsOf,
  type Ctx,
  calendarList,
  calendarOf,
  eventJson,
  getEvent,
  instances,
  isCancelled,
  list,
} from "./calendar-read.js";
import { type DateOrTime, type GoogleCalendar, startInstant } from "./calendar-store.js";
import { googleError, googleNotFound } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * Writing Google calendar events (§3.6–3.7) and the Calendar routes: insert with a client-chosen
 * id (409 on reuse), patch/update/delete with `If-Match` (412), an instance id edits or cancels
 * one instance, `sendUpdates` mail recorded in the store's ground truth, extended properties
 * merged on patch.
 */
const BASE = "/calendar/v3";
const CAL = `${BASE}/calendars/([^/]+)`;
const SCOPES = [
  "https://www.googleapis.com/auth/calendar",
  "https://www.googleapis.com/auth/calendar.events",
];
const READ_SCOPES = [
  ...SCOPES,
  "https://www.googleapis.com/auth/calendar.readonly",
  "https://www.googleapis.com/auth/calendar.events.readonly",
];

function access(ctx: Ctx, write: boolean): Response | null {
  const scopes = ctx.account!.scope.split(" ");
  if (scopes.some((s) => (write ? SCOPES : READ_SCOPES).includes(s))) return null;
  return googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
}

/** Who gets mail for a write, by `sendUpdates` (§3.6): absent means none. */
function recipients(
  ctx: Ctx,
  calendar: GoogleCalendar,
  attendees: { email: string }[] | undefined,
): string[] {
  const mode =
    ctx.url.searchParams.get("sendUpdates") ??
    (ctx.url.searchParams.get("sendNotifications") === "true" ? "all" : "none");
  if (mode === "none") return [];
  const domain = calendar.id.split("@")[1];
  return (attendees ?? [])
    .map((a) => a.email.toLowerCase())
    .filter((a) => a !== calendar.id)
    .filter((a) => mode === "all" || a.split("@")[1] !== domain);
}

function validateTimes(fields: Record<string, unknown>): Response | null {
  const start = fields.start as DateOrTime | undefined;
  const end = fields.end as DateOrTime | undefined;
  const recurrence = fields.recurrence as string[] | undefined | null;
  if (recurrence !== undefined && recurrence !== null) {
    if (!Array.isArray(recurrence) || recurrence.some((l) => typeof l !== "string")) {
      return googleError(400, "invalid", "Invalid recurrence rule.");
    }
  }
  const attendees = fields.attendees;
  if (
    attendees !== undefined &&
    (!Array.isArray(attendees) || attendees.some((a) => typeof a?.email !== "string"))
  ) {
    return googleError(400, "required", "Missing attendee email.");
  }
  if (!start || typeof start !== "object") return googleError(400, "required", "Missing start time.");
  if (!end || typeof end !== "object") return googleError(400, "required", "Missing end time.");
  if (Boolean(start.date) !== Boolean(end.date))
    return googleError(400, "invalid", "Start and end times must either both be date or both be dateTime.");
  if (!(startInstant(end) > startInstant(start)) && !(start.date && end.date && end.date > start.date)) {
    return googleError(400, "timeRangeEmpty", "The specified time range is empty.", {
      location: "end",
      locationType: "other",
    });
  }
  if (recurrence?.length) {
    if (start.dateTime && !start.timeZone)
      return googleError(400, "invalid", "Missing time zone definition for start time.");
    for (const line of recurrence) {
      if (/^RRULE:/i.test(line) && typeof parseRRule(line) === "string")
        return googleError(400, "invalid", "Invalid recurrence rule.");
    }
  }
  return null;
}

const TIME_FIELDS = ["start", "end", "recurrence", "location", "summary", "description"];

/** Keys of the 44-char limit are dropped, `null` removes a key on patch (§3.7). */
function mergeProperties(before: unknown, patch: unknown): unknown {
  if (patch === undefined) return before;
  const out: Record<string, Record<string, string>> = {};
  for (const kind of ["private", "shared"]) {
    const b = ((before ?? {}) as Record<string, Record<string, string>>)[kind] ?? {};
    const p = ((patch ?? {}) as Record<string, Record<string, string | null> | undefined>)[kind];
    const merged: Record<string, string> = { ...b };
    for (const [k, v] of Object.entries(p ?? {})) {
      if (k.length > 44) continue;
      if (v === null) delete merged[k];
      else merged[k] = String(v).slice(0, 1024);
    }
    if (Object.keys(merged).length) out[kind] = merged;
  }
  return out;
}

async function readBody(ctx: Ctx): Promise<Record<string, unknown> | Response> {
  const body = await ctx.request.json().catch(() => null);
  if (!body || typeof body !== "object" || Array.isArray(body))
    return googleError(400, "parseError", "Parse Error");
  return body as Record<string, unknown>;
}

const OWNED = ["kind", "etag", "created", "updated", "htmlLink", "creator", "sequence", "iCalUID"];
const strip = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).filter(([k]) => !OWNED.includes(k)));

function withAttendees(fields: Record<string, unknown>): Record<string, unknown> {
  const attendees = fields.attendees as { email: string; responseStatus?: string }[] | undefined;
  if (!Array.isArray(attendees)) return fields;
  return {
    ...fields,
    attendees: attendees.map((a) => ({
      ...a,
      email: typeof a?.email === "string" ? a.email.toLowerCase() : a?.email,
      responseStatus: a?.responseStatus ?? "needsAction",
    })),
  };
}

async function insert(ctx: Ctx, calendarsOf: CalendarsOf): Promise<Response> {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const { store, calendar } = found;
  if (calendar.accessRole !== "owner" && calendar.accessRole !== "writer")
    return googleError(403, "requiredAccessLevel", "You need to have writer access to this calendar.");
  const body = await readBody(ctx);
  if (body instanceof Response) return body;
  const id =
    body.id === undefined
      ? randomId(20)
          .toLowerCase()
          .replace(/[^a-v0-9]/g, "")
          .padEnd(26, "0")
      : String(body.id);
  if (!/^[a-v0-9]{5,1024}$/.test(id)) return googleError(400, "invalid", "Invalid resource id value.");
  // A deleted id cannot be reused either: it stays as a cancelled event (§3.6).
  if (calendar.events.has(id))
    return googleError(409, "duplicate", "The requested identifier already exists.");
  const problem = validateTimes(body);
  if (problem) return problem;
  const fields = withAttendees({
    ...strip(body),
    extendedProperties: mergeProperties(undefined, body.extendedProperties),
  });
  delete fields.id;
  const event = store.save(calendar, id, fields);
  store.record(
    calendar.id,
    id,
    "invitation",
    recipients(ctx, calendar, fields.attendees as { email: string }[]),
  );
  return json(eventJson(calendar, event));
}

function preconditionFailed(): Response {
  return googleError(412, "conditionNotMet", "Precondition Failed", {
    location: "If-Match",
    locationType: "header",
  });
}

async function write(ctx: Ctx, calendarsOf: CalendarsOf, mode: "patch" | "update"): Promise<Response> {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const { store, calendar } = found;
  const current = store.find(calendar, ctx.params[1]);
  if (!current) return googleNotFound();
  const ifMatch = ctx.request.headers.get("if-match");
  if (ifMatch && ifMatch !== "*" && ifMatch !== current.etag) return preconditionFailed();
  const body = await readBody(ctx);
  if (body instanceof Response) return body;
  const organizer = (current.fields.organizer as { email: string } | undefined)?.email ?? calendar.id;
  const isOrganizer = organizer === calendar.id;
  if (mode === "update" && !isOrganizer && !("guestsCanModify" in body)) {
    return googleError(
      403,
      "forbiddenForNonOrganizer",
      "Shared properties can only be changed by the organizer of the event.",
    );
  }
  const keep = {
    recurringEventId: current.fields.recurringEventId,
    originalStartTime: current.fields.originalStartTime,
  };
  const base = mode === "patch" ? current.fields : { organizer: current.fields.organizer };
  const merged = withAttendees({
    ...base,
    ...strip(body),
    ...(keep.recurringEventId ? keep : {}),
    extendedProperties: mergeProperties(
      mode === "patch" ? current.fields.extendedProperties : undefined,
      body.extendedProperties,
    ),
  });
  delete merged.id;
  const problem = validateTimes(merged);
  if (problem) return problem;
  const timeChanged = TIME_FIELDS.some(
    (k) => k in body && JSON.stringify(body[k]) !== JSON.stringify(current.fields[k]),
  );
  const event = store.save(calendar, current.id, merged, timeChanged);
  const before = new Set(
    ((current.fields.attendees ?? []) as { email: string }[]).map((a) => a.email.toLowerCase()),
  );
  const to = recipients(ctx, calendar, merged.attendees as { email: string }[]);
  store.record(
    calendar.id,
    event.id,
    "invitation",
    to.filter((a) => !before.has(a)),
  );
  store.record(
    calendar.id,
    event.id,
    "update",
    to.filter((a) => before.has(a)),
  );
  return json(eventJson(calendar, event));
}

function remove(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const { store, calendar } = found;
  const current = store.find(calendar, ctx.params[1]);
  if (!current) return googleNotFound();
  if (isCancelled(current)) return googleError(410, "deleted", "Resource has been deleted");
  const ifMatch = ctx.request.headers.get("if-match");
  if (ifMatch && ifMatch !== "*" && ifMatch !== current.etag) return preconditionFailed();
  store.save(calendar, current.id, { ...current.fields, status: "cancelled" }, true);
  store.record(
    calendar.id,
    current.id,
    "cancellation",
    recipients(ctx, calendar, current.fields.attendees as { email: string }[]),
  );
  return new Response(null, { status: 204 });
}

export function calendarRoutes(calendarsOf: CalendarsOf): Route<GmailCaller>[] {
  const route = guardedRoute<GmailCaller>((path) => new RegExp(`^${path}$`), access);
  return [
    route("GET", `${BASE}/users/me/calendarList`, "calendar.calendarList.list", false, (c) =>
      calendarList(c, calendarsOf),
    ),
    route("GET", `${CAL}/events`, "calendar.events.list", false, (c) => list(c, calendarsOf)),
    route("POST", `${CAL}/events`, "calendar.events.insert", true, (c) => insert(c, calendarsOf)),
    route("GET", `${CAL}/events/([^/]+)/instances`, "calendar.events.instances", false, (c) =>
      instances(c, calendarsOf),
    ),
    route("GET", `${CAL}/events/([^/]+)`, "calendar.events.get", false, (c) => getEvent(c, calendarsOf)),
    route("PATCH", `${CAL}/events/([^/]+)`, "calendar.events.patch", true, (c) =>
      write(c, calendarsOf, "patch"),
    ),
    route("PUT", `${CAL}/events/([^/]+)`, "calendar.events.update", true, (c) =>
      write(c, calendarsOf, "update"),
    ),
    route("DELETE", `${CAL}/events/([^/]+)`, "calendar.events.delete", true, (c) => remove(c, calendarsOf)),
  ];
}
