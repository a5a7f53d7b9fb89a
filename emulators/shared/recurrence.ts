import { addDays, zonedInstant } from "./zones.js";

/**
 * The recurrence rules both calendars share, expanded in the series' own zone so a 09:00 meeting
 * stays at 09:00 across daylight-saving changes. Google sends RFC 5545 `RRULE` lines, Graph a
 * `patternedRecurrence`; both are read into this shape. Daily, weekly and monthly-by-date patterns
 * are enough for the tests and the demo (a month without the day is skipped, as RFC 5545 does); an
 * open-ended series is expanded over a bounded horizon.
 */
export type Rule = {
  freq: "daily" | "weekly" | "monthly";
  interval: number;
  /** 0 = Sunday … 6 = Saturday; weekly only. */
  byDay?: number[];
  /** Monthly only: the day of the month (the start's by default). */
  byMonthDay?: number;
  /**
   * Monthly only: a month without that day gets the occurrence on its last day, as Outlook does
   * ("the occurrence will fall on the last day of the month"); RFC 5545 (Google) skips the month.
   */
  lastDayWhenShort?: boolean;
  count?: number;
  /** Last allowed local date (`YYYY-MM-DD`), inclusive. */
  untilDate?: string;
};

const HORIZON_DAYS = 730;
const MAX_INSTANCES = 1000;

/** Local start dates of the series (first one is `startDate`), in order. */
export function expandDates(rule: Rule, startDate: string): string[] {
  const out: string[] = [];
  const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
  const days = rule.freq === "weekly" && rule.byDay?.length ? rule.byDay : [weekday(startDate)];
  const weekStart = addDays(startDate, -weekday(startDate));
  for (let step = 0; out.length < MAX_INSTANCES; step++) {
    const candidates =
      rule.freq === "daily"
        ? [addDays(startDate, step * rule.interval)]
        : rule.freq === "monthly"
          ? monthDay(startDate, step * rule.interval, rule.byMonthDay, rule.lastDayWhenShort)
          : [...days].sort().map((d) => addDays(weekStart, step * 7 * rule.interval + d));
    const first = candidates[0] ?? monthDay(startDate, step * rule.interval, 1)[0];
    if (Date.parse(first) - Date.parse(startDate) > HORIZON_DAYS * 86_400_000) break;
    if (rule.untilDate && first > rule.untilDate) break;
    for (const date of candidates) {
      if (date < startDate || (rule.untilDate && date > rule.untilDate)) continue;
      out.push(date);
      if (rule.count !== undefined && out.length >= rule.count) return out;
    }
  }
  return out;
}

/** The given day (or the start's) of the month `months` after the start's, or none if that month lacks it. */
function monthDay(startDate: string, months: number, day?: number, lastDayWhenShort = false): string[] {
  const [y, m, d] = startDate.split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1 + months, day ?? d));
  if (at.getUTCDate() === (day ?? d)) return [at.toISOString().slice(0, 10)];
  if (!lastDayWhenShort) return [];
  // Day 0 of the next month is the last day of this one.
  return [new Date(Date.UTC(y, m + months, 0)).toISOString().slice(0, 10)];
}

/** Start instants of each occurrence, for a series starting at `localStart` in `zone`. */
export function expandInstants(rule: Rule, localStart: string, zone: string): number[] {
  const time = localStart.slice(10, 19) || "T00:00:00";
  return expandDates(rule, localStart.slice(0, 10)).map((d) => zonedInstant(`${d}${time}`, zone));
}

const DAY_CODES = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];

/** An `RRULE:` line, or an error message for what it does not support. */
export function parseRRule(line: string): Rule | string {
  const m = /^RRULE:(.*)$/i.exec(line.trim());
  if (!m) return `Unsupported recurrence line: ${line}`;
  const fields = new Map(
    m[1]
      .split(";")
      .map((kv) => kv.split("=") as [string, string])
      .map(([k, v]) => [k.toUpperCase(), v]),
  );
  const freq = fields.get("FREQ")?.toLowerCase();
  if (freq !== "daily" && freq !== "weekly" && freq !== "monthly")
    return `Unsupported frequency: ${fields.get("FREQ")}`;
  const monthDayOf = fields.get("BYMONTHDAY");
  if (monthDayOf !== undefined && !/^([1-9]|[12]\d|3[01])$/.test(monthDayOf))
    return `Unsupported BYMONTHDAY: ${monthDayOf}`;
  const until = fields.get("UNTIL");
  const byDay = fields
    .get("BYDAY")
    ?.split(",")
    .map((d) => DAY_CODES.indexOf(d.slice(-2).toUpperCase()));
  if (byDay?.some((d) => d < 0)) return `Invalid BYDAY: ${fields.get("BYDAY")}`;
  return {
    freq,
    interval: Number(fields.get("INTERVAL") ?? 1) || 1,
    byDay,
    byMonthDay: monthDayOf ? Number(monthDayOf) : undefined,
    count: fields.has("COUNT") ? Number(fields.get("COUNT")) : undefined,
    untilDate: until ? `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}` : undefined,
  };
}

export const WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
