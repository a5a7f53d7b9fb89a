import { decodeCursor, encodeCursor, json, randomId } from "../shared/http.js";
import { parseRRule } from "../shared/recurrence.js";
import type { Route, RouteContext } from "../shared/router.js";
import {
  type DateOrTime,
  type GoogleCalendar,
  type GoogleCalendars,
  type GoogleEvent,
  startInstant,
} from "./calendar-store.js";
import { googleError, googleNotFound } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * Google Calendar v3 calendarList and events (§3.1–3.7): list and sync with page-only-last
 * `nextSyncToken`, 410 `fullSyncRequired` on an invalidated token, insert with a client-chosen id
 * (409 on reuse), patch/update/delete with `If-Match` (412), recurring series as parent +
 * exceptions + cancelled stubs (or expanded with `singleEvents`), `sendUpdates` mail recorded in
 * the store's ground truth, and private extended property search (OR within a kind).
 */
type Ctx = RouteContext<GmailCaller | null>;
export type CalendarsOf = (email: string) => GoogleCalendars;

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

const iso = (ms: number) => new Date(ms).toISOString();
const isCancelled = (e: GoogleEvent) => e.fields.status === "cancelled";

export function eventJson(calendar: GoogleCalendar, e: GoogleEvent): Record<string, unknown> {
  const { status, organizer, attendees, ...rest } = e.fields as Record<string, unknown> & {
    organizer?: { email: string; displayName?: string };
    attendees?: { email: string }[];
  };
  const seriesId = (rest.recurringEventId as string | undefined) ?? e.id;
  const org = organizer ?? { email: calendar.id };
  return {
    kind: "calendar#event",
    etag: e.etag,
    id: e.id,
    status: status ?? "confirmed",
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${e.id} ${calendar.id}`).toString("base64url")}`,
    created: iso(e.created),
    updated: iso(e.updated),
    ...rest,
    creator: { email: org.email, ...(org.email === calendar.id ? { self: true } : {}) },
    organizer: { ...org, ...(org.email === calendar.id ? { self: true } : {}) },
    ...(attendees
      ? { attendees: attendees.map((a) => ({ ...a, ...(a.email === calendar.id ? { self: true } : {}) })) }
      : {}),
    iCalUID: rest.iCalUID ?? `${seriesId}@google.com`,
    sequence: e.sequence,
    reminders: rest.reminders ?? { useDefault: true },
    eventType: rest.eventType ?? "default",
  };
}

function calendarOf(
  ctx: Ctx,
  calendarsOf: CalendarsOf,
): { store: GoogleCalendars; calendar: GoogleCalendar } | Response {
  const store = calendarsOf(ctx.account!.email);
  const calendar = store.calendar(ctx.params[0]);
  return calendar ? { store, calendar } : googleNotFound();
}

function calendarList(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const store = calendarsOf(ctx.account!.email);
  const items = [...store.calendars.values()]
    .filter((c) => !c.deleted)
    .map((c) => ({
      kind: "calendar#calendarListEntry",
      etag: `"${c.id.length}${c.summary.length}"`,
      id: c.id,
      summary: c.summary,
      timeZone: c.timeZone,
      backgroundColor: c.backgroundColor,
      foregroundColor: "#000000",
      selected: true,
      accessRole: c.accessRole,
      defaultReminders: [],
      ...(c.primary ? { primary: true } : {}),
    }));
  return json({
    kind: "calendar#calendarList",
    etag: `"${store.seq}"`,
    nextSyncToken: encodeCursor({ l: store.seq }),
    items,
  });
}

/** Parameters that must stay the same over the pages and sync rounds of one listing. */
const FIXED = ["singleEvents", "showDeleted", "maxAttendees", "timeZone"];
const FORBIDDEN_WITH_SYNC = [
  "iCalUID",
  "orderBy",
  "privateExtendedProperty",
  "q",
  "sharedExtendedProperty",
  "timeMin",
  "timeMax",
  "updatedMin",
];

type SyncToken = { c: string; g: number; s: number; p: string };
type PageToken = { o: number; s: number; from: number | null; p: string };

function matchesProperties(e: GoogleEvent, q: URLSearchParams): boolean {
  const props = (e.fields.extendedProperties ?? {}) as {
    private?: Record<string, string>;
    shared?: Record<string, string>;
  };
  for (const kind of ["private", "shared"] as const) {
    const wanted = q.getAll(`${kind}ExtendedProperty`);
    if (wanted.length === 0) continue;
    // Several constraints of one kind are OR-ed; private and shared are AND-ed (§3.7).
    const hit = wanted.some((w) => {
      const [k, ...v] = w.split("=");
      return props[kind]?.[k] === v.join("=");
    });
    if (!hit) return false;
  }
  return true;
}

function endInstant(e: GoogleEvent): number {
  return startInstant(e.fields.end as DateOrTime);
}

/** The items of a listing, before paging: `since` null for a full listing. */
function listItems(
  store: GoogleCalendars,
  calendar: GoogleCalendar,
  q: URLSearchParams,
  since: number | null,
  upTo: number,
) {
  const single = q.get("singleEvents") === "true";
  const showDeleted = q.get("showDeleted") === "true";
  const timeMin = q.has("timeMin") ? Date.parse(q.get("timeMin")!) : Number.NEGATIVE_INFINITY;
  const timeMax = q.has("timeMax") ? Date.parse(q.get("timeMax")!) : Number.POSITIVE_INFINITY;
  const all = [...calendar.events.values()].filter((e) => e.seq <= upTo);
  const series = (e: GoogleEvent) => Boolean(store.rule(e)) && !e.fields.recurringEventId;
  const parentLive = (e: GoogleEvent) => {
    const parent = calendar.events.get(e.fields.recurringEventId as string);
    return parent !== undefined && !isCancelled(parent);
  };
  let items: GoogleEvent[] = [];
  for (const e of all) {
    const changed = since === null || e.seq > since;
    if (single && series(e)) {
      if (isCancelled(e)) {
        if (changed && since !== null) items.push(e);
        continue;
      }
      // Expanded: every instance, changed when the series or the instance changed.
      for (const i of store.instances(calendar, e)) {
        if (since !== null && !(e.seq > since || i.seq > since)) continue;
        if (isCancelled(i) && !showDeleted && since === null) continue;
        items.push(i);
      }
      continue;
    }
    if (single && e.fields.recurringEventId) continue; // already listed with its series
    if (!changed) continue;
    if (since === null && isCancelled(e)) {
      // A cancelled instance of a live series means "hide this occurrence" and is listed (§3.4).
      const hiddenInstance = !single && e.fields.recurringEventId && parentLive(e);
      if (!showDeleted && !hiddenInstance) continue;
    }
    items.push(e);
  }
  if (since === null || q.has("updatedMin")) {
    items = items.filter(
      (e) =>
        (since !== null && isCancelled(e)) ||
        (matchesProperties(e, q) &&
          (series(e) && !single
            ? startInstant(e.fields.start as DateOrTime) < timeMax
            : endInstant(e) > timeMin && startInstant(e.fields.start as DateOrTime) < timeMax)),
    );
  }
  if (q.get("orderBy") === "startTime") {
    items.sort(
      (a, b) => startInstant(a.fields.start as DateOrTime) - startInstant(b.fields.start as DateOrTime),
    );
  } else items.sort((a, b) => a.seq - b.seq || a.id.localeCompare(b.id));
  return items;
}

function list(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const { store, calendar } = found;
  const q = ctx.url.searchParams;
  const fixed = FIXED.map((k) => `${k}=${q.get(k) ?? ""}`).join("&");
  const invalid = (message: string, location?: string) =>
    googleError(400, "invalid", message, location ? { location, locationType: "parameter" } : {});
  for (const bound of ["timeMin", "timeMax", "updatedMin"]) {
    const value = q.get(bound);
    if (value !== null && !(/(Z|[+-]\d\d:\d\d)$/i.test(value) && Number.isFinite(Date.parse(value)))) {
      return googleError(400, "badRequest", "Bad Request", { location: bound, locationType: "parameter" });
    }
  }
  if (q.get("orderBy") === "startTime" && q.get("singleEvents") !== "true") {
    return invalid("The requested ordering is not available for the particular query.", "orderBy");
  }
  const max = Math.min(Number(q.get("maxResults") ?? 250) || 250, 2500);
  let since: number | null = null;
  let upTo = store.seq;
  let offset = 0;
  const syncParam = q.get("syncToken");
  if (syncParam) {
    const bad = FORBIDDEN_WITH_SYNC.find((k) => q.has(k));
    if (bad) return invalid(`${bad} is not allowed with syncToken.`, bad);
    if (q.get("showDeleted") === "false")
      return invalid("showDeleted=false is not allowed with syncToken.", "showDeleted");
    const token = decodeCursor<SyncToken>(syncParam);
    if (!token || token.c !== calendar.id || token.p !== fixed)
      return invalid("Invalid sync token value.", "syncToken");
    if (token.g !== store.generation) {
      return googleError(410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required.", {
        location: "syncToken",
        locationType: "parameter",
      });
    }
    since = token.s;
  }
  const updatedMin = q.get("updatedMin");
  if (!syncParam && updatedMin) {
    // Changes since an instant, deletions always included (§3.2): the last change number before it.
    since = store.seqBefore(Date.parse(updatedMin));
  }
  const pageParam = q.get("pageToken");
  if (pageParam) {
    const token = decodeCursor<PageToken>(pageParam);
    if (!token || token.p !== fixed) return invalid("Invalid page token value.", "pageToken");
    offset = token.o;
    upTo = token.s;
    since = token.from;
  }
  const items = listItems(store, calendar, q, since, upTo);
  const page = items.slice(offset, offset + max);
  const body: Record<string, unknown> = {
    kind: "calendar#events",
    etag: `"p${store.seq}"`,
    summary: calendar.summary,
    updated: new Date(Math.max(0, ...page.map((e) => e.updated))).toISOString(),
    timeZone: calendar.timeZone,
    accessRole: calendar.accessRole,
    defaultReminders: [],
  };
  if (offset + max < items.length) {
    body.nextPageToken = encodeCursor({
      o: offset + max,
      s: upTo,
      from: since,
      p: fixed,
    } satisfies PageToken);
  } else {
    body.nextSyncToken = encodeCursor({
      c: calendar.id,
      g: store.generation,
      s: upTo,
      p: fixed,
    } satisfies SyncToken);
  }
  // A deleted event in an incremental listing is a tombstone: only its id is guaranteed (§3.4).
  body.items = page.map((e) =>
    isCancelled(e) && !e.fields.recurringEventId && since !== null
      ? { kind: "calendar#event", etag: e.etag, id: e.id, status: "cancelled" }
      : eventJson(calendar, e),
  );
  return json(body);
}

function getEvent(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const event = found.store.find(found.calendar, ctx.params[1]);
  if (!event) return googleNotFound();
  if (ctx.request.headers.get("if-none-match") === event.etag) return new Response(null, { status: 304 });
  return json(eventJson(found.calendar, event));
}

function instances(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const series = found.calendar.events.get(ctx.params[1]);
  if (!series || isCancelled(series)) return googleNotFound();
  const q = ctx.url.searchParams;
  const timeMin = q.has("timeMin") ? Date.parse(q.get("timeMin")!) : Number.NEGATIVE_INFINITY;
  const timeMax = q.has("timeMax") ? Date.parse(q.get("timeMax")!) : Number.POSITIVE_INFINITY;
  const max = Math.min(Number(q.get("maxResults") ?? 250) || 250, 2500);
  const offset = Number(decodeCursor<number>(q.get("pageToken") ?? "") ?? 0);
  const all = found.store
    .instances(found.calendar, series)
    .filter((i) => q.get("showDeleted") === "true" || !isCancelled(i))
    .filter((i) => endInstant(i) > timeMin && startInstant(i.fields.start as DateOrTime) < timeMax);
  const body: Record<string, unknown> = {
    kind: "calendar#events",
    summary: found.calendar.summary,
    timeZone: found.calendar.timeZone,
    accessRole: found.calendar.accessRole,
    items: all.slice(offset, offset + max).map((i) => eventJson(found.calendar, i)),
  };
  if (offset + max < all.length) body.nextPageToken = encodeCursor(offset + max);
  return json(body);
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
  const route = (
    method: string,
    path: string,
    endpoint: string,
    write: boolean,
    handle: (ctx: Ctx) => Response | Promise<Response>,
  ): Route<GmailCaller> => ({
    method,
    path: new RegExp(`^${path}$`),
    endpoint,
    auth: true,
    handle: (ctx) => access(ctx, write) ?? handle(ctx),
  });
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
