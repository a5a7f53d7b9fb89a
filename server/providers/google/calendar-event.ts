// The Google Calendar event resource (§3.4) as the sync reads and writes it: only the fields that
// matter to Concilia. A series arrives as its parent (with `recurrence[]`) and its instances; an
// instance carries `recurringEventId` and `originalStartTime`, its slot in the pattern (§3.5).

export interface GoogleDateTime {
  /** All-day: YYYY-MM-DD (end exclusive). */
  date?: string;
  /** RFC 3339, normally with an offset. */
  dateTime?: string;
  timeZone?: string;
}

export interface GooglePerson {
  email?: string;
  displayName?: string;
  self?: boolean;
  resource?: boolean;
  responseStatus?: "needsAction" | "declined" | "tentative" | "accepted";
}

export interface GoogleEvent {
  id: string;
  etag?: string;
  status?: "confirmed" | "tentative" | "cancelled";
  iCalUID?: string;
  sequence?: number;
  updated?: string;
  summary?: string;
  description?: string;
  location?: string;
  start?: GoogleDateTime;
  end?: GoogleDateTime;
  organizer?: GooglePerson;
  attendees?: GooglePerson[];
  recurrence?: string[];
  recurringEventId?: string;
  originalStartTime?: GoogleDateTime;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
}

/** The private extended property naming the CRM event a Concilia write made (§3.7, R-P-3). */
export const CONCILIA_PROPERTY = "conciliaId";

/** A listed item that is a deletion: a cancelled event that is not one hidden instance of a series. */
export const isTombstone = (e: GoogleEvent) => e.status === "cancelled" && !e.recurringEventId;

/** The id of the item the sync follows: the series for an instance, else the event itself. */
export const seriesIdOf = (e: GoogleEvent) => e.recurringEventId ?? e.id;
