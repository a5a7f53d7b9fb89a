import { z } from "zod";
import { isHttpsUrl, MEETING_LOCATION_MAX, MEETING_URL_MAX } from "../meeting-form.js";
import { email, isoDateTime, recordType, userRef } from "./common.js";

export const responseStatus = z.enum(["needsAction", "accepted", "declined", "tentative"]);

/** The link attendees click to join an online meeting: an absolute https URL. */
const onlineMeetingUrl = z
  .string()
  .trim()
  .max(MEETING_URL_MAX)
  .refine(isHttpsUrl, { message: "must be an https:// URL with a host name" });

export const eventInput = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    description: z.string().max(100_000).nullish(),
    location: z.string().max(MEETING_LOCATION_MAX).nullish(),
    onlineMeetingUrl: onlineMeetingUrl.nullish(),
    startAt: isoDateTime,
    endAt: isoDateTime,
    /** IANA zone the event was planned in (R-ACT-5); instants are stored in UTC. */
    timeZone: z.string().min(1).max(64).default("UTC"),
    allDay: z.boolean().default(false),
    dealId: z.string().nullish(),
    attendees: z
      .array(z.strictObject({ email, name: z.string().max(200).nullish() }))
      .max(200)
      .default([]),
  })
  .refine((e) => Date.parse(e.endAt) >= Date.parse(e.startAt), {
    message: "must not be before startAt",
    path: ["endAt"],
  });
export const eventPatch = z.strictObject({
  title: z.string().trim().min(1).max(500).optional(),
  description: z.string().max(100_000).nullish(),
  location: z.string().max(MEETING_LOCATION_MAX).nullish(),
  onlineMeetingUrl: onlineMeetingUrl.nullish(),
  startAt: isoDateTime.optional(),
  endAt: isoDateTime.optional(),
  timeZone: z.string().min(1).max(64).optional(),
  allDay: z.boolean().optional(),
  dealId: z.string().nullish(),
  attendees: z
    .array(z.strictObject({ email, name: z.string().max(200).nullish() }))
    .max(200)
    .optional(),
});

export const attendee = z.object({
  email: z.string(),
  name: z.string().nullable(),
  responseStatus,
  record: z.object({ type: recordType, id: z.string() }).nullable(),
});

export const event = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  onlineMeetingUrl: z.string().nullable(),
  startAt: z.string(),
  endAt: z.string(),
  timeZone: z.string(),
  allDay: z.boolean(),
  origin: z.enum(["crm", "external"]),
  status: z.enum(["confirmed", "tentative", "cancelled"]),
  organizerEmail: z.string().nullable(),
  recurrence: z.string().nullable(),
  readOnly: z.boolean(),
  dealId: z.string().nullable(),
  owner: userRef,
  attendees: z.array(attendee),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CrmEvent = z.infer<typeof event>;

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
const named: [z.ZodType, string][] = [
  [responseStatus, "ResponseStatus"],
  [attendee, "Attendee"],
  [event, "Event"],
  [eventInput, "EventInput"],
  [eventPatch, "EventPatch"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
