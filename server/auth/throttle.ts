// Slows password guessing: after a few failed sign-ins for one address from one client, that pair is
// refused for a while. The count lives in the database, so several server processes share it and a
// restart does not reset it.
import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { signInFailures } from "../db/schema.js";

export interface Throttle {
  /** Milliseconds until the key may try again, or 0. */
  blockedFor(key: string): Promise<number>;
  fail(key: string): Promise<void>;
  succeed(key: string): Promise<void>;
}

export interface ThrottleOptions {
  maxFailures?: number;
  /** Failures older than this are forgotten. */
  windowMs?: number;
  lockMs?: number;
  now?: () => number;
}

const WINDOW_MS = 15 * 60 * 1000;
const LOCK_MS = 15 * 60 * 1000;
const hashKey = (key: string) => createHash("sha256").update(key).digest("hex");
/** A point in time as an SQL value: both engines take the ISO text the same way. */
const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

export function failureThrottle(db: Tx, opts: ThrottleOptions = {}): Throttle {
  const maxFailures = opts.maxFailures ?? 5;
  const windowMs = opts.windowMs ?? WINDOW_MS;
  const lockMs = opts.lockMs ?? LOCK_MS;
  const now = opts.now ?? Date.now;
  const t = signInFailures;

  return {
    async blockedFor(key) {
      const [row] = await db
        .select({ lockedUntil: t.lockedUntil })
        .from(t)
        .where(eq(t.keyHash, hashKey(key)));
      return row?.lockedUntil ? Math.max(0, row.lockedUntil.getTime() - now()) : 0;
    },
    async fail(key) {
      const ms = now();
      const expired = sql`${t.since} < ${at(ms - windowMs)}`;
      // One atomic statement, so failures from several processes at once all count.
      await db
        .insert(t)
        .values({ keyHash: hashKey(key), failures: 1, since: new Date(ms) })
        .onConflictDoUpdate({
          target: t.keyHash,
          set: {
            failures: sql`case when ${expired} then 1 else ${t.failures} + 1 end`,
            since: sql`case when ${expired} then ${at(ms)} else ${t.since} end`,
          },
        });
      await db
        .update(t)
        .set({ failures: 0, since: new Date(ms), lockedUntil: new Date(ms + lockMs) })
        .where(sql`${t.keyHash} = ${hashKey(key)} and ${t.failures} >= ${maxFailures}`);
    },
    async succeed(key) {
      await db.delete(t).where(eq(t.keyHash, hashKey(key)));
    },
  };
}

/** Forgets failures that no longer count and locks that have ended (the hourly purge job). */
export async function purgeSignInFailures(db: Tx, nowMs = Date.now()): Promise<void> {
  const t = signInFailures;
  await db
    .delete(t)
    .where(
      sql`${t.since} < ${at(nowMs - WINDOW_MS)} and (${t.lockedUntil} is null or ${t.lockedUntil} < ${at(nowMs)})`,
    );
}
