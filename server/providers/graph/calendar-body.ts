// A synced event state as the body of a Graph create or PATCH (§1.3, §1.7). Timed events are written
// on their own clock in their IANA zone (Graph accepts IANA names as well as Windows ones), all-day
// events as midnight to midnight of their dates, the body as text. Attendees are written only when
// the caller says so: otherwise they go into our ConciliaAttendees property and Exchange, which
// invites whoever is in `attendees`, mails no one (R-CAL-7).
import { wallOfInstant } from "../../calendar/local-time.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { recurrenceOf } from "./calendar-recurrence.js";
import { CONCILIA_ATTENDEES, CONCILIA_ID } from "./calendar-tag.js";

export type GraphBody = Record<string, unknown>;

const wall = (iso: string, zone: string) =>
  `${new Date(wallOfInstant(Date.parse(iso), zone)).toISOString().slice(0, 19)}.0000000`;

/** The meeting's fields (what a change of which mails attendees), without attendees and tags. */
export function meetingFields(s: SyncedEventState): GraphBody {
  const t = s.timing;
  const zone = t.allDay ? "UTC" : t.timeZone;
  const body: GraphBody = {
    subject: s.title,
    body: { contentType: "text", content: s.description ?? "" },
    location: { displayName: s.location ?? "" },
    isAllDay: t.allDay,
    start: t.allDay
      ? { dateTime: `${t.startDate}T00:00:00.0000000`, timeZone: "UTC" }
      : { dateTime: wall(t.startAt, t.timeZone), timeZone: t.timeZone },
    end: t.allDay
      ? { dateTime: `${t.endDate}T00:00:00.0000000`, timeZone: "UTC" }
      : { dateTime: wall(t.endAt, t.endTimeZone), timeZone: t.endTimeZone },
    showAs: s.status === "tentative" ? "tentative" : "busy",
  };
  if (s.recurrence?.rule) {
    const recurrence = recurrenceOf(
      s.recurrence.rule,
      { allDay: t.allDay, startAt: Date.parse(t.allDay ? `${t.startDate}T00:00:00Z` : t.startAt), zone },
      zone,
    );
    if (recurrence) body.recurrence = recurrence;
  }
  return body;
}

export const graphAttendees = (s: SyncedEventState) =>
  s.attendees.map((a) => ({
    type: "required",
    emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) },
  }));

/** Our tags: the CRM id, and the attendees when they are not written as attendees. */
export function tagProperties(eventId: string, s: SyncedEventState, withheldAttendees: boolean) {
  return [
    { id: CONCILIA_ID, value: eventId },
    ...(withheldAttendees ? [{ id: CONCILIA_ATTENDEES, value: JSON.stringify(s.attendees) }] : []),
  ];
}
