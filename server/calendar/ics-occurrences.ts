// The occurrences of a parsed iCalendar file between two instants, as sync would store them: ical.js
// expands each series (RRULE, RDATE, EXDATE) and applies its exceptions by RECURRENCE-ID (moved,
// changed, cancelled occurrences); times become UTC instants through the file's VTIMEZONEs, else
// through the IANA or Windows zone the TZID names; all-day events stay dates (R-CAL-6, R-ACT-5).
import ICAL from "ical.js";
import type { IcsProblem, ParsedIcs } from "./ics.js";
import { people, type ResponseStatus } from "./ics-people.js";
import { hasRules, msOf, onStartWall, timeOf, tzidOf, unknownZones } from "./ics-zones.js";
import type { ExpansionMeter } from "./occurrences.js";
import { isCalendarRecurrence, notCalendarRecurrence, type Skip, skipBefore } from "./rule-bounds.js";

export interface IcsOccurrence {
  uid: string | null;
  title: string;
  allDay: boolean;
  /** A UTC instant, or a date (`YYYY-MM-DD`) for an all-day occurrence; `end` is exclusive. */
  start: string;
  end: string;
  /** IANA zone when known, else the TZID as written; `floating` for times without zone; null all-day. */
  zone: string | null;
  status: "confirmed" | "tentative" | "cancelled";
  /** Where the series put it (its exception key); null for a single event. */
  originalStart: string | null;
  organizer: { email: string; name: string | null } | null;
  attendees: { email: string; name: string | null; responseStatus: ResponseStatus }[];
  /** The given user is not the organizer (R-CAL-4); null when no user was given. */
  readOnly: boolean | null;
  /** Line of the VEVENT that gives this occurrence its content. */
  line: number;
}

/** Safety bound for rules stepped through as they are (rule-bounds.ts) that never end near the range. */
const MAX_STEPS = 100_000;

export function icsOccurrences(
  parsed: ParsedIcs,
  from: Date,
  to: Date,
  user?: string,
  meter?: ExpansionMeter,
): { occurrences: IcsOccurrence[]; problems: IcsProblem[] } {
  const problems: IcsProblem[] = unknownZones(parsed);
  const out: IcsOccurrence[] = [];
  const lineOf = new Map(parsed.events.map((e) => [e.component, e.line]));
  const series = new Map<string, { masters: ICAL.Component[]; exceptions: ICAL.Component[] }>();
  for (const { component, line } of parsed.events) {
    const uid = String(component.getFirstPropertyValue("uid") ?? "").trim() || `no UID, line ${line}`;
    const group = series.get(uid) ?? { masters: [], exceptions: [] };
    (component.hasProperty("recurrence-id") ? group.exceptions : group.masters).push(component);
    series.set(uid, group);
  }
  // Google's birthday calendar names a series `2014_BIRTHDAY_x` and its exceptions `BIRTHDAY_x`.
  for (const [uid, group] of series) {
    const orphans = series.get(uid.replace(/^\d{4}_(?=BIRTHDAY_)/, ""));
    if (group.masters.length && orphans && orphans !== group && !orphans.masters.length) {
      group.exceptions.push(...orphans.exceptions);
      orphans.exceptions = [];
    }
  }
  for (const { masters, exceptions } of series.values()) {
    const [master, ...others] = masters;
    // Exceptions without their series (an iTIP CANCEL of one instance) are events of their own.
    const singles = master ? others : [...others, ...exceptions];
    for (const component of [...(master ? [master] : []), ...singles]) {
      const line = lineOf.get(component) ?? 0;
      try {
        const warn = (message: string) =>
          problems.push({ line, message: `VEVENT at line ${line}: ${message}` });
        const own = component === master ? exceptions : [];
        out.push(...expand(component, own, { from, to, meter }, user, line, lineOf, warn));
      } catch (err) {
        problems.push({
          line,
          message: `VEVENT at line ${line}: ${err instanceof Error ? err.message : err}`,
        });
      }
    }
  }
  out.sort((a, b) => startKey(a) - startKey(b) || a.line - b.line);
  return { occurrences: out, problems };
}

const startKey = (o: IcsOccurrence) => Date.parse(o.allDay ? `${o.start}T00:00:00Z` : o.start);

function expand(
  master: ICAL.Component,
  exceptions: ICAL.Component[],
  range: { from: Date; to: Date; meter?: ExpansionMeter },
  user: string | undefined,
  line: number,
  lineOf: Map<ICAL.Component, number>,
  warn: (message: string) => void,
): IcsOccurrence[] {
  const { from, to, meter } = range;
  const event = new ICAL.Event(master, { strictExceptions: false });
  if (!event.startDate) throw new Error("no DTSTART");
  for (const x of exceptions) {
    if (event.startDate.isDate) recurrenceIdAsDate(x);
    event.relateException(x);
  }
  const startTzid = tzidOf(master, "dtstart");
  if (
    !event.startDate.isDate &&
    !hasRules(event.startDate) &&
    event.startDate.zone !== ICAL.Timezone.utcTimezone
  )
    for (const c of [master, ...exceptions]) onStartWall(c, startTzid);
  const list: IcsOccurrence[] = [];
  const add = (
    details: ReturnType<ICAL.Event["getOccurrenceDetails"]> | null,
    original: ICAL.Time | null,
  ) => {
    const item = details?.item ?? event;
    const isException = item !== event;
    const start = details?.startDate ?? event.startDate;
    let end = details?.endDate ?? event.endDate ?? start;
    if (end.compare(start) < 0) end = start;
    const allDay = start.isDate;
    const startTz = isException ? tzidOf(item.component, "dtstart") : startTzid;
    const endTz = isException || !original ? (tzidOf(item.component, "dtend") ?? startTz) : startTz;
    const s = timeOf(start, startTz);
    const e = timeOf(end, endTz);
    if (allDay) {
      const fromDate = from.toISOString().slice(0, 10);
      const toDate = to.toISOString().slice(0, 10);
      if (!(s.value < toDate && (e.value > fromDate || (e.value === s.value && s.value >= fromDate)))) return;
    } else {
      const sMs = Date.parse(s.value);
      const eMs = Date.parse(e.value);
      if (sMs >= to.getTime() || (eMs <= from.getTime() && !(eMs === sMs && sMs >= from.getTime()))) return;
    }
    list.push({
      uid: event.uid ?? null,
      title: String(item.summary ?? event.summary ?? "").trim(),
      allDay,
      start: s.value,
      end: e.value,
      zone: allDay ? null : s.zone,
      status: item.component === master ? statusOf(master) : statusOf(item.component, statusOf(master)),
      originalStart: original ? timeOf(original, startTzid).value : null,
      ...people(item.component, user, master),
      line: lineOf.get(item.component) ?? line,
    });
  };
  if (!event.isRecurring()) {
    add(null, null);
    return list;
  }
  const rules = master.getAllProperties("rrule").map((p) => p.getFirstValue() as ICAL.Recur);
  const refused = rules.find((r) => !isCalendarRecurrence(r));
  if (refused) {
    warn(notCalendarRecurrence(refused));
    add(null, null);
    return list;
  }
  const keys = exceptions.map((x) => msOf(new ICAL.Event(x).recurrenceId, startTzid));
  const lastException = Math.max(0, ...keys);
  // Occurrences starting before the range may reach into it, or be moved into it by an exception.
  const startMs = msOf(event.startDate, startTzid);
  const span = event.endDate ? Math.max(0, msOf(event.endDate, startTzid) - startMs) : 0;
  const skipTo = Math.min(from.getTime(), ...keys) - span - 2 * 86_400_000;
  const skip = rules.length === 1 ? skipBefore(rules[0]!, startMs, skipTo, event.startDate.isDate) : null;
  const iterator = skip ? restarted(master, event.startDate, skip) : event.iterator();
  for (let step = 0; step < MAX_STEPS; step++) {
    if (meter) meter.steps++;
    const next = iterator.next();
    if (!next) break;
    const ms = msOf(next, startTzid);
    if (ms >= to.getTime() + 86_400_000 && ms > lastException) break;
    add(event.getOccurrenceDetails(next), next);
  }
  return list;
}

/**
 * The series' expansion restarted where `skip` says (rule-bounds.ts): DTSTART moved by whole periods
 * and the RRULE's COUNT reduced, or, the COUNT used up, no rule at all (RDATEs stay). The component's
 * own RRULE is only swapped while ical.js reads it.
 */
function restarted(master: ICAL.Component, start: ICAL.Time, skip: Skip): ICAL.RecurExpansion {
  const dtstart = start.clone();
  const prop = master.getFirstProperty("rrule")!;
  const rule = prop.getFirstValue() as ICAL.Recur;
  if (skip.rule) {
    // adjust() normalises the fields at once; a time left with 200,000 hours in its hour field costs
    // ical.js's iterator one step per day to catch up.
    dtstart.adjust(skip.shift.days, skip.shift.hours, 0, 0);
    prop.setValue(skip.rule);
  } else master.removeProperty(prop);
  try {
    return new ICAL.RecurExpansion({ component: master, dtstart });
  } finally {
    if (skip.rule) prop.setValue(rule);
    else master.addProperty(prop);
  }
}

/** Exchange keys exceptions of all-day series by a midnight date-time: the key is its date. */
function recurrenceIdAsDate(x: ICAL.Component) {
  const prop = x.getFirstProperty("recurrence-id");
  const t = prop?.getFirstValue() as ICAL.Time | undefined;
  if (!prop || !t || t.isDate) return;
  prop.removeParameter("tzid");
  prop.resetType("date");
  prop.setValue(ICAL.Time.fromData({ year: t.year, month: t.month, day: t.day, isDate: true }));
}

function statusOf(
  c: ICAL.Component,
  fallback: IcsOccurrence["status"] = "confirmed",
): IcsOccurrence["status"] {
  const status = String(c.getFirstPropertyValue("status") ?? "").toUpperCase();
  if (status === "CANCELLED") return "cancelled";
  if (status === "TENTATIVE") return "tentative";
  if (status === "CONFIRMED") return "confirmed";
  return fallback;
}
