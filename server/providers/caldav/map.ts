// One CalDAV calendar object ↔ Concilia's synced event shape (server/calendar/synced-state.ts). A
// resource holds one UID: the series (or single event) and its overrides (RECURRENCE-ID) as several
// VEVENTs. Timed values keep their zone (TZID, or UTC), all-day ones stay dates (VALUE=DATE, DTEND
// exclusive); RRULE/RDATE/EXDATE, overrides, ORGANIZER and ATTENDEE with PARTSTAT, STATUS and SEQUENCE
// are read and written. Instants are ISO strings with milliseconds, as the event tables key them.
// TODO(calendar-reconcile): the parsing half belongs with server/calendar/ics.ts once it lands; only the
// CalDAV-specific parts (X-CONCILIA-ID, the object's one-UID rule) need to stay here.
import ICAL from "ical.js";
import { resolveTimeZone } from "../../../shared/windows-zones.js";
import { wallMs } from "../../calendar/ics-zones.js";
import { instantOfWall, wallOfInstant } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { vtimezoneFor } from "./vtimezone.js";
import { zoneFromVtimezone } from "./vtimezone-zone.js";

type Status = SyncedEventState["status"];
type ResponseStatus = SyncedEventState["attendees"][number]["responseStatus"];
type Exception = SyncedEventState["exceptions"][number];

export interface CaldavEvent {
  uid: string;
  sequence: number;
  /** Concilia's event id when Concilia wrote the object (X-CONCILIA-ID), so its echo is recognised. */
  conciliaId: string | null;
  state: SyncedEventState;
}

/** The object could not be read as iCalendar with a usable VEVENT (R-P-4: reported, nothing lost). */
export class IcsParseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IcsParseError";
  }
}

const PRODID = "-//Concilia//CalDAV//EN";

// ---------------------------------------------------------------- reading

/**
 * Every event of one calendar object: normally one (a series with its overrides). Whatever fails in
 * reading it (ical.js meets values of every shape) is an IcsParseError: that object fails alone (R-P-4).
 */
export function parseCalendarObject(ics: string): CaldavEvent[] {
  try {
    return readCalendarObject(ics);
  } catch (err) {
    if (err instanceof IcsParseError) throw err;
    throw new IcsParseError(`The calendar data is not valid iCalendar: ${(err as Error)?.message ?? err}`, {
      cause: err,
    });
  }
}

function readCalendarObject(ics: string): CaldavEvent[] {
  const jcal = ICAL.parse(ics);
  if (!Array.isArray(jcal) || jcal[0] !== "vcalendar")
    throw new IcsParseError("The calendar data holds no VCALENDAR.");
  const root = new ICAL.Component(jcal);
  const vevents = root.getAllSubcomponents("vevent");
  if (!vevents.length) throw new IcsParseError("The calendar object holds no VEVENT.");
  const byUid = new Map<string, { master: ICAL.Component | null; overrides: ICAL.Component[] }>();
  for (const v of vevents) {
    const uid = String(v.getFirstPropertyValue("uid") ?? "");
    const group = byUid.get(uid) ?? { master: null, overrides: [] };
    if (v.hasProperty("recurrence-id")) group.overrides.push(v);
    else group.master = v;
    byUid.set(uid, group);
  }
  const out: CaldavEvent[] = [];
  for (const [uid, { master, overrides }] of byUid) {
    // Invited to single occurrences only: each is an event of its own.
    if (!master) for (const o of overrides) out.push(readEvent(uid, o, []));
    else out.push(readEvent(uid, master, overrides));
  }
  return out;
}

function readEvent(uid: string, v: ICAL.Component, overrides: ICAL.Component[]): CaldavEvent {
  const start = v.getFirstProperty("dtstart");
  if (!start) throw new IcsParseError(`The event ${uid} has no DTSTART.`);
  const startTime = start.getFirstValue() as ICAL.Time;
  const zone = zoneOf(start);
  const allDay = startTime.isDate;
  const timing = timingOf(v, startTime, zone);
  const title = text(v, "summary") ?? "";
  const rrule = v.getFirstPropertyValue("rrule") as ICAL.Recur | null;
  const rdates = valuesOf(v, "rdate", allDay, zone);
  const exdates = valuesOf(v, "exdate", allDay, zone);
  const durationMs = timing.allDay ? 0 : Date.parse(timing.endAt) - Date.parse(timing.startAt);
  const state: SyncedEventState = {
    title,
    description: text(v, "description"),
    location: text(v, "location"),
    status: statusOf(v),
    timing,
    organizer: organizerOf(v),
    attendees: attendeesOf(v),
    recurrence: rrule || rdates.length ? { rule: rrule ? rrule.toString() : "", rdates, exdates } : null,
    exceptions: overrides
      .map((o) => exceptionOf(o, title, allDay, zone, durationMs, timing))
      .sort((a, b) => (a.originalStart < b.originalStart ? -1 : a.originalStart > b.originalStart ? 1 : 0)),
  };
  return {
    uid,
    sequence: Number(v.getFirstPropertyValue("sequence") ?? 0) || 0,
    conciliaId: text(v, "x-concilia-id"),
    state,
  };
}

function zoneOf(prop: ICAL.Property): string {
  const time = prop.getFirstValue() as ICAL.Time;
  if (time.isDate) return "UTC";
  if (time.zone === ICAL.Timezone.utcTimezone || String(prop.toICALString()).endsWith("Z")) return "UTC";
  const tzid = prop.getParameter("tzid");
  const name = Array.isArray(tzid) ? tzid[0] : tzid;
  // A zone neither IANA nor Windows is the one its VTIMEZONE describes; floating times are read as UTC.
  return (name && (zoneNamed(String(name)) ?? zoneFromVtimezone(prop, String(name)))) || "UTC";
}

/** An IANA or Windows name, also behind a vendor prefix (`/mozilla.org/20050126_1/Europe/Madrid`). */
function zoneNamed(name: string): string | null {
  const direct = resolveTimeZone(name);
  if (direct) return direct;
  const parts = name.split("/").filter(Boolean);
  for (const n of [3, 2]) {
    const tail = parts.slice(-n).join("/");
    if (parts.length > n && resolveTimeZone(tail)) return resolveTimeZone(tail);
  }
  return null;
}

function instantIso(t: ICAL.Time, zone: string): string {
  return new Date(instantOfWall(wallMs(t), zone)).toISOString();
}

function dateIso(t: ICAL.Time): string {
  return new Date(wallMs(t)).toISOString().slice(0, 10);
}

function timingOf(v: ICAL.Component, start: ICAL.Time, zone: string): SyncedEventState["timing"] {
  const endProp = v.getFirstProperty("dtend");
  const duration = v.getFirstPropertyValue("duration") as ICAL.Duration | null;
  if (start.isDate) {
    const startDate = dateIso(start);
    let endDate: string;
    if (endProp) endDate = dateIso(endProp.getFirstValue() as ICAL.Time);
    else {
      const end = start.clone();
      if (duration) end.addDuration(duration);
      else end.day += 1;
      endDate = dateIso(end);
    }
    return { allDay: true, startDate, endDate };
  }
  const startAt = instantIso(start, zone);
  if (endProp) {
    const endZone = zoneOf(endProp);
    return {
      allDay: false,
      startAt,
      endAt: instantIso(endProp.getFirstValue() as ICAL.Time, endZone),
      timeZone: zone,
      endTimeZone: endZone,
    };
  }
  const endMs = Date.parse(startAt) + (duration ? duration.toSeconds() * 1000 : 0);
  return { allDay: false, startAt, endAt: new Date(endMs).toISOString(), timeZone: zone, endTimeZone: zone };
}

function valuesOf(v: ICAL.Component, name: string, allDay: boolean, seriesZone: string): string[] {
  const out: string[] = [];
  for (const p of v.getAllProperties(name)) {
    const zone = zoneOfValue(p, seriesZone);
    for (const value of p.getValues()) {
      if (!(value instanceof ICAL.Time)) continue; // RDATE as PERIOD: not kept
      out.push(allDay || value.isDate ? dateIso(value) : instantIso(value, zone));
    }
  }
  return out.sort();
}

function isUtc(p: ICAL.Property): boolean {
  return p.getValues().some((x) => x instanceof ICAL.Time && x.zone === ICAL.Timezone.utcTimezone);
}

function exceptionOf(
  o: ICAL.Component,
  seriesTitle: string,
  allDay: boolean,
  seriesZone: string,
  durationMs: number,
  series: SyncedEventState["timing"],
): Exception {
  const rid = o.getFirstProperty("recurrence-id")!;
  const ridTime = rid.getFirstValue() as ICAL.Time;
  const originalStart =
    allDay || ridTime.isDate ? dateIso(ridTime) : instantIso(ridTime, zoneOfValue(rid, seriesZone));
  const summary = text(o, "summary");
  const base: Exception = {
    originalStart,
    status: statusOf(o),
    startAt: null,
    endAt: null,
    startDate: null,
    endDate: null,
    title: summary !== null && summary !== seriesTitle ? summary : null,
  };
  const start = o.getFirstPropertyValue("dtstart") as ICAL.Time | null;
  if (!start) return base;
  const t = timingOf(o, start, zoneOf(o.getFirstProperty("dtstart")!));
  if (t.allDay) {
    const seriesDays = series.allDay ? Date.parse(series.endDate) - Date.parse(series.startDate) : 0;
    const unmoved =
      t.startDate === originalStart && Date.parse(t.endDate) - Date.parse(t.startDate) === seriesDays;
    return unmoved ? base : { ...base, startDate: t.startDate, endDate: t.endDate };
  }
  const unmoved = t.startAt === originalStart && Date.parse(t.endAt) - Date.parse(t.startAt) === durationMs;
  return unmoved ? base : { ...base, startAt: t.startAt, endAt: t.endAt };
}

/** EXDATE, RDATE and RECURRENCE-ID without TZID or Z are on the series' clock. */
function zoneOfValue(p: ICAL.Property, seriesZone: string): string {
  if (p.getParameter("tzid") || isUtc(p)) return zoneOf(p);
  return seriesZone;
}

function text(v: ICAL.Component, name: string): string | null {
  const value = v.getFirstPropertyValue(name);
  return value == null || value === "" ? null : String(value);
}

function statusOf(v: ICAL.Component): Status {
  const s = String(v.getFirstPropertyValue("status") ?? "").toUpperCase();
  return s === "CANCELLED" ? "cancelled" : s === "TENTATIVE" ? "tentative" : "confirmed";
}

function addressOf(p: ICAL.Property): string | null {
  const value = String(p.getFirstValue() ?? "").trim();
  const email = value
    .replace(/^mailto:/i, "")
    .trim()
    .toLowerCase();
  return email.includes("@") ? email : null;
}

function nameOf(p: ICAL.Property): string | null {
  const cn = p.getParameter("cn");
  const name = Array.isArray(cn) ? cn[0] : cn;
  return name ? String(name) : null;
}

function organizerOf(v: ICAL.Component): SyncedEventState["organizer"] {
  const p = v.getFirstProperty("organizer");
  const email = p && addressOf(p);
  return p && email ? { email, name: nameOf(p) } : null;
}

const partstats: Record<string, ResponseStatus> = {
  ACCEPTED: "accepted",
  DECLINED: "declined",
  TENTATIVE: "tentative",
  "NEEDS-ACTION": "needsAction",
  // Handed to someone else: the user's own answer is still pending.
  DELEGATED: "needsAction",
};

function attendeesOf(v: ICAL.Component): SyncedEventState["attendees"] {
  const byEmail = new Map<string, SyncedEventState["attendees"][number]>();
  for (const p of v.getAllProperties("attendee")) {
    const email = addressOf(p);
    if (!email) continue;
    const partstat = String(p.getParameter("partstat") ?? "NEEDS-ACTION").toUpperCase();
    byEmail.set(email, { email, name: nameOf(p), responseStatus: partstats[partstat] ?? "needsAction" });
  }
  return [...byEmail.values()].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
}

// ---------------------------------------------------------------- writing

export interface WriteOptions {
  now?: Date;
  /**
   * Who sends invitations and updates on servers with implicit scheduling (RFC 6638; iCloud): "server"
   * lets the server mail the attendees (a new event, R-CAL-7), "client" (SCHEDULE-AGENT=CLIENT on every
   * attendee) keeps it quiet, for edits that must not notify anyone.
   */
  scheduling?: "server" | "client";
}

/** The calendar object for one event: VTIMEZONEs for its zones, the series, then its overrides. */
export function toCalendarObject(event: CaldavEvent, opts: WriteOptions = {}): string {
  const now = opts.now ?? new Date();
  const { state } = event;
  const cal = new ICAL.Component("vcalendar");
  cal.addPropertyWithValue("version", "2.0");
  cal.addPropertyWithValue("prodid", PRODID);
  const t = state.timing;
  if (!t.allDay) {
    const instants = [
      Date.parse(t.startAt),
      Date.parse(t.endAt),
      ...(state.recurrence ? [...state.recurrence.rdates, ...state.recurrence.exdates].map(Date.parse) : []),
      ...state.exceptions.flatMap((x) =>
        [x.originalStart, x.startAt, x.endAt].filter((s): s is string => !!s).map(Date.parse),
      ),
    ].filter((n) => !Number.isNaN(n));
    const from = Math.min(...instants);
    const to = Math.max(...instants);
    for (const zone of new Set([t.timeZone, t.endTimeZone]))
      if (zone !== "UTC") cal.addSubcomponent(vtimezoneFor(zone, from, to));
  }
  const master = new ICAL.Component("vevent");
  common(master, event, now, state.title, state.status);
  setTime(master, "dtstart", t.allDay ? t.startDate : t.startAt, t.allDay, t.allDay ? "UTC" : t.timeZone);
  setTime(master, "dtend", t.allDay ? t.endDate : t.endAt, t.allDay, t.allDay ? "UTC" : t.endTimeZone);
  if (state.description) master.addPropertyWithValue("description", state.description);
  if (state.location) master.addPropertyWithValue("location", state.location);
  const zone = t.allDay ? "UTC" : t.timeZone;
  if (state.recurrence) {
    if (state.recurrence.rule)
      master.addPropertyWithValue("rrule", ICAL.Recur.fromString(state.recurrence.rule));
    for (const r of state.recurrence.rdates) setTime(master, "rdate", r, t.allDay, zone);
    for (const x of state.recurrence.exdates) setTime(master, "exdate", x, t.allDay, zone);
  }
  if (state.organizer) {
    const p = master.addPropertyWithValue("organizer", `mailto:${state.organizer.email}`);
    if (state.organizer.name) p.setParameter("cn", state.organizer.name);
  }
  for (const a of state.attendees) {
    const p = master.addPropertyWithValue("attendee", `mailto:${a.email}`);
    if (a.name) p.setParameter("cn", a.name);
    p.setParameter("partstat", Object.entries(partstats).find(([, v]) => v === a.responseStatus)![0]);
    if (opts.scheduling === "client") p.setParameter("schedule-agent", "CLIENT");
  }
  if (event.conciliaId) master.addPropertyWithValue("x-concilia-id", event.conciliaId);
  cal.addSubcomponent(master);
  const duration = t.allDay
    ? Date.parse(t.endDate) - Date.parse(t.startDate)
    : Date.parse(t.endAt) - Date.parse(t.startAt);
  for (const x of state.exceptions) {
    const o = new ICAL.Component("vevent");
    common(o, event, now, x.title ?? state.title, x.status);
    setTime(o, "recurrence-id", x.originalStart, t.allDay, zone);
    if (t.allDay) {
      const startDate = x.startDate ?? x.originalStart;
      const endDate = x.endDate ?? new Date(Date.parse(startDate) + duration).toISOString().slice(0, 10);
      setTime(o, "dtstart", startDate, true, "UTC");
      setTime(o, "dtend", endDate, true, "UTC");
    } else {
      const startAt = x.startAt ?? x.originalStart;
      const endAt = x.endAt ?? new Date(Date.parse(startAt) + duration).toISOString();
      setTime(o, "dtstart", startAt, false, t.timeZone);
      setTime(o, "dtend", endAt, false, t.endTimeZone);
    }
    cal.addSubcomponent(o);
  }
  // ical.js writes CRLF line ends and folds long lines at 75 octets.
  return cal.toString();
}

function common(v: ICAL.Component, event: CaldavEvent, now: Date, title: string, status: Status): void {
  v.addPropertyWithValue("uid", event.uid);
  v.addPropertyWithValue("dtstamp", ICAL.Time.fromJSDate(now, true));
  v.addPropertyWithValue("sequence", event.sequence);
  v.addPropertyWithValue("summary", title);
  v.addPropertyWithValue("status", status.toUpperCase());
}

/** A date (`2026-03-10`) or an instant shown on `zone`'s wall clock, with TZID unless UTC. */
function setTime(v: ICAL.Component, name: string, value: string, allDay: boolean, zone: string): void {
  let time: ICAL.Time;
  if (allDay) {
    const [y, m, d] = value.slice(0, 10).split("-").map(Number);
    time = ICAL.Time.fromData({ year: y, month: m, day: d, isDate: true });
  } else if (zone === "UTC") {
    time = ICAL.Time.fromJSDate(new Date(value), true);
  } else {
    const w = new Date(wallOfInstant(Date.parse(value), zone));
    time = ICAL.Time.fromData({
      year: w.getUTCFullYear(),
      month: w.getUTCMonth() + 1,
      day: w.getUTCDate(),
      hour: w.getUTCHours(),
      minute: w.getUTCMinutes(),
      second: w.getUTCSeconds(),
      isDate: false,
    });
  }
  const p = v.addPropertyWithValue(name, time);
  if (!allDay && zone !== "UTC") p.setParameter("tzid", zone);
}
