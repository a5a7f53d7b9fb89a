// Concilia's synced shape as the body of a Google insert or patch (§3.4, §3.7): dates for all-day
// events, instants with their zones for timed ones, the recurrence as iCalendar lines (no DTSTART),
// the attendees with their answers, and our private tag naming the CRM event, by which our own
// writes are recognised when they are listed back (R-P-3). A cancelled exception is written as an
// EXDATE: Google reads it back as the same missing occurrence.
import { wallOfInstant } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { CONCILIA_PROPERTY, type GoogleDateTime, type GoogleEvent } from "./calendar-event.js";

const compact = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d+/, "");

function dateLine(name: "RDATE" | "EXDATE", values: string[], s: SyncedEventState): string | null {
  if (!values.length) return null;
  const t = s.timing;
  if (t.allDay) return `${name};VALUE=DATE:${values.map((v) => v.slice(0, 10).replace(/-/g, "")).join(",")}`;
  const walls = values.map((v) =>
    compact(new Date(wallOfInstant(Date.parse(v), t.timeZone)).toISOString()).replace(/Z$/, ""),
  );
  return `${name};TZID=${t.timeZone}:${walls.join(",")}`;
}

export function recurrenceLines(s: SyncedEventState): string[] | null {
  if (!s.recurrence) return null;
  const cancelled = s.exceptions.filter((x) => x.status === "cancelled").map((x) => x.originalStart);
  const exdates = [...new Set([...s.recurrence.exdates, ...cancelled])].sort();
  return [
    ...(s.recurrence.rule ? [`RRULE:${s.recurrence.rule.replace(/^RRULE:/i, "")}`] : []),
    dateLine("RDATE", s.recurrence.rdates, s),
    dateLine("EXDATE", exdates, s),
  ].filter((l): l is string => l !== null);
}

function when(s: SyncedEventState): { start: GoogleDateTime; end: GoogleDateTime } {
  const t = s.timing;
  if (t.allDay) return { start: { date: t.startDate }, end: { date: t.endDate } };
  return {
    start: { dateTime: t.startAt, timeZone: t.timeZone },
    end: { dateTime: t.endAt, timeZone: t.endTimeZone },
  };
}

/** The fields Concilia owns on a Google event, for an insert (with `id`) or a patch. */
export function toGoogleEvent(s: SyncedEventState, crmEventId: string): Omit<GoogleEvent, "id"> {
  return {
    summary: s.title,
    description: s.description ?? "",
    location: s.location ?? "",
    status: s.status,
    ...when(s),
    attendees: s.attendees.map((a) => ({
      email: a.email,
      ...(a.name ? { displayName: a.name } : {}),
      responseStatus: a.responseStatus,
    })),
    recurrence: recurrenceLines(s) ?? [],
    extendedProperties: { private: { [CONCILIA_PROPERTY]: crmEventId } },
  };
}
