import { decodeCursor, encodeCursor, json } from "../shared/http.js";
import type { RouteContext } from "../shared/router.js";
import {
  type DateOrTime,
  type GoogleCalendar,
  type GoogleCalendars,
  type GoogleEvent,
  rfc3339,
  startInstant,
} from "./calendar-store.js";
import { googleError, googleNotFound } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * Reading Google calendars (§3.1–3.5, §3.7): calendarList, events list and sync with page-only-last
 * `nextSyncToken` and 410 `fullSyncRequired` on an invalidated token, `updatedMin`, recurring
 * series as parent + exceptions + cancelled stubs (or expanded with `singleEvents`), private and
 * shared extended property search (OR within a kind), get and instances.
 */
export type Ctx = RouteContext<GmailCaller | null>;
export type CalendarsOf = (email: string) => GoogleCalendars;

const iso = (ms: number) => new Date(ms).toISOString();
export const isCancelled = (e: GoogleEvent) => e.fields.status === "cancelled";

/** Google writes every `dateTime` back as RFC 3339 with the offset of the event's zone. */
function normalized(value: DateOrTime | undefined, fallbackZone: string): DateOrTime | undefined {
  if (!value?.dateTime) return value;
  const instant = startInstant(value);
  if (!Number.isFinite(instant)) return value;
  return { ...value, dateTime: rfc3339(instant, value.timeZone ?? fallbackZone) };
}

function times(fields: Record<string, unknown>, zone: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["start", "end", "originalStartTime"]) {
    if (fields[key]) out[key] = normalized(fields[key] as DateOrTime, zone);
  }
  return out;
}

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
    ...times(rest, calendar.timeZone),
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

export function calendarOf(
  ctx: Ctx,
  calendarsOf: CalendarsOf,
): { store: GoogleCalendars; calendar: GoogleCalendar } | Response {
  const store = calendarsOf(ctx.account!.email);
  const calendar = store.calendar(ctx.params[0]);
  return calendar ? { store, calendar } : googleNotFound();
}

export function calendarList(ctx: Ctx, calendarsOf: CalendarsOf): Response {
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

type SyncToken = { c: string; g: number; s: number; p: string; t: number };
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

export function endInstant(e: GoogleEvent): number {
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

export function list(ctx: Ctx, calendarsOf: CalendarsOf): Response {
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
    if (token.g !== store.generation || !(store.clock() - token.t <= store.syncTokenTtlMs)) {
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
      t: store.clock(),
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

export function getEvent(ctx: Ctx, calendarsOf: CalendarsOf): Response {
  const found = calendarOf(ctx, calendarsOf);
  if (found instanceof Response) return found;
  const event = found.store.find(found.calendar, ctx.params[1]);
  if (!event) return googleNotFound();
  if (ctx.request.headers.get("if-none-match") === event.etag) return new Response(null, { status: 304 });
  return json(eventJson(found.calendar, event));
}

export function instances(ctx: Ctx, calendarsOf: CalendarsOf): Response {
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
