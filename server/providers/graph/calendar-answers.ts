// The shapes the Outlook calendar readers rely on (§1.2–§1.8), checked on every answer with answerOf
// (http.ts) or, for one part of a $batch, on its own: a field of the wrong type or a time that is no
// time is a classified failure when it is read, not a TypeError or RangeError in the mapping
// (calendar-map.ts) or the import (R-P-4). Fields the sync does not read pass through unchecked.
import { z } from "zod";
import type { GraphEventJson } from "./calendar-map.js";

/** A Graph dateTime (no offset, 7 fractional digits) whose first 19 characters are a real instant. */
const dateTime = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/)
  .refine((v) => !Number.isNaN(Date.parse(`${v.slice(0, 19)}Z`)));
const instant = z.string().refine((v) => !Number.isNaN(Date.parse(v)));
const dateTimeTimeZone = z.looseObject({ dateTime, timeZone: z.string() });
const recipient = z.looseObject({
  emailAddress: z.looseObject({ name: z.string().nullish(), address: z.string().nullish() }).optional(),
});
const text = z.string().optional();

const recurrence = z.looseObject({
  pattern: z.looseObject({
    type: z.string(),
    interval: z.number(),
    daysOfWeek: z.array(z.string()).optional(),
    firstDayOfWeek: text,
    dayOfMonth: z.number().optional(),
    month: z.number().optional(),
    index: text,
  }),
  range: z.looseObject({
    type: z.string(),
    startDate: z.string().regex(/^\d{4}-\d\d-\d\d$/),
    endDate: z
      .string()
      .regex(/^\d{4}-\d\d-\d\d$/)
      .optional(),
    numberOfOccurrences: z.number().optional(),
    recurrenceTimeZone: text,
  }),
});

export const graphEventShape: z.ZodType<GraphEventJson> = z.looseObject({
  transactionId: z.string().nullish(),
  id: z.string().min(1),
  "@odata.etag": text,
  changeKey: text,
  type: z.enum(["singleInstance", "occurrence", "exception", "seriesMaster"]).optional(),
  seriesMasterId: z.string().min(1).nullish(),
  iCalUId: text,
  subject: z.string().nullish(),
  body: z.looseObject({ contentType: text, content: text }).nullish(),
  location: z.looseObject({ displayName: z.string().nullish() }).nullish(),
  start: dateTimeTimeZone,
  end: dateTimeTimeZone,
  isAllDay: z.boolean().optional(),
  originalStart: instant.nullish(),
  originalStartTimeZone: z.string().nullish(),
  originalEndTimeZone: z.string().nullish(),
  recurrence: recurrence.nullish(),
  organizer: recipient.nullish(),
  isOrganizer: z.boolean().optional(),
  isCancelled: z.boolean().optional(),
  showAs: text,
  responseStatus: z.looseObject({ response: text }).nullish(),
  attendees: z.array(recipient.extend({ status: z.looseObject({ response: text }).optional() })).nullish(),
  cancelledOccurrences: z.array(z.string()).nullish(),
  singleValueExtendedProperties: z.array(z.looseObject({ id: z.string(), value: z.string() })).optional(),
});

/** A page of a series' instances. */
export const graphInstancesPage = z.looseObject({
  value: z.array(graphEventShape).optional(),
  "@odata.nextLink": z.string().min(1).optional(),
});

/** A calendarView delta page: rows carry at least their id; a removed one only that. */
export const graphDeltaPage = z.looseObject({
  value: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        type: z.string().optional(),
        seriesMasterId: z.string().nullish(),
        "@odata.etag": text,
        "@removed": z.unknown().optional(),
      }),
    )
    .optional(),
  "@odata.nextLink": z.string().min(1).optional(),
  "@odata.deltaLink": z.string().min(1).optional(),
});

export const graphCalendarsPage = z.looseObject({
  value: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        name: z.string().nullish(),
        isDefaultCalendar: z.boolean().nullish(),
        canEdit: z.boolean().nullish(),
      }),
    )
    .optional(),
  "@odata.nextLink": z.string().min(1).optional(),
});
