// What each job does. Handlers are idempotent: a job may run again after a worker dies mid-way.
import { and, isNotNull, lt, or } from "drizzle-orm";
import { purgeSignInFailures } from "../auth/throttle.js";
import { apiTokens, loginCodes } from "../db/schema.js";
import { collectBlobs } from "../mail/blobs.js";
import type { JobHandler, JobName } from "./queue.js";

const collect: JobHandler<"blobs.collect"> = async (ctx, { sha256 }) => {
  await collectBlobs(ctx.db, ctx.blobs, sha256);
};

const purgeExpired: JobHandler<"auth.purge-expired"> = async (ctx) => {
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

export const handlers: { [N in JobName]: JobHandler<N> } = {
  "blobs.collect": collect,
  "auth.purge-expired": purgeExpired,
};

/** Jobs that run on a schedule (cron, UTC). */
export const schedules: { name: JobName; cron: string }[] = [
  { name: "auth.purge-expired", cron: "17 * * * *" },
];
