// A VTIMEZONE's STANDARD and DAYLIGHT rules say when a zone's offset changes: in every real file once
// a year (FREQ=YEARLY;BYDAY=1SU;BYMONTH=11, or the old BYMONTHDAY=8,9,10,11,12,13,14;BYDAY=SU). ical.js
// expands each rule from its DTSTART (1601 in Outlook's files) up to the year it is asked about, all at
// once and without a bound, so `RRULE:FREQ=SECONDLY` in a zone is billions of changes: a file that
// hangs whoever reads it (R-P-4). Rules that are not yearly, or that change the offset more than a few
// times a year, are dropped with a problem on their line; the observance then counts from its DTSTART
// only. The rate, not the span, is bounded: a DTSTART in year 1 or an event in 9999 stay cheap.
import type ICAL from "ical.js";

/** Values a BY part of a yearly zone rule may list; BYMONTH may list every month. */
const MAX_BY_VALUES = 7;
/** Offset changes a rule may make in its first ten years (real zones: ten or twenty). */
const MAX_CHANGES_PER_DECADE = 40;

/** Why a zone rule starting at `start` would expand without bound, or null for a yearly rule. */
export function unboundedZoneRule(rule: ICAL.Recur, start: ICAL.Time | null): string | null {
  if (rule.freq !== "YEARLY") return `repeats ${String(rule.freq ?? "without FREQ")}, not yearly`;
  if (rule.interval < 1) return "has an INTERVAL below 1";
  for (const [part, values] of Object.entries(rule.parts ?? {})) {
    const count = Array.isArray(values) ? values.length : 1;
    const max =
      part === "BYMONTH" ? 12 : ["BYHOUR", "BYMINUTE", "BYSECOND"].includes(part) ? 1 : MAX_BY_VALUES;
    if (count > max) return `lists ${count} values in ${part}`;
  }
  if (!start) return null;
  // The shape above keeps each step of the iterator short; this bounds how many steps a year takes.
  const changes = readOrNull(() => {
    const iterator = rule.iterator(start);
    let n = 0;
    for (
      let occ = iterator.next();
      occ && occ.year < start.year + 10 && n <= MAX_CHANGES_PER_DECADE;
      occ = iterator.next()
    )
      n++;
    return n;
  });
  return changes !== null && changes > MAX_CHANGES_PER_DECADE
    ? `changes the offset more than ${MAX_CHANGES_PER_DECADE} times in ten years`
    : null;
}

// A DTSTART or RRULE ical.js cannot read throws the same when the zone is used, where the event that
// uses it is reported (ics-occurrences.ts); here it is left as it is.
function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * Drops the RRULEs of `zone`'s observances that would expand without bound, reporting each on its line:
 * `rruleLines` are the lines of the zone's RRULEs in the order they are written.
 */
export function dropUnboundedZoneRules(
  zone: ICAL.Component,
  rruleLines: number[],
  report: (line: number, message: string) => void,
) {
  let nth = 0;
  for (const observance of zone.getAllSubcomponents())
    for (const prop of observance.getAllProperties("rrule")) {
      const line = rruleLines[nth++] ?? rruleLines[0] ?? 1;
      const start = readOrNull(() => observance.getFirstPropertyValue("dtstart") as ICAL.Time | null);
      const rule = readOrNull(() => (prop.getFirstValue() as ICAL.Recur).clone());
      const why = rule && unboundedZoneRule(rule, start);
      if (!why) continue;
      observance.removeProperty(prop);
      report(
        line,
        `VTIMEZONE ${String(zone.getFirstPropertyValue("tzid"))} ${observance.name.toUpperCase()} rule ${why}: ignored`,
      );
    }
}
