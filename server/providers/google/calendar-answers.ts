// The shapes the Google Calendar readers rely on (§3.1, §3.2, §3.4), checked on every answer with
// answerOf (http.ts): a field of the wrong type, a time that is no time, or a zone Intl does not know
// is a classified failure when it is read, not a TypeError or RangeError later in the mapping or the
// import (R-P-4). Fields the sync does not read pass through unchecked.
import { z } from "zod";
import { isTimeZone } from "../../../shared/zoned-time.js";
import type { GoogleEvent } from "./calendar-event.js";

const zone = z.string().refine(isTimeZone);
const date = z.string().regex(/^\d{4}-\d\d-\d\d$/);
/** RFC 3339, or a wall time with the zone beside it. */
const dateTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?$/i);

const when = z.looseObject({
  date: date.optional(),
  dateTime: dateTime.optional(),
  timeZone: zone.optional(),
});
const person = z.looseObject({
  email: z.string().optional(),
  displayName: z.string().optional(),
  self: z.boolean().optional(),
  resource: z.boolean().optional(),
  responseStatus: z.enum(["needsAction", "declined", "tentative", "accepted"]).optional(),
});
const properties = z.record(z.string(), z.string()).optional();

export const googleEventShape: z.ZodType<GoogleEvent> = z
  .looseObject({
    id: z.string().min(1),
    etag: z.string().optional(),
    status: z.enum(["confirmed", "tentative", "cancelled"]).optional(),
    iCalUID: z.string().optional(),
    sequence: z.number().optional(),
    updated: z.string().optional(),
    summary: z.string().optional(),
    description: z.string().optional(),
    location: z.string().optional(),
    start: when.optional(),
    end: when.optional(),
    organizer: person.optional(),
    attendees: z.array(person).optional(),
    recurrence: z.array(z.string()).optional(),
    recurringEventId: z.string().min(1).optional(),
    originalStartTime: when.optional(),
    extendedProperties: z.looseObject({ private: properties, shared: properties }).optional(),
  })
  // Only a cancelled event (a deletion, or a series' hidden instance) comes without its start.
  .refine((e) => e.status === "cancelled" || e.start?.date !== undefined || e.start?.dateTime !== undefined);

export const googleEventsPage = z.looseObject({
  items: z.array(googleEventShape).optional(),
  timeZone: zone.optional(),
  nextPageToken: z.string().min(1).optional(),
  nextSyncToken: z.string().min(1).optional(),
});

export const googleInstancesPage = z.looseObject({
  items: z.array(googleEventShape).optional(),
  nextPageToken: z.string().min(1).optional(),
});

export const googleCalendarListPage = z.looseObject({
  items: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        summary: z.string().optional(),
        summaryOverride: z.string().optional(),
        primary: z.boolean().optional(),
        accessRole: z.enum(["owner", "writer", "reader", "freeBusyReader"]).optional(),
        timeZone: z.string().optional(),
        deleted: z.boolean().optional(),
      }),
    )
    .optional(),
  nextPageToken: z.string().min(1).optional(),
});
