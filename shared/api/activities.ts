import { z } from "zod";
import { isoDateTime, patchOf, recordType, userRef } from "./common.js";

export const activityTypeInput = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, "must be lower-case letters, digits or _ (2-40)"),
  name: z.string().trim().min(1).max(100),
  showInCalendars: z.boolean().default(false),
});
export const activityTypePatch = patchOf(activityTypeInput.omit({ key: true }));
export const activityType = z.object({ key: z.string(), name: z.string(), showInCalendars: z.boolean() });
export type ActivityType = z.infer<typeof activityType>;

export const link = z.object({ type: recordType, id: z.string() });

export const activityInput = z.strictObject({
  type: z.string().min(1).max(40),
  state: z.enum(["planned", "done"]).default("planned"),
  subject: z.string().trim().min(1).max(500),
  description: z.string().max(100_000).nullish(),
  startAt: isoDateTime.nullish(),
  endAt: isoDateTime.nullish(),
  timeZone: z.string().max(64).nullish(),
  dealId: z.string().nullish(),
  links: z.array(link).max(50).default([]),
});
export const activityPatch = patchOf(activityInput);

export const mailAddress = z.object({ name: z.string().optional(), address: z.string() });

export const attachmentInfo = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  inline: z.boolean(),
  contentId: z.string().nullable(),
});

export const activity = z.object({
  id: z.string(),
  type: z.string(),
  state: z.enum(["planned", "done"]),
  subject: z.string(),
  description: z.string().nullable(),
  startAt: z.string().nullable(),
  endAt: z.string().nullable(),
  timeZone: z.string().nullable(),
  dealId: z.string().nullable(),
  source: z.enum(["manual", "auto"]),
  readOnly: z.boolean(),
  owner: userRef,
  links: z.array(link),
  email: z
    .object({
      messageId: z.string().nullable(),
      direction: z.enum(["incoming", "outgoing"]).nullable(),
      from: mailAddress.nullable(),
      to: z.array(mailAddress),
      cc: z.array(mailAddress),
      html: z.string().nullable(),
      text: z.string().nullable(),
      threadId: z
        .string()
        .nullable()
        .describe(
          "The conversation: the Message-ID of its first logged email. Emails that name one another (In-Reply-To, References) share it, whatever order they were logged in; it changes when a later email joins two conversations.",
        ),
      attachments: z.array(attachmentInfo),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Activity = z.infer<typeof activity>;

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
const named: [z.ZodType, string][] = [
  [activityType, "ActivityType"],
  [activityTypeInput, "ActivityTypeInput"],
  [activityTypePatch, "ActivityTypePatch"],
  [link, "RecordLink"],
  [mailAddress, "MailAddress"],
  [attachmentInfo, "AttachmentInfo"],
  [activity, "Activity"],
  [activityInput, "ActivityInput"],
  [activityPatch, "ActivityPatch"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
