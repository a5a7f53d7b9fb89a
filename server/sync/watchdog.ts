// A step that holds its connection past CONCILIA_SYNC_STUCK_SECONDS (its worker died and the job's
// retries ran out, or it hangs) would keep the connection out of the tick forever (failure-modes §6,
// "stuck in ONGOING"). The watchdog frees it: the step counts as a temporary failure and the
// connection is due again, resuming from its saved cursors.
import { and, eq, isNotNull, lt } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { rawSql, rowsOf, type Tx } from "../db/index.js";
import { syncStates } from "../db/schema.js";
import { cancelDeadJobs } from "../jobs/dead-jobs.js";
import { tryLockKey, unleasedKeys } from "../jobs/key-lock.js";
import { applyEvent, type SyncPolicy, syncPolicy } from "./state-machine.js";
import { dueConnections, queueSteps } from "./tick.js";

/** How long a job may be active without its lease before it counts as a dead worker's. */
const LEASELESS_GRACE_SECONDS = 3;

export async function freeStuckSteps(db: Tx, policy: SyncPolicy, stuckSeconds: number, now = new Date()) {
  const limit = new Date(now.getTime() - stuckSeconds * 1000);
  const stuck = await db
    .select({ id: syncStates.connectionId })
    .from(syncStates)
    .where(and(isNotNull(syncStates.stepStartedAt), lt(syncStates.stepStartedAt, limit)));
  for (const { id } of stuck) await applyEvent(db, id, { type: "watchdog" }, policy, now);
  return stuck.map((s) => s.id);
}

/**
 * Steps marked running whose lease no process holds: their worker died (PostgreSQL ends a dead worker's
 * lease with its connection; on the embedded database the lease dies with the one process). A step
 * takes its lease before it marks itself running and marks itself done before it lets go, so a free
 * lease under a running mark is a dead step, freed now rather than after CONCILIA_SYNC_STUCK_SECONDS:
 * a killed worker's connections resume at the next tick instead of waiting for its job to expire.
 */
export async function freeOrphanedSteps(ctx: AppContext, policy: SyncPolicy, now = new Date()) {
  const running = await ctx.db
    .select({ id: syncStates.connectionId })
    .from(syncStates)
    .where(isNotNull(syncStates.stepStartedAt));
  const freed: string[] = [];
  const ids = running.map((r) => r.id);
  for (const id of await unleasedKeys(ctx.database, "sync.step", ids)) {
    const lease = await tryLockKey(ctx.database, "sync.step", id);
    if (!lease) continue; // a live step holds it
    try {
      if (await freeUnlessWriting(ctx, id, policy, now)) {
        freed.push(id);
        // The step was marked running and nobody holds its lease: its job is dead however recent (a
        // live worker that fetched another job of the key just now finds the lease taken and defers).
        await cancelDeadJobs(ctx.db, "sync.step", id, 0);
      }
    } finally {
      await lease.release();
    }
  }
  return freed;
}

/**
 * Frees the step's mark, unless a page of it is being written right now (the page's transaction holds
 * the state row: a step whose lease was lost with its session runs on until its next page check). Waiting
 * for that page would hold the tick or the watchdog, connection after connection, for as long as each
 * page takes; just after PostgreSQL ended every session that is every running step at once. Skipped, the
 * step is freed by the next run (the watchdog's, seconds later), or has stopped by itself meanwhile.
 */
async function freeUnlessWriting(ctx: AppContext, id: string, policy: SyncPolicy, now: Date) {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: syncStates.connectionId })
      .from(syncStates)
      .where(eq(syncStates.connectionId, id))
      .for("update", { skipLocked: true });
    if (!row) return false;
    return (await applyEvent(tx, id, { type: "watchdog" }, policy, now)) !== null;
  });
}

/**
 * Connections whose `sync.step` job is active while no process holds its lease: a worker died between
 * taking the job and marking the step running, or after a step that ended with more to do and before
 * it queued the next one. Nothing marks them running, so `freeOrphanedSteps` does not see them, and
 * the next routine tick would queue them behind every poll. PostgreSQL only (pg-boss's table); a job
 * takes its lease right after it is fetched and lets it go just before it completes, hence the grace.
 */
export async function leaselessJobs(ctx: AppContext): Promise<string[]> {
  if (ctx.database.kind !== "postgres") return [];
  const rows = rowsOf<{ id: string }>(
    await ctx.db.execute(
      rawSql(
        `select distinct singleton_key as id from pgboss.job
          where name = 'sync.step' and state = 'active' and singleton_key is not null
            and started_on < now() - make_interval(secs => $1)`,
        [LEASELESS_GRACE_SECONDS],
      ),
    ),
  );
  const dead: string[] = [];
  const keys = rows.map((r) => r.id);
  for (const id of await unleasedKeys(ctx.database, "sync.step", keys)) {
    const lease = await tryLockKey(ctx.database, "sync.step", id);
    if (!lease) continue; // a live step holds it
    try {
      if (await cancelDeadJobs(ctx.db, "sync.step", id, LEASELESS_GRACE_SECONDS)) dead.push(id);
    } finally {
      await lease.release();
    }
  }
  return dead;
}

/**
 * The dead workers' steps, freed and queued again at once (queue `sync.watchdog`, every few seconds):
 * without it they wait for the next tick. The dead worker's own job is cancelled as its step is freed
 * (dead-jobs.ts): left 'active' until its expiry, it came back as a retry later and ran one more step,
 * ahead of routine polls and of other connections' recoveries.
 */
export async function recoverOrphanedSteps(ctx: AppContext, now = new Date()) {
  const freed = await freeOrphanedSteps(ctx, syncPolicy(ctx.config), now);
  // Queued before anything else is looked at: on a busy worker the look below takes a while.
  if (freed.length) await queueSteps(ctx, await dueConnections(ctx, now, freed), freed);
  // A dead worker's connection that was between steps goes before the routine polls too.
  const between = (await leaselessJobs(ctx)).filter((id) => !freed.includes(id));
  if (between.length) await queueSteps(ctx, await dueConnections(ctx, new Date(), between), between);
  return freed;
}
