// The periodic look at every connection (queue `sync.tick`): new connections get their state (that is
// how a first sync starts), stuck steps are freed, connections whose credentials changed since an
// auth failure are released, and a step is queued for each connection that is due. It is also the
// polling fallback of push: an up-to-date connection is due again after CONCILIA_SYNC_POLL_SECONDS.
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { connections, syncStates } from "../db/schema.js";
import { syncLag } from "../metrics.js";
import { credentialsVersion } from "./credentials.js";
import { ROUTINE, URGENT } from "./priority.js";
import { applyEvent, ensureStates, syncPolicy } from "./state-machine.js";
import { freeOrphanedSteps, freeStuckSteps } from "./watchdog.js";

/** At most this many steps are queued per tick; the rest are due at the next one. */
const MAX_QUEUED_PER_TICK = 1000;

export interface TickReport {
  created: number;
  freed: string[];
  queued: string[];
}

export async function tick(ctx: AppContext, now = new Date()): Promise<TickReport> {
  const policy = syncPolicy(ctx.config);
  const created = await ensureStates(ctx.db, now);
  const freed = [
    ...(await freeStuckSteps(ctx.db, policy, ctx.config.CONCILIA_SYNC_STUCK_SECONDS, now)),
    ...(await freeOrphanedSteps(ctx, policy, now)),
  ];
  const waiting = await ctx.db
    .select({ id: syncStates.connectionId })
    .from(syncStates)
    .where(eq(syncStates.status, "reconnect_needed"));
  // Released by new credentials: the user has just reconnected and waits for the sync.
  const reconnected: string[] = [];
  for (const { id } of waiting) {
    const after = await applyEvent(
      ctx.db,
      id,
      { type: "credentials-changed", secretVersion: await credentialsVersion(ctx.db, id) },
      policy,
      now,
    );
    if (after && after.status !== "reconnect_needed") reconnected.push(id);
  }
  const due = await dueConnections(ctx, now);
  await queueSteps(ctx, due, [...freed, ...reconnected]);
  await measureLag(ctx, now);
  return { created, freed, queued: due };
}

/**
 * Queues a step of each connection; the `urgent` ones (freed from a dead worker, just reconnected) go
 * before the routine polls (priority.ts).
 */
export async function queueSteps(ctx: AppContext, connectionIds: string[], urgent: string[]) {
  if (!connectionIds.length) return;
  // In one statement: sent one by one, a nice-10 worker held each key's new row until its last send, and
  // every push handler and step queueing one of those keys waited for it.
  await ctx.db.transaction((tx) =>
    ctx.jobs.sendMany(
      tx,
      "sync.step",
      connectionIds.map((connectionId) => ({
        data: { connectionId },
        priority: urgent.includes(connectionId) ? URGENT : ROUTINE,
      })),
    ),
  );
}

/** Connections whose next step is due and that no step holds, optionally of some connections only. */
export async function dueConnections(ctx: AppContext, now: Date, among?: string[]): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: syncStates.connectionId })
    .from(syncStates)
    .where(
      and(
        lte(syncStates.nextRunAt, now),
        isNull(syncStates.stepStartedAt),
        inArray(syncStates.status, ["syncing", "up_to_date"]),
        among ? inArray(syncStates.connectionId, among) : undefined,
      ),
    )
    .orderBy(syncStates.nextRunAt)
    .limit(MAX_QUEUED_PER_TICK);
  return rows.map((r) => r.id);
}

async function measureLag(ctx: AppContext, now: Date) {
  const rows = await ctx.db
    .select({
      provider: connections.provider,
      oldest: sql<string | Date | null>`min(coalesce(${syncStates.lastSyncedAt}, ${connections.createdAt}))`,
    })
    .from(syncStates)
    .innerJoin(connections, eq(connections.id, syncStates.connectionId))
    .where(inArray(syncStates.status, ["syncing", "up_to_date"]))
    .groupBy(connections.provider);
  syncLag.reset();
  for (const r of rows)
    if (r.oldest)
      syncLag.set(
        { provider: r.provider },
        Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000),
      );
}
