// What keeps a recurrence's expansion proportional to the range asked for, not to the rule (R-CAL-6,
// R-P-4). ical.js steps through a rule one occurrence at a time from DTSTART: a series that began
// years before the range, ticks every hour, or never ends costs as many steps as it has occurrences
// up to the range's end. Two bounds:
//
// - SECONDLY and MINUTELY rules are no calendar recurrence (no calendar application makes them; a
//   meeting every second is a broken or hostile file): the series is read as its first event alone.
// - A simple HOURLY, DAILY or WEEKLY rule (no BY part, so exactly one occurrence per period, DTSTART
//   the first) starts again whole periods later, just before the range, with its COUNT reduced by
//   the periods skipped: it yields the same occurrences from there on. Other rules have at most a
//   few dozen occurrences a year and are stepped through as they are.
import ICAL from "ical.js";
import type { EventWarning } from "../../shared/event-warnings.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIOD: Record<string, { ms: number; unit: "hours" | "days"; per: number }> = {
  HOURLY: { ms: HOUR, unit: "hours", per: 1 },
  DAILY: { ms: DAY, unit: "days", per: 1 },
  WEEKLY: { ms: 7 * DAY, unit: "days", per: 7 },
};

/** False for the frequencies no calendar schedules by (see above). */
export function isCalendarRecurrence(rule: ICAL.Recur): boolean {
  return rule.freq !== "SECONDLY" && rule.freq !== "MINUTELY";
}

/** The words a reader gives for a rule it reads as a single event. */
export const notCalendarRecurrence = (rule: ICAL.Recur) =>
  `RRULE FREQ=${rule.freq} is not a calendar recurrence: the event is read as a single event, its first occurrence`;

/** A rule restarted `periods` periods later: where it starts, and the rule (null: it has ended by then). */
export interface Skip {
  periods: number;
  /** The rule with its COUNT reduced by the skipped periods; null when those used up its COUNT. */
  rule: ICAL.Recur | null;
  /** The shift of DTSTART on the wall clock, as ical.js's iterator steps (`Time.adjust` takes it). */
  shift: { days: number; hours: number };
  /** The same shift in milliseconds of wall-clock time. */
  shiftMs: number;
}

/**
 * The whole periods of `rule` that end before `beforeMs`, for a series starting at `startMs` (both on
 * the same clock), or null when the rule cannot be restarted so (not simple, or nothing to skip).
 */
export function skipBefore(
  rule: ICAL.Recur,
  startMs: number,
  beforeMs: number,
  allDay: boolean,
): Skip | null {
  const period = PERIOD[rule.freq];
  if (!period || (allDay && rule.freq === "HOURLY")) return null;
  if (Object.values(rule.parts ?? {}).some((v) => Array.isArray(v) && v.length > 0)) return null;
  const interval = rule.interval ?? 1;
  if (!Number.isInteger(interval) || interval < 1) return null;
  const periods = Math.floor((beforeMs - startMs) / (period.ms * interval));
  if (!Number.isFinite(periods) || periods < 1) return null;
  const steps = periods * interval * period.per;
  let shortened: ICAL.Recur | null = rule.clone();
  if (rule.count)
    shortened = rule.count > periods ? Object.assign(shortened, { count: rule.count - periods }) : null;
  return {
    periods,
    rule: shortened,
    shift: period.unit === "hours" ? { days: 0, hours: steps } : { days: steps, hours: 0 },
    shiftMs: steps * (period.unit === "hours" ? HOUR : DAY),
  };
}

/**
 * For a series a calendar sync stores: the warning its rule deserves (SECONDLY, MINUTELY: listed as its
 * first event only, see occurrences.ts), or null. A rule ical.js cannot read is left to its reader.
 */
export function storedRuleWarning(rule: string | null | undefined): string | null {
  if (!rule) return null;
  try {
    const parsed = ICAL.Recur.fromString(rule.trim().replace(/^RRULE:/i, ""));
    return isCalendarRecurrence(parsed) ? null : notCalendarRecurrence(parsed);
  } catch {
    return null;
  }
}

/** The warnings a stored series' rule gives its event's answer (the stored rule is kept as it came). */
export function ruleWarnings(rule: string | null | undefined): EventWarning[] {
  const message = storedRuleWarning(rule);
  return message ? [{ code: "recurrence-read-as-first-event", message }] : [];
}
