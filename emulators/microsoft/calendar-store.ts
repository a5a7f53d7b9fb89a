import { randomBytes } from "node:crypto";
import { expandInstants, type Rule, WEEKDAYS } from "../shared/recurrence.js";
import { localTime } from "../shared/zones.js";
import { graphError } from "./errors.js";
import { applyBody } from "./event-input.js";
import type { ChangeKind } from "./mailbox.js";

/**
 * One mailbox's calendars and events in Graph's model (§1.2–1.8). Single instances and series
 * masters are stored; occurrences are computed from the master's pattern, an edited occurrence
 * is stored on its master as an exception keyed by its original start, and a cancelled one as a
 * removed slot. Every change appends to a log of instance ids (an upsert for what is there now,
 * a delete for what went away) that calendarView delta reads, and tells listeners
 * (subscriptions). The cursor-invalidation knob bumps the generation delta tokens carry.
 */
export type Recipient = { name: string; address: string };

export type PatternedRecurrence = {
  pattern: {
    type: string;
    interval: number;
    daysOfWeek?: string[];
    firstDayOfWeek?: string;
    [k: string]: unknown;
  };
  range: {
    type: string;
    startDate: string;
    endDate?: string;
    numberOfOccurrences?: number;
    recurrenceTimeZone?: string;
  };
};

export type Times = {
  start: number;
  end: number;
  startZone: string;
  endZone: string;
  /** The IANA zone the event's wall clock lives in (occurrences repeat in it). */
  zone: string;
  isAllDay: boolean;
};

export type Exception = Times & { fields: Record<string, unknown>; changeKey: string; modified: number };

export type GraphEvent = Times & {
  id: string;
  calendarId: string;
  fields: Record<string, unknown>;
  recurrence: PatternedRecurrence | null;
  changeKey: string;
  created: number;
  modified: number;
  transactionId: string | null;
  iCalUId: string;
  organizer: Recipient;
  isOrganizer: boolean;
  /** Single-value extended properties by lower-cased id. */
  extended: Map<string, { id: string; value: string }>;
  cancelled: Set<number>;
  exceptions: Map<number, Exception>;
};

/** What one calendarView row is: a single instance, or one slot of a series. */
export type EventView = Times & {
  id: string;
  type: "singleInstance" | "occurrence" | "exception" | "seriesMaster";
  event: GraphEvent;
  originalStart: number | null;
  fields: Record<string, unknown>;
  changeKey: string;
  modified: number;
};

export type GraphCalendar = {
  id: string;
  name: string;
  color: string;
  hexColor: string;
  isDefaultCalendar: boolean;
  canEdit: boolean;
  owner: Recipient;
  changeKey: string;
};

export type SentMail = {
  eventId: string;
  to: string;
  /** `response`: the user's accept/tentative/decline sent to the organizer. */
  kind: "invitation" | "update" | "cancellation" | "response";
  subject: string;
  at: number;
};

type LogEntry = { seq: number; calendarId: string; id: string; kind: "upsert" | "delete" };
export type EventListener = (kind: ChangeKind, id: string, calendarId: string, changeKey: string) => void;

const OCC = "_OID_";
export const newChangeKey = () => randomBytes(12).toString("base64");
const newId = () => `AAMkAD${randomBytes(30).toString("base64url")}`;

export function ruleOf(r: PatternedRecurrence): Rule {
  return {
    freq: r.pattern.type === "weekly" ? "weekly" : r.pattern.type === "absoluteMonthly" ? "monthly" : "daily",
    interval: r.pattern.interval,
    byDay: r.pattern.daysOfWeek?.map((d) => WEEKDAYS.indexOf(d.toLowerCase())),
    byMonthDay: r.pattern.type === "absoluteMonthly" ? Number(r.pattern.dayOfMonth) : undefined,
    lastDayWhenShort: true,
    count: r.range.type === "numbered" ? r.range.numberOfOccurrences : undefined,
    untilDate: r.range.type === "endDate" ? r.range.endDate : undefined,
  };
}

export class GraphCalendarStore {
  readonly calendars = new Map<string, GraphCalendar>();
  readonly events = new Map<string, GraphEvent>();
  readonly sentMail: SentMail[] = [];
  readonly log: LogEntry[] = [];
  seq = 0;
  generation = 1;
  /** [OBS] behaviours kept behind switches (§1.5, §1.7). */
  quirks: {
    /** The next n PATCH/DELETE answer 412 even without If-Match, as Exchange sometimes does. */
    spuriousConflicts?: number;
    /** A delta round's first page is empty, with a nextLink. */
    emptyFirstDeltaPage?: boolean;
  } = {};
  private readonly listeners = new Set<EventListener>();

  constructor(
    readonly owner: Recipient,
    readonly now: () => number,
  ) {
    this.addCalendar({ name: "Calendar", isDefaultCalendar: true });
    this.addCalendar({
      name: "Team (shared)",
      canEdit: false,
      owner: { name: "Team", address: `team@${owner.address.split("@")[1]}` },
    });
  }

  addCalendar(c: {
    name: string;
    isDefaultCalendar?: boolean;
    canEdit?: boolean;
    owner?: Recipient;
  }): GraphCalendar {
    const calendar: GraphCalendar = {
      id: newId(),
      name: c.name,
      color: c.isDefaultCalendar ? "auto" : "lightBlue",
      hexColor: c.isDefaultCalendar ? "" : "#a6d1f5",
      isDefaultCalendar: c.isDefaultCalendar ?? false,
      canEdit: c.canEdit ?? true,
      owner: c.owner ?? this.owner,
      changeKey: newChangeKey(),
    };
    this.calendars.set(calendar.id, calendar);
    return calendar;
  }

  get defaultCalendar(): GraphCalendar {
    return [...this.calendars.values()].find((c) => c.isDefaultCalendar)!;
  }

  onChange(listener: EventListener): void {
    this.listeners.add(listener);
  }

  newEventId(): string {
    return newId();
  }

  /** Original starts of a series' slots, cancelled ones included. */
  slots(event: GraphEvent): number[] {
    if (!event.recurrence) return [];
    const time = localTime(event.start, event.zone).slice(10);
    return expandInstants(ruleOf(event.recurrence), `${event.recurrence.range.startDate}${time}`, event.zone);
  }

  occurrenceId(master: GraphEvent, originalStart: number): string {
    return `${master.id}${OCC}${originalStart}`;
  }

  slotView(master: GraphEvent, t: number): EventView | undefined {
    if (master.cancelled.has(t)) return undefined;
    const exception = master.exceptions.get(t);
    const duration = master.end - master.start;
    const base = { ...master, start: t, end: t + duration };
    return {
      ...(exception ?? base),
      id: this.occurrenceId(master, t),
      type: exception ? "exception" : "occurrence",
      event: master,
      originalStart: t,
      fields: { ...master.fields, ...(exception?.fields ?? {}) },
      changeKey: exception?.changeKey ?? master.changeKey,
      modified: exception?.modified ?? master.modified,
    };
  }

  /** calendarView rows of an event: itself, or its live occurrences and exceptions. */
  views(event: GraphEvent): EventView[] {
    if (!event.recurrence) return [{ ...event, type: "singleInstance", event, originalStart: null }];
    return this.slots(event).flatMap((t) => this.slotView(event, t) ?? []);
  }

  masterView(event: GraphEvent): EventView {
    return {
      ...event,
      type: event.recurrence ? "seriesMaster" : "singleInstance",
      event,
      originalStart: null,
    };
  }

  /** An event, occurrence or exception by id (a slot that is not in the pattern is not found). */
  find(id: string): EventView | undefined {
    const stored = this.events.get(id);
    if (stored) return this.masterView(stored);
    const at = id.lastIndexOf(OCC);
    if (at < 0) return undefined;
    const master = this.events.get(id.slice(0, at));
    const t = Number(id.slice(at + OCC.length));
    if (!master || !this.slots(master).includes(t)) return undefined;
    return this.slotView(master, t);
  }

  /** Applies a change to an event and logs every instance id it added, changed or removed. */
  change(event: GraphEvent, mutate: () => void, kind: ChangeKind = "updated"): void {
    // Only rows that appeared or changed are logged: editing one occurrence leaves the others alone.
    const state = () =>
      new Map(
        this.views(event).map(
          (v) => [v.id, `${v.changeKey}|${event.changeKey}|${v.start}|${v.end}`] as const,
        ),
      );
    const before = this.events.has(event.id) ? state() : new Map<string, string>();
    mutate();
    const after = kind === "deleted" ? new Map<string, string>() : state();
    if (kind === "deleted") this.events.delete(event.id);
    else this.events.set(event.id, event);
    for (const [id, version] of after) {
      if (before.get(id) === version) continue;
      this.log.push({ seq: ++this.seq, calendarId: event.calendarId, id, kind: "upsert" });
    }
    for (const id of [...before.keys()].filter((b) => !after.has(b))) {
      this.log.push({ seq: ++this.seq, calendarId: event.calendarId, id, kind: "delete" });
    }
    for (const l of this.listeners) l(kind, event.id, event.calendarId, event.changeKey);
  }

  mail(eventId: string, subject: string, kind: SentMail["kind"], to: string[]): void {
    for (const address of to) this.sentMail.push({ eventId, to: address, kind, subject, at: this.now() });
  }

  /** A new event in a calendar from a create body (not stored yet). */
  draft(calendarId: string, body: Record<string, unknown>, organizer?: Recipient): GraphEvent | Response {
    const at = this.now();
    const event: GraphEvent = {
      id: newId(),
      calendarId,
      fields: {},
      start: 0,
      end: 0,
      startZone: "UTC",
      endZone: "UTC",
      zone: "UTC",
      isAllDay: false,
      recurrence: null,
      changeKey: newChangeKey(),
      created: at,
      modified: at,
      transactionId: null,
      iCalUId: `040000008200E00074C5B7101A82E00800000000${randomBytes(16).toString("hex").toUpperCase()}`,
      organizer: organizer ?? this.owner,
      isOrganizer: !organizer || organizer.address.toLowerCase() === this.owner.address,
      extended: new Map(),
      cancelled: new Set(),
      exceptions: new Map(),
    };
    return applyBody(event, body, true) ?? event;
  }

  /** PATCH semantics: a master or single event changes; an occurrence becomes an exception. */
  patch(view: EventView, body: Record<string, unknown>): Response | null {
    const master = view.event;
    if (view.originalStart === null) {
      const draft = structuredClone(master);
      const problem = applyBody(draft, body, false);
      if (problem) return problem;
      this.change(master, () =>
        Object.assign(master, draft, { changeKey: newChangeKey(), modified: this.now() }),
      );
      return null;
    }
    const t = view.originalStart;
    const { event: _e, ...flat } = view;
    const draft = structuredClone({
      ...flat,
      fields: { ...(master.exceptions.get(t)?.fields ?? {}) },
    }) as unknown as GraphEvent;
    draft.extended = master.extended;
    const problem = applyBody(draft, body, false, false);
    if (problem) return problem;
    const slots = this.slots(master);
    const i = slots.indexOf(t);
    const day = (ms: number) => localTime(ms, master.zone).slice(0, 10);
    if (
      (i > 0 && day(draft.start) <= day(slots[i - 1])) ||
      (i < slots.length - 1 && day(draft.start) >= day(slots[i + 1]))
    ) {
      return graphError(
        400,
        "ErrorOccurrenceCrossingBoundary",
        "An occurrence can't be moved onto or past the day of an adjacent occurrence.",
      );
    }
    const { start, end, startZone, endZone, zone, isAllDay, fields } = draft;
    this.change(master, () =>
      master.exceptions.set(t, {
        start,
        end,
        startZone,
        endZone,
        zone,
        isAllDay,
        fields,
        changeKey: newChangeKey(),
        modified: this.now(),
      }),
    );
    return null;
  }

  /** DELETE semantics: an occurrence is cancelled (its slot removed), anything else goes. */
  remove(view: EventView): void {
    const master = view.event;
    if (view.originalStart === null) {
      this.change(master, () => {}, "deleted");
      return;
    }
    const t = view.originalStart;
    this.change(master, () => {
      master.cancelled.add(t);
      master.exceptions.delete(t);
    });
  }

  /** Ground truth: an event as if it was already in the calendar (no request counted, no mail). */
  seedEvent(
    body: Record<string, unknown>,
    options: { calendarId?: string; organizer?: Recipient } = {},
  ): GraphEvent {
    const event = this.draft(options.calendarId ?? this.defaultCalendar.id, body, options.organizer);
    if (event instanceof Response) throw new Error(`cannot seed event: ${event.status}`);
    this.change(event, () => {}, "created");
    return event;
  }

  /** Ground truth: the user edits or moves an event or one occurrence in Outlook. */
  userEdit(id: string, body: Record<string, unknown>): EventView {
    const view = this.find(id);
    if (!view) throw new Error(`no event ${id}`);
    const problem = this.patch(view, body);
    if (problem) throw new Error(`cannot edit event: ${problem.status}`);
    return this.find(id)!;
  }

  /** Ground truth: the user deletes an event, or cancels one occurrence, in Outlook. */
  userDelete(id: string): void {
    const view = this.find(id);
    if (!view) throw new Error(`no event ${id}`);
    this.remove(view);
  }

  /** Ground truth: an attendee answers the user's meeting (their `status` in `attendees`). */
  attendeeResponds(
    id: string,
    address: string,
    response: "accepted" | "tentativelyAccepted" | "declined",
  ): void {
    const view = this.find(id);
    if (!view) throw new Error(`no event ${id}`);
    const attendees = (view.fields.attendees ?? []) as { emailAddress: { address: string } }[];
    if (!attendees.some((a) => a.emailAddress.address === address.toLowerCase()))
      throw new Error(`no attendee ${address}`);
    const time = new Date(this.now()).toISOString();
    const patched = attendees.map((a) =>
      a.emailAddress.address === address.toLowerCase() ? { ...a, status: { response, time } } : a,
    );
    const problem = this.patch(view, { attendees: patched });
    if (problem) throw new Error(`cannot record the response: ${problem.status}`);
  }

  invalidateDelta(): void {
    this.generation++;
  }
}
