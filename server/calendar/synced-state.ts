// What calendar sync will reconcile: an event as both sides last agreed on it, kept as JSON in
// `event_links.last_synced`. With the CRM's state and the provider's in the same shape, deciding what
// changed where is a pure function of the three (no sync logic lives here yet).
// The rows are described here rather than taken from db/schema.ts, which types its JSON column with
// this file's state: a cycle between the two would defeat drizzle's type inference.
import type { Timing } from "./occurrences.js";

type ResponseStatus = "needsAction" | "accepted" | "declined" | "tentative";
type Status = "confirmed" | "tentative" | "cancelled";

/** When an occurrence or event is: dates for all-day ones, instants with zones for timed ones. */
export type SyncedTiming =
  | { allDay: true; startDate: string; endDate: string }
  | { allDay: false; startAt: string; endAt: string; timeZone: string; endTimeZone: string };

export interface SyncedEventState {
  title: string;
  description: string | null;
  location: string | null;
  status: Status;
  timing: SyncedTiming;
  organizer: { email: string; name: string | null } | null;
  /** Sorted by address. */
  attendees: { email: string; name: string | null; responseStatus: ResponseStatus }[];
  recurrence: { rule: string; rdates: string[]; exdates: string[] } | null;
  /** By original start, sorted. */
  exceptions: {
    originalStart: string;
    status: Status;
    startAt: string | null;
    endAt: string | null;
    startDate: string | null;
    endDate: string | null;
    title: string | null;
  }[];
}

interface EventRowLike extends Timing {
  id: string;
  title: string;
  description: string | null;
  location: string | null;
  status: Status;
  organizerEmail: string | null;
  organizerName: string | null;
  recurrence: string | null;
  rdates: string[];
  exdates: string[];
}

interface AttendeeRowLike {
  eventId: string;
  email: string;
  name: string | null;
  responseStatus: ResponseStatus;
}

interface ExceptionRowLike {
  eventId: string;
  originalStart: string;
  status: Status;
  startAt: Date | null;
  endAt: Date | null;
  startDate: string | null;
  endDate: string | null;
  title: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** An exception as the synced state and the API show it: its times as ISO strings. */
export const syncedException = (x: ExceptionRowLike): SyncedEventState["exceptions"][number] => ({
  originalStart: x.originalStart,
  status: x.status,
  startAt: iso(x.startAt),
  endAt: iso(x.endAt),
  startDate: x.startDate,
  endDate: x.endDate,
  title: x.title,
});

/** The CRM side of an event in the synced shape. */
export function syncedStateOf(
  e: EventRowLike,
  attendees: AttendeeRowLike[],
  exceptions: ExceptionRowLike[],
): SyncedEventState {
  return {
    title: e.title,
    description: e.description,
    location: e.location,
    status: e.status,
    timing:
      e.allDay && e.startDate && e.endDate
        ? { allDay: true, startDate: e.startDate, endDate: e.endDate }
        : {
            allDay: false,
            startAt: e.startAt.toISOString(),
            endAt: e.endAt.toISOString(),
            timeZone: e.timeZone,
            endTimeZone: e.endTimeZone,
          },
    organizer: e.organizerEmail ? { email: e.organizerEmail, name: e.organizerName } : null,
    attendees: attendees
      .filter((a) => a.eventId === e.id)
      .map((a) => ({ email: a.email, name: a.name, responseStatus: a.responseStatus }))
      .sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0)),
    recurrence: e.recurrence ? { rule: e.recurrence, rdates: e.rdates, exdates: e.exdates } : null,
    exceptions: exceptions
      .filter((x) => x.eventId === e.id)
      .map(syncedException)
      .sort((a, b) => (a.originalStart < b.originalStart ? -1 : a.originalStart > b.originalStart ? 1 : 0)),
  };
}
