// An Outlook event (single instance, or a series master with its exceptions and cancelled
// occurrences) read as Concilia's synced event shape (R-CAL-3, R-CAL-6, R-CAL-8). Times are asked for
// in UTC (Prefer outlook.timezone) and kept with the zone the event was made in
// (originalStartTimeZone, a Windows name mapped to IANA with CLDR's table; a legacy custom zone is
// read as UTC). All-day events stay dates. Exceptions are keyed by their original start, as the CRM
// keys them: a UTC instant, or a date for all-day series. A cancelled occurrence comes only from the
// master's `cancelledOccurrences` (`OID.<masterId>.<yyyy-MM-dd>`): its date at the series' start time.
import { z } from "zod";
import { resolveTimeZone } from "../../../shared/windows-zones.js";
import { instantOfWall, wallOfInstant } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { type PatternedRecurrence, rruleOf } from "./calendar-recurrence.js";
import { CONCILIA_ATTENDEES, CONCILIA_ID, type ExtendedProperty, tagValue } from "./calendar-tag.js";

type Attendee = SyncedEventState["attendees"][number];
type Exception = SyncedEventState["exceptions"][number];

interface DateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

interface Recipient {
  emailAddress?: { name?: string | null; address?: string | null };
}

/** The fields of a Graph event this mapping reads. */
export interface GraphEventJson {
  /** Set only by a client that created the event through the API with one (Concilia always does). */
  transactionId?: string | null;
  id: string;
  "@odata.etag"?: string;
  changeKey?: string;
  type?: "singleInstance" | "occurrence" | "exception" | "seriesMaster";
  seriesMasterId?: string | null;
  iCalUId?: string;
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  location?: { displayName?: string | null } | null;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
  isAllDay?: boolean;
  originalStart?: string | null;
  originalStartTimeZone?: string | null;
  originalEndTimeZone?: string | null;
  recurrence?: PatternedRecurrence | null;
  organizer?: Recipient | null;
  isOrganizer?: boolean;
  isCancelled?: boolean;
  showAs?: string;
  responseStatus?: { response?: string } | null;
  attendees?: (Recipient & { status?: { response?: string } })[] | null;
  cancelledOccurrences?: string[] | null;
  singleValueExtendedProperties?: ExtendedProperty[];
}

/** The item inbound.ts imports (without the etag, which the fetch composes). */
export interface GraphIncoming {
  uid: string;
  conciliaId: string | null;
  state: SyncedEventState;
}

const RESPONSES: Record<string, Attendee["responseStatus"]> = {
  accepted: "accepted",
  organizer: "accepted",
  declined: "declined",
  tentativelyAccepted: "tentative",
};

const zoneOf = (name: string | null | undefined) => (name && resolveTimeZone(name)) || null;

/** A Graph dateTime (7 fractional digits, no offset) on `zone`'s clock, as a UTC ISO instant. */
function instantOf(t: DateTimeTimeZone): string {
  const wall = Date.parse(`${t.dateTime.slice(0, 19)}Z`);
  return new Date(instantOfWall(wall, zoneOf(t.timeZone) ?? "UTC")).toISOString();
}

/** Our attendees property as written (calendar-writer.ts); anything else in it is damage. */
const stashedAttendees = z.array(
  z.object({
    email: z.string(),
    name: z.string().nullable(),
    responseStatus: z.enum(["needsAction", "accepted", "declined", "tentative"]),
  }),
);

const byEmail = <T extends { email: string }>(a: T, b: T) =>
  a.email < b.email ? -1 : a.email > b.email ? 1 : 0;

function attendeesOf(e: GraphEventJson, account: string): Attendee[] {
  const stashed = tagValue(e.singleValueExtendedProperties, CONCILIA_ATTENDEES);
  // Written without attendees so that no invitation went out: they are kept in our property.
  if (!e.attendees?.length && stashed) {
    try {
      const kept = stashedAttendees.safeParse(JSON.parse(stashed));
      // A damaged property: the event's own (empty) list stands.
      if (kept.success) return kept.data.sort(byEmail);
    } catch {
      // Not JSON: damaged too.
    }
  }
  const out = new Map<string, Attendee>();
  for (const a of e.attendees ?? []) {
    const email = a.emailAddress?.address?.trim().toLowerCase();
    if (!email?.includes("@")) continue;
    const name = a.emailAddress?.name?.trim() || null;
    out.set(email, {
      email,
      name: name && name.toLowerCase() !== email ? name : null,
      responseStatus: RESPONSES[a.status?.response ?? ""] ?? "needsAction",
    });
  }
  // R-CAL-8: the user's own answer to someone else's meeting is the event's responseStatus; invited
  // through a list, the user is not among the attendees and is added with that answer.
  if (!e.isOrganizer && (out.has(account) || e.responseStatus?.response)) {
    const mine = out.get(account) ?? { email: account, name: null, responseStatus: "needsAction" as const };
    out.set(account, {
      ...mine,
      responseStatus: RESPONSES[e.responseStatus?.response ?? ""] ?? "needsAction",
    });
  }
  return [...out.values()].sort(byEmail);
}

function timingOf(e: GraphEventJson): SyncedEventState["timing"] {
  if (e.isAllDay)
    return { allDay: true, startDate: e.start.dateTime.slice(0, 10), endDate: e.end.dateTime.slice(0, 10) };
  return {
    allDay: false,
    startAt: instantOf(e.start),
    endAt: instantOf(e.end),
    timeZone: zoneOf(e.originalStartTimeZone) ?? zoneOf(e.start.timeZone) ?? "UTC",
    endTimeZone:
      zoneOf(e.originalEndTimeZone) ?? zoneOf(e.originalStartTimeZone) ?? zoneOf(e.end.timeZone) ?? "UTC",
  };
}

/** Outlook keeps HTML; Concilia keeps text (asked for with Prefer outlook.body-content-type). */
function textOf(body: GraphEventJson["body"]): string | null {
  const content = body?.content ?? "";
  const text =
    body?.contentType?.toLowerCase() === "html"
      ? content
          .replace(/<br\s*\/?>/gi, "\n")
          .replace(/<\/p>/gi, "\n")
          .replace(/<[^>]+>/g, "")
          .replace(/&nbsp;/g, " ")
          .replace(/&lt;/g, "<")
          .replace(/&gt;/g, ">")
          .replace(/&amp;/g, "&")
          .trim()
      : content;
  return text === "" ? null : text;
}

function statusOf(e: GraphEventJson): SyncedEventState["status"] {
  if (e.isCancelled) return "cancelled";
  return e.isOrganizer && e.showAs === "tentative" ? "tentative" : "confirmed";
}

/** The instant (or all-day date) an occurrence had in the pattern. */
function originalKey(instant: string, allDay: boolean, zone: string): string {
  const ms = Date.parse(instant);
  return allDay ? new Date(wallOfInstant(ms, zone)).toISOString().slice(0, 10) : new Date(ms).toISOString();
}

function exceptionOf(
  x: GraphEventJson,
  master: GraphEventJson,
  timing: SyncedEventState["timing"],
  zone: string,
): Exception {
  const allDay = timing.allDay;
  const originalStart = originalKey(x.originalStart ?? instantOf(x.start), allDay, zone);
  const title = x.subject ?? "";
  const base: Exception = {
    originalStart,
    status: x.isCancelled ? "cancelled" : "confirmed",
    startAt: null,
    endAt: null,
    startDate: null,
    endDate: null,
    title: title !== (master.subject ?? "") ? title : null,
  };
  const t = timingOf(x);
  if (t.allDay && timing.allDay) {
    const days = Date.parse(timing.endDate) - Date.parse(timing.startDate);
    const unmoved = t.startDate === originalStart && Date.parse(t.endDate) - Date.parse(t.startDate) === days;
    return unmoved ? base : { ...base, startDate: t.startDate, endDate: t.endDate };
  }
  if (t.allDay || timing.allDay) return base;
  const duration = Date.parse(timing.endAt) - Date.parse(timing.startAt);
  const unmoved = t.startAt === originalStart && Date.parse(t.endAt) - Date.parse(t.startAt) === duration;
  return unmoved ? base : { ...base, startAt: t.startAt, endAt: t.endAt };
}

function cancelledOf(oid: string, timing: SyncedEventState["timing"], zone: string): Exception | null {
  const date = /(\d{4}-\d\d-\d\d)$/.exec(oid)?.[1];
  if (!date) return null;
  let originalStart = date;
  if (!timing.allDay) {
    const time = new Date(wallOfInstant(Date.parse(timing.startAt), zone)).toISOString().slice(10, 19);
    originalStart = new Date(instantOfWall(Date.parse(`${date}${time}Z`), zone)).toISOString();
  }
  return {
    originalStart,
    status: "cancelled",
    startAt: null,
    endAt: null,
    startDate: null,
    endDate: null,
    title: null,
  };
}

/**
 * One Outlook item as the synced state: a single instance, or a series master with the exceptions
 * among its `instances` and its cancelled occurrences. `account` is the mailbox's address (the user).
 */
export function graphEventState(
  e: GraphEventJson,
  account: string,
  instances: GraphEventJson[] = [],
): GraphIncoming {
  const timing = timingOf(e);
  const zone = timing.allDay ? (zoneOf(e.originalStartTimeZone) ?? "UTC") : timing.timeZone;
  const organizer = e.organizer?.emailAddress?.address?.trim().toLowerCase();
  const organizerName = e.organizer?.emailAddress?.name?.trim() || null;
  const rule =
    e.recurrence &&
    rruleOf(e.recurrence, {
      allDay: timing.allDay,
      startAt: Date.parse(timing.allDay ? `${timing.startDate}T00:00:00Z` : timing.startAt),
      zone,
    });
  const exceptions = new Map<string, Exception>();
  if (rule) {
    for (const x of instances)
      if (x.type === "exception" && x.seriesMasterId === e.id) {
        const ex = exceptionOf(x, e, timing, zone);
        exceptions.set(ex.originalStart, ex);
      }
    for (const oid of e.cancelledOccurrences ?? []) {
      const ex = cancelledOf(oid, timing, zone);
      if (ex) exceptions.set(ex.originalStart, ex);
    }
  }
  return {
    uid: e.iCalUId ?? e.id,
    conciliaId: tagValue(e.singleValueExtendedProperties, CONCILIA_ID),
    state: {
      title: e.subject ?? "",
      description: textOf(e.body),
      location: e.location?.displayName?.trim() || null,
      status: statusOf(e),
      timing,
      organizer: organizer
        ? {
            email: organizer,
            name: organizerName && organizerName.toLowerCase() !== organizer ? organizerName : null,
          }
        : null,
      attendees: attendeesOf(e, account.toLowerCase()),
      recurrence: rule ? { rule, rdates: [], exdates: [] } : null,
      exceptions: [...exceptions.values()].sort((a, b) =>
        a.originalStart < b.originalStart ? -1 : a.originalStart > b.originalStart ? 1 : 0,
      ),
    },
  };
}
