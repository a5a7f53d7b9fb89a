// Times of an iCalendar file as instants. A TZID the file defines (Windows names and "Customized Time
// Zone" included) is read by ical.js from its VTIMEZONE; one it does not define is read as the IANA or
// Windows zone it names, else with the offset an Outlook display name starts with, else as UTC (each
// such TZID is reported). Floating times are read as UTC and say so.
import ICAL from "ical.js";
import { resolveTimeZone } from "../../shared/windows-zones.js";
import type { IcsProblem, ParsedIcs } from "./ics.js";
import { instantOfWall, wallOfInstant } from "./local-time.js";

/**
 * A series whose zone ical.js does not know (an IANA or Windows TZID without VTIMEZONE) expands on
 * floating wall clocks; its UNTIL, EXDATEs, RDATEs and RECURRENCE-IDs given in UTC or in another zone
 * are moved onto the series' wall clock, or an UNTIL at 08:00 UTC would end a 10:00 Vienna series early.
 */
export function onStartWall(c: ICAL.Component, startTzid: string | null) {
  const toWall = (t: ICAL.Time, tzid: string | null): ICAL.Time => {
    const ms = msOf(t, tzid);
    const zone = startTzid ? resolveTimeZone(startTzid) : null;
    const offset = startTzid && !zone ? offsetInName(startTzid) : null;
    const wall = zone ? wallOfInstant(ms, zone) : ms + (offset ?? 0) * 60_000;
    return ICAL.Time.fromDateTimeString(new Date(wall).toISOString().slice(0, 19));
  };
  const sameClock = (t: ICAL.Time, tzid: string | null) => t.isDate || (tzid === startTzid && !hasRules(t));
  for (const name of ["exdate", "rdate", "recurrence-id"])
    for (const prop of c.getAllProperties(name)) {
      const tzid = (prop.getParameter("tzid") as string | undefined) ?? null;
      const values = prop.getValues() as unknown[];
      if (!values.every((v): v is ICAL.Time => v instanceof ICAL.Time)) continue; // RDATE periods stay
      if (values.every((v) => sameClock(v, tzid))) continue;
      prop.removeParameter("tzid");
      prop.setValues(values.map((v) => (sameClock(v, tzid) ? v : toWall(v, tzid))));
    }
  const rrule = c.getFirstProperty("rrule");
  const rule = rrule?.getFirstValue() as ICAL.Recur | undefined;
  if (rrule && rule?.until && !rule.until.isDate && rule.until.zone === ICAL.Timezone.utcTimezone) {
    rule.until = toWall(rule.until, null);
    rrule.setValue(rule);
  }
}

export function tzidOf(component: ICAL.Component, name: string): string | null {
  const tzid = component.getFirstProperty(name)?.getParameter("tzid");
  return typeof tzid === "string" && tzid ? tzid : null;
}

export const wallMs = (t: ICAL.Time) =>
  Date.UTC(
    t.year,
    t.month - 1,
    t.day,
    t.isDate ? 0 : t.hour,
    t.isDate ? 0 : t.minute,
    t.isDate ? 0 : t.second,
  );

export function hasRules(t: ICAL.Time): boolean {
  const zone = t.zone;
  return !!zone && zone !== ICAL.Timezone.localTimezone && zone.tzid !== "floating";
}

/** `(UTC-05:00) Eastern Time (US & Canada)`: Outlook's display names start with their standard offset. */
function offsetInName(tzid: string): number | null {
  const m = /^\((?:UTC|GMT)\s*(?:([+-])(\d{1,2}):?(\d{2})?)?\)/i.exec(tzid.trim());
  if (!m) return null;
  const minutes = Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
  return m[1] === "-" ? -minutes : minutes;
}

export function msOf(t: ICAL.Time, tzid: string | null): number {
  if (t.isDate) return wallMs(t);
  if (hasRules(t)) return t.toUnixTime() * 1000;
  const iana = tzid ? resolveTimeZone(tzid) : null;
  if (iana) return instantOfWall(wallMs(t), iana);
  const offset = tzid ? offsetInName(tzid) : null;
  return wallMs(t) - (offset ?? 0) * 60_000;
}

/** TZIDs the file neither defines nor names a known zone with: how they were read. */
export function unknownZones(parsed: ParsedIcs): IcsProblem[] {
  const seen = new Set<string>();
  const problems: IcsProblem[] = [];
  for (const { component, line } of parsed.events)
    for (const name of ["dtstart", "dtend"]) {
      const tzid = tzidOf(component, name);
      if (!tzid || seen.has(tzid) || parsed.calendar.getTimeZoneByID(tzid) || resolveTimeZone(tzid)) continue;
      seen.add(tzid);
      const offset = offsetInName(tzid);
      problems.push({
        line,
        message: `time zone '${tzid}' has no VTIMEZONE and is not a known zone: read ${offset === null ? "as UTC" : "with the offset its name gives, without daylight saving"}`,
      });
    }
  return problems;
}

/** An ICAL.Time as stored: a date, or a UTC instant with the zone it was given in. */
export function timeOf(t: ICAL.Time, tzid: string | null): { value: string; zone: string | null } {
  if (t.isDate) return { value: new Date(wallMs(t)).toISOString().slice(0, 10), zone: null };
  const value = new Date(msOf(t, tzid)).toISOString();
  if (t.zone === ICAL.Timezone.utcTimezone) return { value, zone: "UTC" };
  const name = hasRules(t) ? (t.zone!.tzid ?? tzid) : tzid;
  return { value, zone: name ? (resolveTimeZone(name) ?? name) : "floating" };
}
