// Logging mail (R-MAIL-1..5, R-MAIL-9): the raw message in, one email activity out; and the exact
// bytes of its attachments back.
import { and, eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { logEmailResponse } from "../../shared/api/context.js";
import type { AppContext } from "../context.js";
import { ownedBy } from "../crm/access.js";
import { activities, attachments } from "../db/schema.js";
import { ingestEmail } from "../mail/ingest.js";
import { badRequest, HttpProblem, notFound } from "./problem.js";
import { route } from "./route.js";

const RAW_TYPES = ["message/rfc822", "application/octet-stream"];
// Shown in place by a browser without running anything; every other type is a download.
const INLINE_TYPES = new Set(["image/png", "image/gif", "image/jpeg", "image/webp", "image/bmp"]);
const attachmentPosition = z
  .string()
  .regex(/^\d{1,4}$/, "an attachment's 0-based position in the message, e.g. 0")
  .describe("0-based position of an attachment in the message's attachment list (as inspect-mail lists them)")
  .transform(Number);

export function emailRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: "POST",
    url: "/api/v1/emails",
    tag: "emails",
    summary:
      "Log an email: the raw RFC 5322 message in, one email activity linked to every CRM participant (201; 200 with alreadyLogged when this Message-ID is logged already, whatever it asks to leave out). " +
      "To keep attachments out of the CRM without changing the message, repeat `skipAttachment=<position>`: the 0-based position of the attachment in the message's attachment list, " +
      "in MIME document order as `concilia inspect-mail` lists them (parts that are the body, such as text alternatives, are not in that list). Skipped attachments are not stored at all and are counted in skippedAttachments; " +
      "a position the message does not have is refused with 422 and nothing is stored.",
    rawBody: RAW_TYPES,
    query: z.strictObject({
      skipAttachment: z
        .union([attachmentPosition, z.array(attachmentPosition)])
        .transform((v) => (Array.isArray(v) ? v : [v]))
        .optional(),
    }),
    response: logEmailResponse,
    status: 201,
    alsoAnswers: [
      { status: 200, description: "Logged already (alreadyLogged: true): the existing activity" },
    ],
    errors: [422],
    handler: async ({ req, reply, user, body, query }) => {
      const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      if (!RAW_TYPES.includes(type) || (body !== undefined && !Buffer.isBuffer(body)))
        throw new HttpProblem(
          415,
          "Unsupported media type",
          `Send the raw message (the .eml bytes) with Content-Type: message/rfc822, not '${type || "none"}'.`,
        );
      if (!body || (body as Buffer).length === 0)
        throw badRequest(
          "The request body is empty: send the raw RFC 5322 message (headers, blank line, body).",
        );
      const result = await ingestEmail(ctx, user, body as Buffer, {
        source: "manual",
        skipAttachments: query.skipAttachment,
      });
      reply.code(result.alreadyLogged ? 200 : 201);
      return {
        activityId: result.activity.id,
        alreadyLogged: result.alreadyLogged,
        subject: result.activity.subject,
        links: result.links,
        attachments: result.attachments,
        skippedAttachments: result.skippedAttachments,
      };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/activities/{id}/attachments/{attachmentId}",
    tag: "emails",
    summary: "Download an attachment of a logged email: its exact bytes",
    params: z.strictObject({ id: z.string().min(1).max(64), attachmentId: z.string().min(1).max(64) }),
    produces: "*/*",
    handler: async ({ reply, user, params }) => {
      const [row] = await ctx.db
        .select({
          filename: attachments.filename,
          contentType: attachments.contentType,
          sha256: attachments.sha256,
        })
        .from(attachments)
        .innerJoin(activities, eq(activities.id, attachments.activityId))
        .where(
          and(
            eq(attachments.id, params.attachmentId),
            eq(attachments.activityId, params.id),
            ownedBy(user, activities.ownerId),
          ),
        );
      if (!row) throw notFound(`Attachment ${params.attachmentId} of activity ${params.id}`);
      const bytes = await ctx.blobs.get(row.sha256);
      if (!bytes) throw notFound(`The stored bytes of attachment '${row.filename}'`);
      const disposition = INLINE_TYPES.has(row.contentType) ? "inline" : "attachment";
      return reply
        .type(row.contentType)
        .headers({
          "content-disposition": contentDisposition(disposition, row.filename),
          "x-content-type-options": "nosniff",
          "content-security-policy": "default-src 'none'; sandbox",
          "cache-control": "private, max-age=86400",
          etag: `"${row.sha256}"`,
        })
        .send(bytes);
    },
  });
}

/** RFC 6266: an ASCII fallback name plus the exact name in RFC 5987 form. */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
