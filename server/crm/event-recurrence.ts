// A series' rule from the API's recurrence (shared/api/events.ts) and back (R-CAL-6). The RRULE is
// written in the form the providers give back, so a rule read from a calendar compares equal to the
// one Concilia wrote (reconcile/compare.ts compares the text): FREQ, INTERVAL, BYDAY (weekly) or
// BYMONTHDAY / BYMONTH (monthly, yearly: the start's day and month), then COUNT or UNTIL, as
// providers/graph/calendar-recurrence.ts reads Graph's patterns. UNTIL is the last day at the series'
// start time on its clock, in UTC, or a date for an all-day series.
import type { RecurrenceInput } from "../../shared/api/events.js";
import { badRequest } from "../api/problem.js";
import { instantOfWall, wallOfInstant } from "../calendar/local-time.js";
import { ruleParts } from "../calendar/rule-parts.js";
import type { Timing } from "./event-timing.js";

const DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"] as const;
type Weekday = (typeof DAYS)[number];
/** The order byDay is written in, Monday first, as ISO weeks and the sidebars list them. */
const WEEK_ORDER: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/** The series' first start on its own clock, as UTC fields (an all-day series: its first date). */
function startWall(t: Timing): Date {
  return new Date(
    t.allDay && t.startDate
      ? Date.parse(`${t.startDate}T00:00:00Z`)
      : wallOfInstant(t.startAt.getTime(), t.timeZone),
  );
}

const compactInstant = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+/, "");

/** The RRULE value for `r` on a series timed `t`; a 400 naming the field when they do not fit. */
export function ruleFor(r: RecurrenceInput, t: Timing): string {
  const wall = startWall(t);
  const firstDay = wall.toISOString().slice(0, 10);
  const startDay = DAYS[wall.getUTCDay()];
  const parts = [`FREQ=${r.freq.toUpperCase()}`];
  if (r.interval && r.interval > 1) parts.push(`INTERVAL=${r.interval}`);
  if (r.freq === "weekly") {
    const days = r.byDay ?? [startDay];
    if (!days.includes(startDay))
      throw badRequest("A weekly series starts on one of its days: the start is not on any day of byDay.", [
        { path: "body.recurrence.byDay", message: `must include ${startDay}, the start's day of the week` },
      ]);
    parts.push(`BYDAY=${WEEK_ORDER.filter((d) => days.includes(d)).join(",")}`);
  }
  if (r.freq === "monthly") {
    // Outlook puts day 29–31 on the last day of a shorter month; RFC 5545 and Google skip the month.
    if (wall.getUTCDate() > 28)
      throw badRequest(
        "A monthly series starting on the 29th, 30th or 31st would fall on other days in Outlook than in Google and CalDAV calendars: start it on day 1 to 28.",
        [{ path: "body.recurrence.freq", message: "monthly needs a start on day 1 to 28 of the month" }],
      );
    parts.push(`BYMONTHDAY=${wall.getUTCDate()}`);
  }
  if (r.freq === "yearly") parts.push(`BYMONTH=${wall.getUTCMonth() + 1}`, `BYMONTHDAY=${wall.getUTCDate()}`);
  if (r.count) parts.push(`COUNT=${r.count}`);
  else if (r.until) {
    if (r.until < firstDay)
      throw badRequest("The series would end before it starts: until is before its first day.", [
        { path: "body.recurrence.until", message: `must not be before ${firstDay}, the series' first day` },
      ]);
    if (t.allDay) parts.push(`UNTIL=${r.until.replace(/-/g, "")}`);
    else {
      const time = wall.toISOString().slice(10, 19);
      parts.push(`UNTIL=${compactInstant(instantOfWall(Date.parse(`${r.until}${time}Z`), t.timeZone))}`);
    }
  }
  return parts.join(";");
}

/**
 * The recurrence a stored rule says, for a series whose timing changes without a new rule: the
 * days of the month and year follow the new start, the weekly days stay (and must fit it), and
 * UNTIL stays the same last day on the series' clock.
 */
export function recurrenceOfRule(rule: string, t: Timing): RecurrenceInput {
  const f = ruleParts(rule);
  const freq = (f.get("FREQ") ?? "").toLowerCase() as RecurrenceInput["freq"];
  const out: RecurrenceInput = { freq };
  const interval = Number(f.get("INTERVAL") ?? 1);
  if (interval > 1) out.interval = interval;
  const byDay = f.get("BYDAY");
  if (freq === "weekly" && byDay) out.byDay = byDay.split(",") as Weekday[];
  if (f.get("COUNT")) out.count = Number(f.get("COUNT"));
  const until = f.get("UNTIL");
  if (until) {
    const date = `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
    out.until =
      until.length > 8 && !t.allDay
        ? new Date(
            wallOfInstant(
              Date.parse(`${date}T${until.slice(9, 11)}:${until.slice(11, 13)}:${until.slice(13, 15)}Z`),
              t.timeZone,
            ),
          )
            .toISOString()
            .slice(0, 10)
        : date;
  }
  return out;
}
