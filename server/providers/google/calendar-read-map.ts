// A Google event (a single one, or a series parent with its instances) as Concilia's synced shape
// (server/calendar/synced-state.ts). All-day events stay dates; timed ones become instants with the
// zone of each of start and end (the calendar's zone when Google names none). A series keeps its
// RRULE/RDATE/EXDATE lines; each instance that differs from its slot in the pattern — moved, renamed,
// tentative or cancelled (§3.5) — becomes an exception keyed by its original start, so nothing of
// the series is lost. An event this calendar organises (`organizer.self`, also on a secondary calendar
// whose organiser address is the calendar's id) is organised by the CRM user, as the events the user
// makes in Concilia are: Google sets the organiser itself and ignores ours, so this is what keeps the
// user's own events editable and their round trip unchanged.
import { createHash } from "node:crypto";
import { instantOfWall } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { CONCILIA_PROPERTY, type GoogleDateTime, type GoogleEvent } from "./calendar-event.js";

type Timing = SyncedEventState["timing"];
type Exception = SyncedEventState["exceptions"][number];

export interface ReadContext {
  /** The CRM user: the organiser of what this calendar organises. */
  self: { email: string; name: string | null };
  /** The calendar's zone, for times Google gives without one. */
  calendarZone: string;
}

/** What importCalendarItem takes for one item, from the event and (for a series) its instances. */
export interface MappedGoogleEvent {
  uid: string;
  sequence: number;
  conciliaId: string | null;
  /** The parent's etag, with a digest of the exceptions' etags when there are any (see below). */
  etag: string | null;
  state: SyncedEventState;
}

const EXCEPTIONS_MARK = ";x=";

/**
 * A change to one instance leaves the parent's etag as it was: the item's version must include the
 * exceptions' etags, or an edited instance would look like our own write coming back. Writes send
 * only the parent's part as If-Match.
 */
export const parentEtagOf = (etag: string) => etag.split(EXCEPTIONS_MARK)[0]!;

function instantIso(value: GoogleDateTime, fallbackZone: string): string {
  const dt = value.dateTime ?? "";
  if (/(Z|[+-]\d\d:\d\d)$/i.test(dt)) return new Date(dt).toISOString();
  const [d, t = "00:00:00"] = dt.split("T");
  const [y, mo, day] = (d ?? "").split("-").map(Number);
  const [h, mi, s] = t.split(":").map(Number);
  const wall = Date.UTC(y!, mo! - 1, day!, h ?? 0, mi ?? 0, Math.floor(s ?? 0));
  return new Date(instantOfWall(wall, value.timeZone ?? fallbackZone)).toISOString();
}

export function timingOf(start: GoogleDateTime, end: GoogleDateTime | undefined, zone: string): Timing {
  if (start.date) {
    const endDate = end?.date ?? new Date(Date.parse(`${start.date}T00:00:00Z`) + 86_400_000).toISOString();
    return { allDay: true, startDate: start.date, endDate: endDate.slice(0, 10) };
  }
  const timeZone = start.timeZone ?? zone;
  const endValue = end?.dateTime ? end : start;
  return {
    allDay: false,
    startAt: instantIso(start, zone),
    endAt: instantIso(endValue, timeZone),
    timeZone,
    endTimeZone: end?.timeZone ?? timeZone,
  };
}

/** `EXDATE;TZID=Europe/Madrid:20261208T100000,…`, `EXDATE:20261208T090000Z`, `RDATE;VALUE=DATE:20261208`. */
export function recurrenceDates(line: string, allDay: boolean, seriesZone: string): string[] {
  const colon = line.indexOf(":");
  if (colon < 0) return [];
  const params = line.slice(0, colon).split(";").slice(1);
  const tzid = params.find((p) => /^TZID=/i.test(p))?.slice(5);
  const out: string[] = [];
  for (const v of line.slice(colon + 1).split(",")) {
    const m = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z)?)?$/i.exec(v.trim());
    if (!m) continue; // a PERIOD value is not kept
    const [, y, mo, d, h, mi, s, z] = m;
    if (allDay || h === undefined) {
      out.push(`${y}-${mo}-${d}`);
      continue;
    }
    const wall = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi!, +s!);
    out.push(new Date(z ? wall : instantOfWall(wall, tzid ?? seriesZone)).toISOString());
  }
  return out;
}

function recurrenceOf(lines: string[] | undefined, timing: Timing): SyncedEventState["recurrence"] {
  if (!lines?.length) return null;
  const zone = timing.allDay ? "UTC" : timing.timeZone;
  const rule = lines.find((l) => /^RRULE:/i.test(l))?.slice(6) ?? "";
  const dates = (name: string) =>
    lines
      .filter((l) => new RegExp(`^${name}[;:]`, "i").test(l))
      .flatMap((l) => recurrenceDates(l, timing.allDay, zone))
      .sort();
  const rdates = dates("RDATE");
  if (!rule && !rdates.length) return null;
  return { rule, rdates, exdates: dates("EXDATE") };
}

const durationOf = (t: Timing) =>
  t.allDay ? Date.parse(t.endDate) - Date.parse(t.startDate) : Date.parse(t.endAt) - Date.parse(t.startAt);

function statusOf(e: GoogleEvent): SyncedEventState["status"] {
  return e.status === "cancelled" ? "cancelled" : e.status === "tentative" ? "tentative" : "confirmed";
}

/** The instance as an exception of the series, or null when it is just its slot in the pattern. */
export function exceptionOf(instance: GoogleEvent, series: SyncedEventState, zone: string): Exception | null {
  const slot = instance.originalStartTime;
  if (!slot) return null;
  const originalStart = slot.date ?? instantIso(slot, zone);
  const base: Exception = {
    originalStart,
    status: statusOf(instance),
    startAt: null,
    endAt: null,
    startDate: null,
    endDate: null,
    title: null,
  };
  if (base.status === "cancelled") return base;
  const title = instance.summary ?? "";
  if (title !== series.title) base.title = title;
  const moved = (() => {
    if (!instance.start) return null;
    const t = timingOf(instance.start, instance.end, zone);
    const start = t.allDay ? t.startDate : t.startAt;
    return start === originalStart && durationOf(t) === durationOf(series.timing) ? null : t;
  })();
  if (moved?.allDay) Object.assign(base, { startDate: moved.startDate, endDate: moved.endDate });
  else if (moved) Object.assign(base, { startAt: moved.startAt, endAt: moved.endAt });
  return moved || base.title !== null || base.status !== series.status ? base : null;
}

function attendeesOf(e: GoogleEvent): SyncedEventState["attendees"] {
  const byEmail = new Map<string, SyncedEventState["attendees"][number]>();
  for (const a of e.attendees ?? []) {
    const email = a.email?.trim().toLowerCase();
    if (!email?.includes("@") || a.resource) continue; // rooms and equipment are no one to meet
    byEmail.set(email, {
      email,
      name: a.displayName ?? null,
      responseStatus: a.responseStatus ?? "needsAction",
    });
  }
  return [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

function organizerOf(e: GoogleEvent, self: ReadContext["self"]): SyncedEventState["organizer"] {
  const o = e.organizer;
  if (!o) return null;
  if (o.self) return { email: self.email.toLowerCase(), name: self.name };
  const email = o.email?.trim().toLowerCase();
  return email?.includes("@") ? { email, name: o.displayName ?? null } : null;
}

/** The event (a series parent with every instance Google lists for it, cancelled ones too) as one item. */
export function mapGoogleEvent(
  event: GoogleEvent,
  instances: GoogleEvent[],
  c: ReadContext,
): MappedGoogleEvent {
  if (!event.start) throw new Error(`The Google event ${event.id} has no start.`);
  const zone = event.start.timeZone ?? c.calendarZone;
  const timing = timingOf(event.start, event.end, c.calendarZone);
  const state: SyncedEventState = {
    title: event.summary ?? "",
    description: event.description || null,
    location: event.location || null,
    status: statusOf(event),
    timing,
    organizer: organizerOf(event, c.self),
    attendees: attendeesOf(event),
    recurrence: recurrenceOf(event.recurrence, timing),
    exceptions: [],
  };
  const exceptions = new Map<string, { x: Exception; etag: string }>();
  if (state.recurrence)
    for (const i of instances) {
      const x = exceptionOf(i, state, zone);
      if (x) exceptions.set(x.originalStart, { x, etag: i.etag ?? "" });
    }
  const keys = [...exceptions.keys()].sort();
  state.exceptions = keys.map((k) => exceptions.get(k)!.x);
  const digest = keys.length
    ? createHash("sha256")
        .update(keys.map((k) => `${k}=${exceptions.get(k)!.etag}`).join("\n"))
        .digest("base64url")
        .slice(0, 16)
    : "";
  return {
    uid: event.iCalUID ?? `${event.id}@google.com`,
    sequence: event.sequence ?? 0,
    conciliaId: event.extendedProperties?.private?.[CONCILIA_PROPERTY] ?? null,
    etag: event.etag ? `${event.etag}${digest ? `${EXCEPTIONS_MARK}${digest}` : ""}` : null,
    state,
  };
}
