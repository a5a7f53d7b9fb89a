// What each job does. Handlers are idempotent: a job may run again after a worker dies mid-way.
import { and, inArray, isNotNull, lt, or } from "drizzle-orm";
import { purgeSignInFailures } from "../auth/throttle.js";
import { apiTokens, attachments, loginCodes } from "../db/schema.js";
import type { JobHandler, JobPayloads } from "./queue.js";

export const collectBlobs: JobHandler<JobPayloads["blobs.collect"]> = async (ctx, { sha256 }) => {
  if (!sha256.length) return;
  const used = await ctx.db
    .selectDistinct({ sha: attachments.sha256 })
    .from(attachments)
    .where(inArray(attachments.sha256, sha256));
  const keep = new Set(used.map((r) => r.sha));
  for (const sha of sha256) if (!keep.has(sha)) await ctx.blobs.delete(sha);
};

export const purgeExpired: JobHandler<JobPayloads["auth.purge-expired"]> = async (ctx) => {
  const now = new Date();
  await ctx.db.delete(loginCodes).where(or(lt(loginCodes.expiresAt, now), isNotNull(loginCodes.usedAt)));
  const monthAgo = new Date(now.getTime() - 30 * 86_400_000);
  await ctx.db
    .delete(apiTokens)
    .where(
      or(
        lt(apiTokens.expiresAt, monthAgo),
        and(isNotNull(apiTokens.revokedAt), lt(apiTokens.revokedAt, monthAgo)),
      ),
    );
  await purgeSignInFailures(ctx.db, now.getTime());
};
