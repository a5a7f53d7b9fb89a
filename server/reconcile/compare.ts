// When two versions of an event say the same thing. Providers write the same value differently
// (`…T09:00:00Z` and `…T09:00:00.000Z`, `null` and an empty description, addresses in any case,
// attendees in any order, a Windows zone name for an IANA one), and such differences are not changes: reading them as changes would echo
// our own writes back (R-P-3). All-day dates are compared as dates, never as instants.
import { resolveTimeZone } from "../../shared/windows-zones.js";
import { offsetMinutes } from "../../shared/zoned-time.js";
import type { SyncedEventState, SyncedTiming } from "../calendar/synced-state.js";

type Exception = SyncedEventState["exceptions"][number];

/** The fields reconciliation merges one by one; exceptions are merged by original start. */
export const scalarFields = [
  "title",
  "description",
  "location",
  "status",
  "timing",
  "organizer",
  "attendees",
  "recurrence",
] as const;
export type ScalarField = (typeof scalarFields)[number];

const instant = (v: string | null) => {
  if (v === null) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? v : new Date(ms).toISOString();
};
const date = (v: string | null) => (v === null ? null : v.slice(0, 10));
const text = (v: string | null) => (v ?? "").replace(/\r\n/g, "\n").trim();

const HALF_YEAR = 182 * 86_400_000;

/**
 * A zone as the clocks it gives around an instant: Graph's "Romance Standard Time" (read as
 * Europe/Paris) and the CRM's Europe/Madrid are one zone for the event, and an unknown name is itself.
 */
function zoneKey(name: string, at: string): string {
  const zone = resolveTimeZone(name);
  const ms = Date.parse(at);
  if (!zone || Number.isNaN(ms)) return name;
  return [ms, ms + HALF_YEAR].map((m) => offsetMinutes(m, zone)).join("/");
}

function timingKey(t: SyncedTiming): unknown {
  return t.allDay
    ? { allDay: true, startDate: date(t.startDate), endDate: date(t.endDate) }
    : {
        allDay: false,
        startAt: instant(t.startAt),
        endAt: instant(t.endAt),
        timeZone: zoneKey(t.timeZone, t.startAt),
        endTimeZone: zoneKey(t.endTimeZone, t.endAt),
      };
}

/** An original start as a key: instants in one spelling, dates as dates. */
export function exceptionKey(originalStart: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(originalStart)
    ? originalStart
    : (instant(originalStart) ?? originalStart);
}

export function exceptionValue(x: Exception): unknown {
  return {
    status: x.status,
    startAt: instant(x.startAt),
    endAt: instant(x.endAt),
    startDate: date(x.startDate),
    endDate: date(x.endDate),
    title: x.title === null ? null : text(x.title),
  };
}

export function fieldValue(s: SyncedEventState, field: ScalarField): unknown {
  switch (field) {
    case "title":
    case "description":
    case "location":
      return text(s[field]);
    case "status":
      return s.status;
    case "timing":
      return timingKey(s.timing);
    case "organizer":
      return s.organizer ? s.organizer.email.toLowerCase() : null;
    case "attendees":
      // Names are how each side labels an address (Google drops the ones it does not know): not a change.
      return s.attendees.map((a) => `${a.email.toLowerCase()} ${a.responseStatus}`).sort();
    case "recurrence":
      return s.recurrence
        ? {
            rule: s.recurrence.rule.replace(/^RRULE:/i, "").toUpperCase(),
            rdates: s.recurrence.rdates.map(exceptionKey).sort(),
            exdates: s.recurrence.exdates.map(exceptionKey).sort(),
          }
        : null;
  }
}

const json = (v: unknown) => JSON.stringify(v);

export function sameField(a: SyncedEventState, b: SyncedEventState, field: ScalarField): boolean {
  return json(fieldValue(a, field)) === json(fieldValue(b, field));
}

export function sameException(a: Exception | undefined, b: Exception | undefined): boolean {
  if (!a || !b) return a === b;
  return json(exceptionValue(a)) === json(exceptionValue(b));
}

export function exceptionMap(s: SyncedEventState): Map<string, Exception> {
  return new Map(s.exceptions.map((x) => [exceptionKey(x.originalStart), x]));
}

/** The same event, whatever the spelling. */
export function sameState(a: SyncedEventState, b: SyncedEventState): boolean {
  if (!scalarFields.every((f) => sameField(a, b, f))) return false;
  const xa = exceptionMap(a);
  const xb = exceptionMap(b);
  if (xa.size !== xb.size) return false;
  for (const [key, x] of xa) if (!sameException(x, xb.get(key))) return false;
  return true;
}
