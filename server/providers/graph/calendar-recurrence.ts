// Graph's patternedRecurrence (§1.3) ↔ the RRULE value Concilia keeps for a series. Graph's six
// pattern types are RRULE subsets: daily, weekly (BYDAY), absolute monthly/yearly (BYMONTHDAY,
// BYMONTH), relative monthly/yearly (BYDAY with BYSETPOS); its range is COUNT, UNTIL or neither. A
// range end date is inclusive on the series' own clock, so UNTIL is that day at the series' start
// time (an instant, or a date for all-day series).
import { instantOfWall, wallOfInstant } from "../../calendar/local-time.js";
import { ruleParts } from "../../calendar/rule-parts.js";

export interface PatternedRecurrence {
  pattern: {
    type: string;
    interval: number;
    daysOfWeek?: string[];
    firstDayOfWeek?: string;
    dayOfMonth?: number;
    month?: number;
    index?: string;
  };
  range: {
    type: string;
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    recurrenceTimeZone?: string;
  };
}

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const INDEX: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

const byDay = (days: string[] | undefined) =>
  (days ?? []).map((d) => BYDAY[DAYS.indexOf(d.toLowerCase())]).filter(Boolean);

/** Where the series starts: its first occurrence's start on its own clock. */
export interface SeriesStart {
  allDay: boolean;
  /** UTC instant of the first start (all-day: midnight UTC of its date). */
  startAt: number;
  zone: string;
}

const compact = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d+/, "");

/** The RRULE value (no `RRULE:` prefix) of a Graph recurrence, or null for one it cannot say. */
export function rruleOf(r: PatternedRecurrence, start: SeriesStart): string | null {
  const p = r.pattern;
  const parts: string[] = [];
  const interval = Number(p.interval) > 1 ? [`INTERVAL=${p.interval}`] : [];
  const days = byDay(p.daysOfWeek);
  const setPos = INDEX[p.index ?? "first"] ?? 1;
  switch (p.type) {
    case "daily":
      parts.push("FREQ=DAILY", ...interval);
      break;
    case "weekly":
      parts.push("FREQ=WEEKLY", ...interval, `BYDAY=${days.join(",")}`);
      break;
    case "absoluteMonthly":
      parts.push("FREQ=MONTHLY", ...interval, `BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case "relativeMonthly":
      parts.push("FREQ=MONTHLY", ...interval, `BYDAY=${days.join(",")}`, `BYSETPOS=${setPos}`);
      break;
    case "absoluteYearly":
      parts.push("FREQ=YEARLY", ...interval, `BYMONTH=${p.month}`, `BYMONTHDAY=${p.dayOfMonth}`);
      break;
    case "relativeYearly":
      parts.push(
        "FREQ=YEARLY",
        ...interval,
        `BYMONTH=${p.month}`,
        `BYDAY=${days.join(",")}`,
        `BYSETPOS=${setPos}`,
      );
      break;
    default:
      return null;
  }
  if (r.range.type === "numbered" && Number(r.range.numberOfOccurrences) > 0)
    parts.push(`COUNT=${r.range.numberOfOccurrences}`);
  else if (r.range.type === "endDate" && r.range.endDate && !r.range.endDate.startsWith("0001")) {
    if (start.allDay) parts.push(`UNTIL=${r.range.endDate.replace(/-/g, "")}`);
    else {
      const time = new Date(wallOfInstant(start.startAt, start.zone)).toISOString().slice(10, 19);
      const until = instantOfWall(Date.parse(`${r.range.endDate}${time}Z`), start.zone);
      parts.push(`UNTIL=${compact(new Date(until).toISOString())}`);
    }
  }
  return parts.join(";");
}

/** Graph's recurrence for an RRULE value, or null for one Graph's patterns cannot hold. */
export function recurrenceOf(
  rule: string,
  start: SeriesStart,
  windowsZone: string,
): PatternedRecurrence | null {
  const f = ruleParts(rule);
  const interval = Number(f.get("INTERVAL") ?? 1) || 1;
  const days = (f.get("BYDAY") ?? "").split(",").filter(Boolean);
  const plainDays = days.every((d) => BYDAY.includes(d));
  const daysOfWeek = days.map((d) => DAYS[BYDAY.indexOf(d)]);
  const setPos = Number(f.get("BYSETPOS") ?? 0);
  const index = Object.entries(INDEX).find(([, n]) => n === setPos)?.[0];
  const startWall = new Date(start.allDay ? start.startAt : wallOfInstant(start.startAt, start.zone));
  const startDate = startWall.toISOString().slice(0, 10);
  let pattern: PatternedRecurrence["pattern"];
  const freq = f.get("FREQ");
  const known = new Set([
    "FREQ",
    "INTERVAL",
    "BYDAY",
    "BYSETPOS",
    "BYMONTHDAY",
    "BYMONTH",
    "COUNT",
    "UNTIL",
    "WKST",
  ]);
  if ([...f.keys()].some((k) => !known.has(k)) || !plainDays) return null;
  if (freq === "DAILY" && !days.length) pattern = { type: "daily", interval };
  else if (freq === "WEEKLY")
    pattern = {
      type: "weekly",
      interval,
      daysOfWeek: days.length ? daysOfWeek : [DAYS[startWall.getUTCDay()]],
      firstDayOfWeek: "sunday",
    };
  else if (freq === "MONTHLY" && days.length && index)
    pattern = { type: "relativeMonthly", interval, daysOfWeek, index };
  else if (freq === "MONTHLY" && !days.length)
    pattern = {
      type: "absoluteMonthly",
      interval,
      dayOfMonth: Number(f.get("BYMONTHDAY") ?? startWall.getUTCDate()),
    };
  else if (freq === "YEARLY" && days.length && index)
    pattern = { type: "relativeYearly", interval, daysOfWeek, index, month: Number(f.get("BYMONTH")) };
  else if (freq === "YEARLY" && !days.length)
    pattern = {
      type: "absoluteYearly",
      interval,
      month: Number(f.get("BYMONTH") ?? startWall.getUTCMonth() + 1),
      dayOfMonth: Number(f.get("BYMONTHDAY") ?? startWall.getUTCDate()),
    };
  else return null;
  const range: PatternedRecurrence["range"] = { type: "noEnd", startDate, recurrenceTimeZone: windowsZone };
  const until = f.get("UNTIL");
  if (f.get("COUNT")) Object.assign(range, { type: "numbered", numberOfOccurrences: Number(f.get("COUNT")) });
  else if (until) {
    const m = /^(\d{4})(\d\d)(\d\d)(?:T(\d\d)(\d\d)(\d\d)(Z?))?$/.exec(until);
    if (!m) return null;
    const instant = m[4]
      ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`)
      : Date.parse(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
    const wall = m[4] && m[7] && !start.allDay ? wallOfInstant(instant, start.zone) : instant;
    Object.assign(range, { type: "endDate", endDate: new Date(wall).toISOString().slice(0, 10) });
  }
  return { pattern, range };
}
