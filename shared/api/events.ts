import { z } from "zod";
import { EVENT_WARNING_CODES } from "../event-warnings.js";
import { isHttpsUrl, MEETING_LOCATION_MAX, MEETING_URL_MAX } from "../meeting-form.js";
import { email, isoDateTime, recordType, userRef } from "./common.js";

export const responseStatus = z.enum(["needsAction", "accepted", "declined", "tentative"]);
export const eventStatus = z.enum(["confirmed", "tentative", "cancelled"]);

/** The link attendees click to join an online meeting: an absolute https URL. */
const onlineMeetingUrl = z
  .string()
  .trim()
  .max(MEETING_URL_MAX)
  .refine(isHttpsUrl, { message: "must be an https:// URL with a host name" });

/** A calendar date (all-day events): no time, no zone. */
export const isoDate = z.iso.date({ error: "must be a date YYYY-MM-DD" });

/**
 * An IANA zone (`Europe/Madrid`); Windows names (`Romance Standard Time`) are accepted and stored as
 * their IANA zone. An unknown name is a 400 naming it.
 */
const timeZone = z.string().min(1).max(64);

const attendeeInput = z.strictObject({ email, name: z.string().max(200).nullish() });

/** The days of the week as RFC 5545 names them. */
export const weekday = z.enum(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]);

const FREQS = ["daily", "weekly", "monthly", "yearly"] as const;

/**
 * How a series repeats, as an RRULE says it (RFC 5545): every `interval` days, weeks, months or years
 * from the start; a weekly series on `byDay` (the start's weekday by default, and the start must be
 * one of them), a monthly one on the start's day of the month, a yearly one on its date. It ends after
 * `count` occurrences, or on `until` (the last day it may occur on, inclusive, on the series' clock),
 * or never.
 */
export const recurrenceInput = z
  .strictObject({
    freq: z.enum(FREQS, {
      error: (issue) =>
        typeof issue.input === "string" && /^(secondly|minutely|hourly)$/i.test(issue.input)
          ? "is not a calendar recurrence: a series repeats daily, weekly, monthly or yearly"
          : "must be daily, weekly, monthly or yearly",
    }),
    interval: z.number().int().min(1).max(99).optional(),
    byDay: z.array(weekday).min(1).max(7).optional(),
    count: z.number().int().min(1).max(999).optional(),
    until: isoDate.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.count !== undefined && r.until !== undefined)
      ctx.addIssue({ code: "custom", path: ["until"], message: "give count or until, not both" });
    if (r.byDay && r.freq !== "weekly")
      ctx.addIssue({ code: "custom", path: ["byDay"], message: "applies to weekly series only" });
    if (r.byDay && new Set(r.byDay).size !== r.byDay.length)
      ctx.addIssue({ code: "custom", path: ["byDay"], message: "names a day twice" });
  });
export type RecurrenceInput = z.output<typeof recurrenceInput>;

export const eventInput = z
  .strictObject({
    title: z.string().trim().min(1).max(500),
    description: z.string().max(100_000).nullish(),
    location: z.string().max(MEETING_LOCATION_MAX).nullish(),
    onlineMeetingUrl: onlineMeetingUrl.nullish(),
    /** All-day events give startDate (and endDate, exclusive: the day after the last); others startAt and endAt. */
    allDay: z.boolean().default(false),
    startAt: isoDateTime.optional(),
    endAt: isoDateTime.optional(),
    /** Zone the start was planned in (R-ACT-5); instants are stored in UTC. */
    timeZone: timeZone.default("UTC"),
    /** Zone of the end, when it differs (a flight); the start's zone otherwise. */
    endTimeZone: timeZone.optional(),
    startDate: isoDate.optional(),
    /** Exclusive, as iCalendar's DTEND: a one-day event on 3 December ends on 4 December (the default). */
    endDate: isoDate.optional(),
    dealId: z.string().nullish(),
    attendees: z.array(attendeeInput).max(200).default([]),
    /** Makes the event a series (R-CAL-6); its occurrences are changed with /occurrences/{originalStart}. */
    recurrence: recurrenceInput.optional(),
  })
  .superRefine((e, ctx) => {
    const need = (field: "startAt" | "endAt" | "startDate", why: string) => {
      if (e[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: why });
    };
    if (e.allDay) {
      need("startDate", "is required for an all-day event");
      if (e.startDate && e.endDate && e.endDate <= e.startDate)
        ctx.addIssue({
          code: "custom",
          path: ["endDate"],
          message: "must be after startDate (it is exclusive)",
        });
    } else {
      need("startAt", "is required (or set allDay with startDate)");
      need("endAt", "is required (or set allDay with startDate)");
      if (e.startAt && e.endAt && Date.parse(e.endAt) < Date.parse(e.startAt))
        ctx.addIssue({ code: "custom", path: ["endAt"], message: "must not be before startAt" });
    }
  });

export const eventPatch = z.strictObject({
  title: z.string().trim().min(1).max(500).optional(),
  description: z.string().max(100_000).nullish(),
  location: z.string().max(MEETING_LOCATION_MAX).nullish(),
  onlineMeetingUrl: onlineMeetingUrl.nullish(),
  allDay: z.boolean().optional(),
  startAt: isoDateTime.optional(),
  endAt: isoDateTime.optional(),
  timeZone: timeZone.optional(),
  endTimeZone: timeZone.optional(),
  startDate: isoDate.optional(),
  endDate: isoDate.optional(),
  dealId: z.string().nullish(),
  /** The new list: addresses that stay keep their response status; new ones need action. */
  attendees: z.array(attendeeInput).max(200).optional(),
  /**
   * A new rule for the series, or null to make it a single event. A new rule or a new start drops the
   * series' changed, moved and cancelled occurrences (they were keyed by the old pattern).
   */
  recurrence: recurrenceInput.nullable().optional(),
});

/**
 * One occurrence of a series changed (R-CAL-6), keyed by where the rule puts it: a new title, or a
 * new time (startAt and endAt for a timed series, startDate and endDate for an all-day one; a new
 * start alone keeps the series' duration). The new start's day must lie strictly between the days of
 * the previous and the next occurrence, as Outlook requires: otherwise 422, naming that day.
 */
export const occurrencePatch = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    startAt: isoDateTime.optional(),
    endAt: isoDateTime.optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.optional(),
  })
  .superRefine((o, ctx) => {
    if (Object.keys(o).length === 0)
      ctx.addIssue({ code: "custom", path: [], message: "must change the title or the time" });
    if (o.startAt && o.endAt && Date.parse(o.endAt) < Date.parse(o.startAt))
      ctx.addIssue({ code: "custom", path: ["endAt"], message: "must not be before startAt" });
    if (o.startDate && o.endDate && o.endDate <= o.startDate)
      ctx.addIssue({
        code: "custom",
        path: ["endDate"],
        message: "must be after startDate (it is exclusive)",
      });
  });

export const attendee = z.object({
  email: z.string(),
  name: z.string().nullable(),
  /** R-CAL-8: invitations not yet answered are shown too, with their status. */
  responseStatus,
  record: z.object({ type: recordType, id: z.string() }).nullable(),
});

export const recurrence = z.object({
  /** The RRULE value, `FREQ=WEEKLY;BYDAY=TU`. */
  rule: z.string(),
  /** Extra occurrences (RDATE) and removed ones (EXDATE): UTC instants, or dates for all-day series. */
  rdates: z.array(z.string()),
  exdates: z.array(z.string()),
});

/** An occurrence of a series that differs from the rule, keyed by where the rule put it. */
export const eventException = z.object({
  originalStart: z.string(),
  status: eventStatus,
  startAt: z.string().nullable(),
  endAt: z.string().nullable(),
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  title: z.string().nullable(),
});

/**
 * Something the user should know about how Concilia reads the event, by a stable code (`message` says it
 * in English): `recurrence-read-as-first-event`, a rule repeating every second or minute, which no
 * calendar schedules by, is read as its first occurrence only.
 */
export const eventWarning = z.object({ code: z.enum(EVENT_WARNING_CODES), message: z.string() });

export const event = z.object({
  /** For an occurrence, the id of its series. */
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  location: z.string().nullable(),
  onlineMeetingUrl: z.string().nullable(),
  /** Instants; for an all-day event the UTC midnights of its dates, for sorting only: read the dates. */
  startAt: z.string(),
  endAt: z.string(),
  timeZone: z.string(),
  endTimeZone: z.string(),
  allDay: z.boolean(),
  /** All-day events only: the first day and the day after the last. */
  startDate: z.string().nullable(),
  endDate: z.string().nullable(),
  origin: z.enum(["crm", "external"]),
  /** The user was invited to it: read-only here (R-CAL-4). */
  guest: z.boolean(),
  /** Cancelled events are kept (R-CAL-9). */
  status: eventStatus,
  organizerEmail: z.string().nullable(),
  organizerName: z.string().nullable(),
  recurrence: recurrence.nullable(),
  /**
   * Set on an occurrence of a series listed by range (R-CAL-6): read-only as its series is; one of a
   * series made in Concilia changes with /events/{seriesId}/occurrences/{originalStart}.
   */
  occurrence: z.object({ seriesId: z.string(), originalStart: z.string() }).nullable(),
  /** A series' changed, moved and cancelled occurrences. */
  exceptions: z.array(eventException),
  readOnly: z.boolean(),
  /** What the user should know about how the event is read; empty for most. */
  warnings: z.array(eventWarning),
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
  [eventStatus, "EventStatus"],
  [attendee, "Attendee"],
  [recurrence, "Recurrence"],
  [eventException, "EventException"],
  [eventWarning, "EventWarning"],
  [event, "Event"],
  [eventInput, "EventInput"],
  [eventPatch, "EventPatch"],
  [weekday, "Weekday"],
  [recurrenceInput, "RecurrenceInput"],
  [occurrencePatch, "OccurrencePatch"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
