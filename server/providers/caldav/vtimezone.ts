// RFC 5545 wants a VTIMEZONE for every TZID an object uses (§3.6.5), and IANA zones are not
// iCalendar components: this one is built from the runtime's zone data (Intl), with the offset changes
// found around the event spelled out and the last standard/daylight pair repeated yearly by the
// weekday rule it follows (last Sunday of March…), so clients reading later years get them right.
// TODO(calendar-reconcile): server/calendar/ics.ts should own this once it exists, for every provider.
import ICAL from "ical.js";
import { offsetMinutes } from "../../../shared/zoned-time.js";

const DAY = 86_400_000;
const MINUTE = 60_000;

interface Transition {
  at: number;
  from: number;
  to: number;
}

/** Offset changes of `zone` between two instants, to the minute. */
function transitions(zone: string, from: number, to: number): Transition[] {
  const out: Transition[] = [];
  let prev = offsetMinutes(from, zone);
  for (let t = from + DAY; t <= to; t += DAY) {
    const now = offsetMinutes(t, zone);
    if (now === prev) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (offsetMinutes(mid, zone) === prev) lo = mid;
      else hi = mid;
    }
    out.push({ at: hi, from: prev, to: now });
    prev = now;
  }
  return out;
}

function offsetText(minutes: number): ICAL.UtcOffset {
  return ICAL.UtcOffset.fromSeconds(minutes * 60);
}

function wallTime(instant: number, offset: number): ICAL.Time {
  const d = new Date(instant + offset * MINUTE);
  return ICAL.Time.fromData({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: 0,
    isDate: false,
  });
}

/** The yearly weekday rule a transition follows: BYMONTH and BYDAY (2SU, -1SU…). */
function yearlyRule(wall: ICAL.Time): ICAL.Recur {
  const days = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
  const weekday = days[wall.dayOfWeek() - 1];
  const monthLength = ICAL.Time.daysInMonth(wall.month, wall.year);
  const nth = wall.day + 7 > monthLength ? -1 : Math.ceil(wall.day / 7);
  return ICAL.Recur.fromData({ freq: "YEARLY", bymonth: [wall.month], byday: [`${nth}${weekday}`] });
}

function observance(t: Transition, repeat: boolean): ICAL.Component {
  const c = new ICAL.Component(t.to > t.from ? "daylight" : "standard");
  const wall = wallTime(t.at, t.from);
  c.addPropertyWithValue("dtstart", wall);
  c.addPropertyWithValue("tzoffsetfrom", offsetText(t.from));
  c.addPropertyWithValue("tzoffsetto", offsetText(t.to));
  if (repeat) c.addPropertyWithValue("rrule", yearlyRule(wall));
  return c;
}

/** A VTIMEZONE for an IANA zone, correct from a year before `from` on. */
export function vtimezoneFor(zone: string, from: number, to: number): ICAL.Component {
  const start = from - 366 * DAY;
  const end = Math.max(to, from) + 2 * 366 * DAY;
  const found = transitions(zone, start, end);
  const vtz = new ICAL.Component("vtimezone");
  vtz.addPropertyWithValue("tzid", zone);
  const initial = offsetMinutes(start, zone);
  const first = new ICAL.Component("standard");
  first.addPropertyWithValue("dtstart", wallTime(start, initial));
  first.addPropertyWithValue("tzoffsetfrom", offsetText(found[0]?.from ?? initial));
  first.addPropertyWithValue("tzoffsetto", offsetText(found[0]?.from ?? initial));
  vtz.addSubcomponent(first);
  // The last two changes, when they go back and forth, are the zone's current yearly pattern.
  const n = found.length;
  const yearly = n >= 2 && found[n - 1].from === found[n - 2].to && found[n - 1].to === found[n - 2].from;
  found.forEach((t, i) => {
    vtz.addSubcomponent(observance(t, yearly && i >= n - 2));
  });
  return vtz;
}
