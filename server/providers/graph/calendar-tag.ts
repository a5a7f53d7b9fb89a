// How Concilia marks the Outlook events it writes (§1.7, §1.8). Two single-value extended properties
// (MAPI named properties in one property set of ours, one id format throughout): ConciliaId, the CRM
// event's id, so an event of ours found by a listing links back to its CRM event instead of being
// imported again (R-P-3); and ConciliaAttendees, the attendee list of an event written without
// attendees so that no invitation went out (R-CAL-7, history on a first sync), from which the
// event's attendees are read back. The create's transactionId is derived from the CRM event and the
// calendar, so a POST repeated after a lost answer returns the event the first one made.
import { createHash } from "node:crypto";

const PROPERTY_SET = "{6b1f3c52-8d0e-4a7b-9c61-2f5e8a4d7c10}";
export const CONCILIA_ID = `String ${PROPERTY_SET} Name ConciliaId`;
export const CONCILIA_ATTENDEES = `String ${PROPERTY_SET} Name ConciliaAttendees`;

/** `$expand` that returns our two properties with an event (Graph lists no property unasked). */
export const EXPAND_TAGS = `singleValueExtendedProperties($filter=id eq '${CONCILIA_ID}' or id eq '${CONCILIA_ATTENDEES}')`;

export interface ExtendedProperty {
  id: string;
  value: string;
}

export function tagValue(props: ExtendedProperty[] | undefined, id: string): string | null {
  return props?.find((p) => p.id.toLowerCase() === id.toLowerCase())?.value ?? null;
}

/** Stable per (calendar, CRM event): a retried create is recognised, another calendar gets its own. */
export function transactionIdOf(calendarId: string, eventId: string): string {
  const hex = createHash("sha256").update(`${calendarId}\n${eventId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
