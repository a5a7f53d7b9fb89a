import { randomId } from "../shared/http.js";
import { expandInstants, parseRRule, type Rule } from "../shared/recurrence.js";
import { addDays, localTime, zonedInstant } from "../shared/zones.js";

/**
 * One Google account's calendars and events (§3). Events are kept as the JSON the client sent plus
 * the fields Google owns (etag, updated, sequence, organizer). A recurring series is one event;
 * its instances are computed, and an edited or cancelled instance is stored as its own event with
 * `recurringEventId` and `originalStartTime` (§3.5). Every change takes a number from one
 * sequence; sync tokens carry that number, the store's generation, which the
 * cursor-invalidation knob bumps, and when they were issued: a bumped or expired token is
 * refused with 410 `fullSyncRequired`.
 */
export type DateOrTime = { date?: string; dateTime?: string; timeZone?: string };

export type GoogleEvent = {
  id: string;
  calendarId: string;
  fields: Record<string, unknown>;
  seq: number;
  etag: string;
  created: number;
  updated: number;
  sequence: number;
};

export type GoogleCalendar = {
  id: string;
  summary: string;
  primary: boolean;
  accessRole: "owner" | "writer" | "reader" | "freeBusyReader";
  timeZone: string;
  backgroundColor: string;
  events: Map<string, GoogleEvent>;
  deleted: boolean;
};

/** Mail Google sent for a write (`sendUpdates`), the ground truth R-CAL-7 tests count. */
export type SentInvitation = {
  calendarId: string;
  eventId: string;
  to: string;
  kind: "invitation" | "update" | "cancellation";
  at: number;
};

export type ChangeListener = (calendarId: string, kind: "changed" | "calendarDeleted") => void;

const INSTANCE_ID = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/;

export function instanceStamp(start: DateOrTime, instant: number): string {
  if (start.date) return start.date.replaceAll("-", "");
  return new Date(instant)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

export class GoogleCalendars {
  readonly calendars = new Map<string, GoogleCalendar>();
  readonly invitations: SentInvitation[] = [];
  seq = 0;
  generation = 1;
  /** How long a sync token is accepted; older ones answer 410 fullSyncRequired, as Google's expire. */
  syncTokenTtlMs = Number.POSITIVE_INFINITY;
  /** When each change number was taken, for `updatedMin`. */
  private readonly stamps: { seq: number; at: number }[] = [];
  private readonly listeners = new Set<ChangeListener>();

  constructor(
    readonly email: string,
    readonly displayName: string,
    private readonly now: () => number,
  ) {
    this.addCalendar({ id: email, summary: email, primary: true, timeZone: "Europe/Madrid" });
  }

  addCalendar(c: {
    id?: string;
    summary: string;
    primary?: boolean;
    accessRole?: GoogleCalendar["accessRole"];
    timeZone?: string;
  }) {
    const id =
      c.id ??
      `${randomId(12)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, "")}@group.calendar.google.com`;
    const calendar: GoogleCalendar = {
      id,
      summary: c.summary,
      primary: c.primary ?? false,
      accessRole: c.accessRole ?? "owner",
      timeZone: c.timeZone ?? "Europe/Madrid",
      backgroundColor: c.primary ? "#9fe1e7" : "#f83a22",
      events: new Map(),
      deleted: false,
    };
    this.calendars.set(id, calendar);
    return calendar;
  }

  /** The emulator's clock. */
  clock(): number {
    return this.now();
  }

  onChange(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  calendar(id: string): GoogleCalendar | undefined {
    const calendar = this.calendars.get(id === "primary" ? this.email : id);
    return calendar && !calendar.deleted ? calendar : undefined;
  }

  deleteCalendar(id: string): void {
    const calendar = this.calendar(id);
    if (!calendar) throw new Error(`no calendar ${id}`);
    calendar.deleted = true;
    for (const l of this.listeners) l(calendar.id, "calendarDeleted");
  }

  invalidateSyncTokens(): void {
    this.generation++;
  }

  /** Stores a new or changed event: new etag, new change number, listeners told. */
  save(
    calendar: GoogleCalendar,
    id: string,
    fields: Record<string, unknown>,
    bumpSequence = false,
  ): GoogleEvent {
    const existing = calendar.events.get(id);
    const at = this.now();
    const event: GoogleEvent = {
      id,
      calendarId: calendar.id,
      fields,
      seq: this.stamp(at),
      etag: `"${3_400_000_000_000_000 + this.seq * 1000 + (at % 1000)}"`,
      created: existing?.created ?? at,
      updated: at,
      sequence: (existing?.sequence ?? 0) + (bumpSequence ? 1 : 0),
    };
    calendar.events.set(id, event);
    for (const l of this.listeners) l(calendar.id, "changed");
    return event;
  }

  /** Ground truth: an event as if created in Google's UI (no request counted, no mail). */
  seedEvent(calendarId: string, fields: Record<string, unknown> & { id?: string }): GoogleEvent {
    const calendar = this.calendar(calendarId);
    if (!calendar) throw new Error(`no calendar ${calendarId}`);
    const { id, ...rest } = fields;
    return this.save(
      calendar,
      id ??
        randomId(20)
          .toLowerCase()
          .replace(/[^a-v0-9]/g, "")
          .padEnd(26, "0"),
      rest,
    );
  }

  /**
   * Ground truth: the user edits an event or moves one instance in Google's UI (an instance id
   * `<seriesId>_<stamp>` becomes a stored exception).
   */
  userEdit(calendarId: string, eventId: string, changes: Record<string, unknown>): GoogleEvent {
    const calendar = this.calendar(calendarId);
    const current = calendar && this.find(calendar, eventId);
    if (!calendar || !current) throw new Error(`no event ${eventId}`);
    return this.save(calendar, current.id, { ...current.fields, ...changes }, true);
  }

  /** Ground truth: the user deletes an event, or cancels one instance of a series, in the UI. */
  userDelete(calendarId: string, eventId: string): GoogleEvent {
    return this.userEdit(calendarId, eventId, { status: "cancelled" });
  }

  private stamp(at: number): number {
    this.stamps.push({ seq: ++this.seq, at });
    return this.seq;
  }

  /** The last change number taken before an instant (0 if none). */
  seqBefore(instant: number): number {
    let found = 0;
    for (const s of this.stamps) if (s.at < instant) found = s.seq;
    return found;
  }

  /** Ground truth: an attendee answers (their `responseStatus`); the event's sequence stays. */
  attendeeResponds(
    calendarId: string,
    eventId: string,
    email: string,
    responseStatus: "needsAction" | "declined" | "tentative" | "accepted",
  ): GoogleEvent {
    const calendar = this.calendar(calendarId);
    const current = calendar && this.find(calendar, eventId);
    if (!calendar || !current) throw new Error(`no event ${eventId}`);
    const attendees = (current.fields.attendees ?? []) as { email: string }[];
    if (!attendees.some((a) => a.email === email.toLowerCase())) throw new Error(`no attendee ${email}`);
    const answered = attendees.map((a) => (a.email === email.toLowerCase() ? { ...a, responseStatus } : a));
    return this.save(calendar, current.id, { ...current.fields, attendees: answered });
  }

  record(calendarId: string, eventId: string, kind: SentInvitation["kind"], to: string[]): void {
    for (const address of to)
      this.invitations.push({ calendarId, eventId, to: address, kind, at: this.now() });
  }

  /** The rule of a series, or null for a single event (or one whose recurrence is unsupported). */
  rule(event: GoogleEvent): Rule | null {
    const line = (event.fields.recurrence as string[] | undefined)?.find((l) => /^RRULE:/i.test(l));
    if (!line) return null;
    const rule = parseRRule(line);
    return typeof rule === "string" ? null : rule;
  }

  /** Original start instants of a series' slots (EXDATE lines remove slots). */
  slots(event: GoogleEvent): { start: DateOrTime; instant: number }[] {
    const rule = this.rule(event);
    if (!rule) return [];
    const start = event.fields.start as DateOrTime;
    const exdates = new Set(
      ((event.fields.recurrence as string[]) ?? [])
        .filter((l) => /^EXDATE/i.test(l))
        .flatMap((l) => l.split(":")[1].split(","))
        .map((v) => v.slice(0, 8)),
    );
    if (start.date) {
      return expandInstants(rule, start.date, "UTC")
        .map((instant) => ({ start: { date: new Date(instant).toISOString().slice(0, 10) }, instant }))
        .filter((s) => !exdates.has(s.start.date.replaceAll("-", "")));
    }
    const zone = start.timeZone ?? "UTC";
    const first = startInstant(start);
    return expandInstants(rule, localTime(first, zone), zone)
      .filter((instant) => !exdates.has(localTime(instant, zone).slice(0, 10).replaceAll("-", "")))
      .map((instant) => ({ start: { dateTime: rfc3339(instant, zone), timeZone: zone }, instant }));
  }

  /** An unmodified instance of a series as Google shows it. */
  instance(series: GoogleEvent, slot: { start: DateOrTime; instant: number }): GoogleEvent {
    const start = series.fields.start as DateOrTime;
    const end = series.fields.end as DateOrTime;
    const { recurrence: _r, ...rest } = series.fields;
    const id = `${series.id}_${instanceStamp(start, slot.instant)}`;
    let endValue: DateOrTime;
    if (start.date) {
      const days = (Date.parse(end.date!) - Date.parse(start.date)) / 86_400_000;
      endValue = { date: addDays(slot.start.date!, days) };
    } else {
      const duration = startInstant(end) - startInstant(start);
      endValue = {
        dateTime: rfc3339(slot.instant + duration, end.timeZone ?? "UTC"),
        timeZone: end.timeZone,
      };
    }
    return {
      ...series,
      id,
      fields: {
        ...rest,
        start: slot.start,
        end: endValue,
        recurringEventId: series.id,
        originalStartTime: slot.start,
      },
    };
  }

  /** Every instance of a series: stored exceptions (edited or cancelled) in place of computed ones. */
  instances(calendar: GoogleCalendar, series: GoogleEvent): GoogleEvent[] {
    return this.slots(series).map((slot) => {
      const computed = this.instance(series, slot);
      return calendar.events.get(computed.id) ?? computed;
    });
  }

  /** An event by id: stored, or an unmodified instance of a stored series. */
  find(calendar: GoogleCalendar, id: string): GoogleEvent | undefined {
    const stored = calendar.events.get(id);
    if (stored) return stored;
    const m = INSTANCE_ID.exec(id);
    const series = m ? calendar.events.get(m[1]) : undefined;
    if (!series || series.fields.status === "cancelled") return undefined;
    return this.instances(calendar, series).find((i) => i.id === id);
  }
}

/** RFC 3339 with the zone's offset at that instant, as Google writes `dateTime`. */
export function rfc3339(instant: number, zone: string): string {
  const local = localTime(instant, zone);
  const offset = Math.round((Date.parse(`${local}Z`) - instant) / 60_000);
  if (offset === 0 && zone === "UTC") return `${local}Z`;
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

/** The instant an event starts (all-day: midnight UTC of its date). */
export function startInstant(value: DateOrTime | undefined): number {
  if (!value) return Number.NaN;
  if (value.date) return Date.parse(`${value.date}T00:00:00Z`);
  if (value.dateTime && !/(Z|[+-]\d\d:\d\d)$/.test(value.dateTime) && value.timeZone) {
    return zonedInstant(value.dateTime, value.timeZone);
  }
  return Date.parse(value.dateTime ?? "");
}
