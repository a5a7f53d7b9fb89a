// The occurrences of events between two instants (R-CAL-6). ical.js expands the rule, its RDATEs and
// EXDATEs on the series' wall clock (floating times: the rule counts days and hours as the zone's clock
// shows them), and each occurrence becomes an instant in the series' zone, so a 09:00 meeting stays at
// 09:00 across daylight-saving changes. Exceptions, keyed by original start, then apply: a cancelled
// occurrence vanishes, a moved one appears at its new time (also when only its new time is in the
// range), a changed one carries its changes. All-day series expand on dates and stay dates.
import ICAL from "ical.js";
import { wallMs } from "./ics-zones.js";
import { instantOfWall, wallOfInstant } from "./local-time.js";
import { isCalendarRecurrence, skipBefore } from "./rule-bounds.js";

export type EventStatus = "confirmed" | "tentative" | "cancelled";

/**
 * When an event is, as stored: timed events are two instants with their zones; all-day events are
 * dates (end exclusive). crm/event-timing.ts checks and plans it.
 */
export interface Timing {
  allDay: boolean;
  startAt: Date;
  endAt: Date;
  timeZone: string;
  endTimeZone: string;
  startDate: string | null;
  endDate: string | null;
}

/** The fields of an event (a series or a single event) that decide where its occurrences are. */
export interface EventTiming extends Timing {
  id: string;
  status: EventStatus;
  /** RRULE value; null for a single event. */
  recurrence: string | null;
  rdates: string[];
  exdates: string[];
}

export interface ExceptionRow {
  originalStart: string;
  status: EventStatus;
  startAt: Date | null;
  endAt: Date | null;
  timeZone: string | null;
  endTimeZone: string | null;
  startDate: string | null;
  endDate: string | null;
  title: string | null;
  description: string | null;
  location: string | null;
}

export interface Occurrence extends Omit<Timing, "allDay"> {
  seriesId: string;
  /** Where the rule put it: the key of its exception (a UTC instant, or a date for all-day series). */
  originalStart: string;
  status: EventStatus;
  /** The changes of this occurrence, if it has an exception. */
  exception: ExceptionRow | null;
}

const DAY = 86_400_000;
/** Safety bound for rules stepped through as they are (rule-bounds.ts) that never end near the range. */
const MAX_STEPS = 100_000;

/** An all-day date `YYYY-MM-DD` as the UTC midnight that sorts it among instants. */
export const dateKeyMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
export const msToDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The instants an all-day span may cover for some viewer: from its first midnight at UTC+14 to its
 * last at UTC−12. Ranges are instants, dates are not; an all-day event is listed in every range some
 * zone's calendar shows it in.
 */
export function allDaySpan(startDate: string, endDate: string): { from: number; to: number } {
  return { from: dateKeyMs(startDate) - 14 * 3_600_000, to: dateKeyMs(endDate) + 12 * 3_600_000 };
}

/** Normalises an RRULE as providers send it (`RRULE:FREQ=…` or `FREQ=…`); throws on a rule ical.js refuses. */
export function parseRule(text: string): string {
  const value = text.trim().replace(/^RRULE:/i, "");
  return ICAL.Recur.fromString(value).toString();
}

function floating(ms: number, allDay: boolean): ICAL.Time {
  const iso = new Date(ms).toISOString();
  return allDay ? ICAL.Time.fromDateString(iso.slice(0, 10)) : ICAL.Time.fromDateTimeString(iso.slice(0, 19));
}

/**
 * A UTC UNTIL is an instant, but the rule is expanded on the series' floating wall clock, where
 * ical.js would compare it as if it were a wall time: east of Greenwich the last occurrence (an UNTIL
 * equal to it, as Outlook's end dates and Apple's clients write it) would be dropped. It becomes that
 * instant's wall time in the series' zone.
 */
function untilOnWallClock(rule: ICAL.Recur, zone: string): ICAL.Recur {
  const until = rule.until;
  if (!until || until.isDate || until.zone !== ICAL.Timezone.utcTimezone) return rule;
  const copy = rule.clone();
  copy.until = floating(wallOfInstant(until.toUnixTime() * 1000, zone), false);
  return copy;
}

/** How much expansion work was done: ical.js iterator steps, summed over calls (tests, benchmarks). */
export interface ExpansionMeter {
  steps: number;
}

/**
 * The rule's original starts, as wall-clock milliseconds, in order, from a little before `fromWall`
 * (rule-bounds.ts: a simple rule restarts there) until `untilWall`.
 */
function originalStarts(
  e: EventTiming,
  fromWall: number,
  untilWall: number,
  meter?: ExpansionMeter,
): number[] {
  const allDay = e.allDay && !!e.startDate;
  let startWall = allDay ? dateKeyMs(e.startDate!) : wallOfInstant(e.startAt.getTime(), e.timeZone);
  const toWall = (v: string) =>
    allDay ? dateKeyMs(v.slice(0, 10)) : wallOfInstant(Date.parse(v), e.timeZone);
  let rule = e.recurrence ? ICAL.Recur.fromString(e.recurrence) : null;
  if (rule && !allDay) rule = untilOnWallClock(rule, e.timeZone);
  // SECONDLY and MINUTELY: the series is its first event (and its RDATEs).
  if (rule && !isCalendarRecurrence(rule)) rule = null;
  const skip = rule && skipBefore(rule, startWall, fromWall, allDay);
  if (skip) {
    rule = skip.rule;
    // A COUNT used up before the range: only the RDATEs are left (the start itself lies before it).
    if (rule) startWall += skip.shiftMs;
  }
  const vevent = new ICAL.Component("vevent");
  const dtstart = floating(startWall, allDay);
  vevent.addPropertyWithValue("dtstart", dtstart);
  if (rule) vevent.addPropertyWithValue("rrule", rule);
  for (const r of e.rdates) vevent.addPropertyWithValue("rdate", floating(toWall(r), allDay));
  for (const x of e.exdates) vevent.addPropertyWithValue("exdate", floating(toWall(x), allDay));
  const expansion = new ICAL.RecurExpansion({ component: vevent, dtstart });
  const out: number[] = [];
  for (let step = 0; step < MAX_STEPS; step++) {
    if (meter) meter.steps++;
    const next = expansion.next();
    if (!next) break;
    const wall = wallMs(next);
    if (wall > untilWall) break;
    out.push(wall);
  }
  return out;
}

/**
 * The occurrences of `event` that overlap [from, to), in start order. A single event is its own one
 * occurrence (keyed by its start); a cancelled series has none.
 */
export function occurrencesBetween(
  event: EventTiming,
  exceptions: ExceptionRow[],
  from: Date,
  to: Date,
  meter?: ExpansionMeter,
): Occurrence[] {
  if (event.status === "cancelled") return [];
  const allDay = event.allDay && !!event.startDate && !!event.endDate;
  const byKey = new Map(exceptions.map((x) => [x.originalStart, x]));
  const keys = exceptions.map((x) => Date.parse(x.originalStart)).filter(Number.isFinite);
  const lastException = Math.max(0, ...keys);
  // Wall clocks run at most 14 hours ahead of UTC.
  const untilWall = Math.max(to.getTime(), lastException) + DAY;
  // Occurrences starting before the range may reach into it (their length), or be moved into it (an
  // exception keyed before it): the rule may skip only what ends before all of these.
  const span = allDay ? DAY * 2 : event.endAt.getTime() - event.startAt.getTime();
  const fromWall = Math.min(from.getTime(), ...keys) - Math.max(0, span) - 2 * DAY;
  const starts =
    event.recurrence || event.rdates.length ? originalStarts(event, fromWall, untilWall, meter) : null;
  const list: Occurrence[] = [];
  if (allDay) {
    const days = Math.round((dateKeyMs(event.endDate!) - dateKeyMs(event.startDate!)) / DAY);
    for (const wall of starts ?? [dateKeyMs(event.startDate!)]) {
      const originalStart = msToDate(wall);
      const x = byKey.get(originalStart) ?? null;
      if (x?.status === "cancelled") continue;
      const startDate = x?.startDate ?? originalStart;
      const endDate = x?.endDate ?? msToDate(dateKeyMs(startDate) + days * DAY);
      const span = allDaySpan(startDate, endDate);
      if (span.to <= from.getTime() || span.from >= to.getTime()) continue;
      list.push({
        seriesId: event.id,
        originalStart,
        startAt: new Date(dateKeyMs(startDate)),
        endAt: new Date(dateKeyMs(endDate)),
        timeZone: event.timeZone,
        endTimeZone: event.endTimeZone,
        startDate,
        endDate,
        status: x?.status ?? event.status,
        exception: x,
      });
    }
  } else {
    const duration = event.endAt.getTime() - event.startAt.getTime();
    const instants = starts
      ? starts.map((wall) => instantOfWall(wall, event.timeZone))
      : [event.startAt.getTime()];
    for (const instant of instants) {
      const originalStart = new Date(instant).toISOString();
      const x = byKey.get(originalStart) ?? null;
      if (x?.status === "cancelled") continue;
      const startAt = x?.startAt ?? new Date(instant);
      const endAt = x?.endAt ?? new Date(startAt.getTime() + duration);
      if (endAt.getTime() <= from.getTime() && !(endAt.getTime() === startAt.getTime() && startAt >= from))
        continue;
      if (startAt.getTime() >= to.getTime()) continue;
      list.push({
        seriesId: event.id,
        originalStart,
        startAt,
        endAt,
        timeZone: x?.timeZone ?? event.timeZone,
        endTimeZone: x?.endTimeZone ?? event.endTimeZone,
        startDate: null,
        endDate: null,
        status: x?.status ?? event.status,
        exception: x,
      });
    }
  }
  return list.sort(
    (a, b) => a.startAt.getTime() - b.startAt.getTime() || a.originalStart.localeCompare(b.originalStart),
  );
}
