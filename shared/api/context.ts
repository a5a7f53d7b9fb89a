// R-SB-8: everything a sidebar card needs for one opened message, in one request.
import { z } from "zod";
import { recordType, userRef } from "./common.js";
import { eventWarning } from "./events.js";
import { overwrittenValue } from "./records.js";

export const contextQuery = z.strictObject({
  /** Repeated: `ana@example.com` or `Ana López <ana@example.com>` (the display name feeds suggestions). */
  address: z
    .union([z.string().max(400), z.array(z.string().max(400))])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string()).min(1, "give at least one address").max(100, "at most 100 addresses")),
  /** The RFC 5322 Message-ID of the opened message, with or without angle brackets. */
  messageId: z.string().max(998).optional(),
});

export const badge = z.object({ key: z.string(), label: z.string(), name: z.string() });
export type BadgeDto = z.infer<typeof badge>;

export const recordCard = z.object({
  type: recordType,
  id: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  company: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  owner: userRef,
  badge,
  openDeals: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      value: z.number().nullable(),
      currency: z.string().nullable(),
    }),
  ),
  /** The next 3 events, series' next occurrences among them. */
  nextEvents: z.array(
    z.object({
      /** For an occurrence, its series. */
      id: z.string(),
      title: z.string(),
      startAt: z.string(),
      endAt: z.string(),
      timeZone: z.string(),
      status: z.string(),
      allDay: z.boolean(),
      /** All-day events: the first day and the day after the last (show these, not the instants). */
      startDate: z.string().nullable(),
      endDate: z.string().nullable(),
      /** Set for an occurrence of a recurring series: where the rule put it. */
      originalStart: z.string().nullable(),
      /** As the event's own answer gives them: a series read as its first occurrence only, for one. */
      warnings: z.array(eventWarning),
    }),
  ),
  /** Activities still to do (a call tomorrow, a task due tonight), earliest due first; overdue ones too. */
  plannedActivities: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      /** The workspace's name for the type (sidebars translate the built-in ones). */
      typeName: z.string(),
      subject: z.string(),
      /** When it is due; null for a to-do without a date. */
      dueAt: z.string().nullable(),
    }),
  ),
  /** Done activities, latest first. */
  lastActivities: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      /** The workspace's name for the type (sidebars translate the built-in ones). */
      typeName: z.string(),
      subject: z.string(),
      state: z.string(),
      at: z.string(),
      direction: z.enum(["incoming", "outgoing"]).nullable(),
    }),
  ),
  /** R-X-11: values Exchange contact sync overwrote on this person, newest first (a few); [] otherwise. */
  overwrittenValues: z.array(overwrittenValue),
});
export type RecordCard = z.infer<typeof recordCard>;

export const contextEntry = z.discriminatedUnion("status", [
  z.object({ address: z.string(), displayName: z.string().nullable(), status: z.literal("self") }),
  z.object({
    address: z.string(),
    displayName: z.string().nullable(),
    status: z.literal("known"),
    record: recordCard,
  }),
  z.object({
    address: z.string(),
    displayName: z.string().nullable(),
    status: z.literal("unknown"),
    suggestion: z.object({
      firstName: z.string(),
      lastName: z.string(),
      companyName: z.string().nullable(),
      domain: z.string(),
    }),
  }),
]);
export type ContextEntry = z.infer<typeof contextEntry>;

/** Why a message is not logged (R-MAIL-8). */
export const notLoggedReason = z.enum([
  "no-crm-participant",
  "never-log",
  "internal",
  "automated",
  "not-synced-yet",
  "failed",
]);
export type NotLoggedReason = z.infer<typeof notLoggedReason>;

/** R-MAIL-8: whether the message is logged, how, and if not, why. */
export const logState = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("logged"),
    /** `hand`: the Log email button (editable); `automatically`: mail sync (read-only, R-MAIL-3). */
    by: z.enum(["hand", "automatically"]),
    activityId: z.string(),
    loggedAt: z.string(),
  }),
  z.object({
    status: z.literal("not-logged"),
    /**
     * Null when there is nothing to say (no mail connection, and the message would be logged). The
     * Log email button logs the message by hand whatever the reason.
     */
    reason: notLoggedReason.nullable(),
    /** What decided it: the never-log entries, the automated header, or why it failed. */
    detail: z.string().nullable(),
    /** True when mail sync saw the message and decided; false when read from the addresses alone. */
    seenBySync: z.boolean(),
  }),
]);
export type LogState = z.infer<typeof logState>;

export const contextResponse = z.object({
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), locale: z.string() }),
  locale: z.string(),
  messageId: z.string().nullable(),
  /** Whether the message is already logged for this user (R-SB-3). */
  logged: z.object({ activityId: z.string(), loggedAt: z.string() }).nullable(),
  logState,
  /** One entry per distinct address, in the order asked. */
  participants: z.array(contextEntry),
});
export type ContextResponse = z.infer<typeof contextResponse>;

/** Answer of POST /api/v1/emails. */
export const logEmailResponse = z.object({
  activityId: z.string(),
  alreadyLogged: z.boolean(),
  subject: z.string(),
  links: z.array(z.object({ type: recordType, id: z.string() })),
  /** Attachments stored with the activity. */
  attachments: z.number(),
  /** Attachments of the message left out at the sender's request (`skipAttachment`), not stored. */
  skippedAttachments: z.number(),
});
export type LogEmailResponse = z.infer<typeof logEmailResponse>;

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
const named: [z.ZodType, string][] = [
  [badge, "Badge"],
  [recordCard, "RecordCard"],
  [contextEntry, "ContextEntry"],
  [logState, "LogState"],
  [contextResponse, "Context"],
  [logEmailResponse, "LoggedEmail"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
