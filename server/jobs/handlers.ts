// What each job does. Handlers are idempotent: a job may run again after a worker dies mid-way.
import { and, isNotNull, lt, or } from "drizzle-orm";
import { purgeSignInFailures } from "../auth/throttle.js";
import { apiTokens, loginCodes, oauthStates } from "../db/schema.js";
import { collectBlobs as collectUnusedBlobs } from "../mail/blobs.js";
import { purgeExpiredOwnRemovals } from "../providers/graph/calendar-own-removals.js";
import type { JobHandler, JobPayloads } from "./queue.js";

export const collectBlobs: JobHandler<JobPayloads["blobs.collect"]> = async (ctx, { sha256 }) => {
  await collectUnusedBlobs(ctx.db, ctx.blobs, sha256);
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
  // OAuth sign-ins for connections that were never finished.
  await ctx.db.delete(oauthStates).where(lt(oauthStates.expiresAt, now));
  // Outlook deletes of ours past their keeping, of connections that wrote none since.
  await purgeExpiredOwnRemovals(ctx.db);
};
