// One sync step of one connection: short (a bounded number of items and its job's time budget) and
// resumable. Each page of changes is fetched outside any transaction, then its items and the cursor
// after them commit in ONE transaction: a crash before the commit redoes the page (the writer is
// idempotent), a crash after it never repeats it. An item that fails is recorded (failed-items.ts)
// while the cursor moves on, so nothing is skipped silently. A step whose lease was lost (PostgreSQL
// ended the lease's session) and whose mark the watchdog then freed for another step commits nothing
// more: each page's transaction first checks, row-locked, that the running mark is still its own.
import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { connections, syncStates } from "../db/schema.js";
import { syncErrors, syncItems, syncThrottleWait } from "../metrics.js";
import { classify } from "./classify.js";
import { credentialsVersion } from "./credentials.js";
import { deleteCursor, readCursor, saveCursor } from "./cursors.js";
import { SyncError } from "./errors.js";
import { clearItemFailures, pendingFailedItems, recordItemFailure } from "./failed-items.js";
import {
  type ChangedItem,
  type FetchedItem,
  type ProviderSession,
  providerNamed,
  type SyncScope,
  type WriteOutcome,
} from "./provider.js";
import {
  applyEvent,
  ensureStates,
  isBlocked,
  readState,
  type SyncEvent,
  syncPolicy,
} from "./state-machine.js";

/**
 * What a step did: "more" (call again now), "idle" (up to date), "waiting" (failed, tried again later),
 * "blocked" (paused, reconnect needed, failed), "gone" (no such connection).
 */
export interface StepReport {
  result: "more" | "idle" | "waiting" | "blocked" | "gone";
  stored: number;
  skipped: number;
  failed: number;
  error?: { kind: string; reason: string };
}

/**
 * This step's running mark is no longer on the connection: the watchdog freed it (its lease was gone)
 * and another step may be running. It stops without writing, and leaves the state to that step.
 */
class StepSuperseded extends Error {}

/** The skip reason of an item the provider no longer has when it is fetched. */
export const DELETED = "deleted at the provider";

interface Tally {
  stored: number;
  skipped: number;
  failed: number;
  parked: number;
  skips: Record<string, number>;
}

export async function runStep(
  ctx: AppContext,
  connectionId: string,
  signal: AbortSignal,
): Promise<StepReport> {
  const policy = syncPolicy(ctx.config);
  const apply = (db: Tx, event: SyncEvent) => applyEvent(db, connectionId, event, policy);
  const tally: Tally = { stored: 0, skipped: 0, failed: 0, parked: 0, skips: {} };
  const report = (result: StepReport["result"], error?: StepReport["error"]): StepReport => ({
    result,
    stored: tally.stored,
    skipped: tally.skipped,
    failed: tally.failed,
    ...(error ? { error } : {}),
  });

  const [connection] = await ctx.db.select().from(connections).where(eq(connections.id, connectionId));
  if (!connection) return report("gone");
  await ensureStates(ctx.db, new Date(), connectionId);
  let state = await readState(ctx.db, connectionId);
  if (state?.status === "reconnect_needed")
    state = await apply(ctx.db, {
      type: "credentials-changed",
      secretVersion: await credentialsVersion(ctx.db, connectionId),
    });
  if (!state) return report("gone");
  if (isBlocked(state)) return report("blocked");
  const mark = (await apply(ctx.db, { type: "step-started" }))?.stepStartedAt?.getTime() ?? null;
  // The credentials this step uses. A refusal counts against them, not against a reconnect the user made
  // while the step ran (read at the failure, that newer version stayed "reconnect needed" for ever).
  const credentials = await credentialsVersion(ctx.db, connectionId);
  const ours = (startedAt: Date | null) => startedAt?.getTime() === mark;

  const provider = providerNamed(connection.provider);
  let session: ProviderSession | undefined;
  try {
    if (!provider)
      throw new SyncError("unknown", `This server has no sync adapter for ${connection.provider} accounts.`);
    session = await provider.open({
      connection,
      config: ctx.config,
      db: ctx.db,
      secrets: ctx.secrets,
      log: ctx.log,
      signal,
      app: ctx,
    });
    const page = new PageWriter(ctx, connectionId, connection.provider, session, tally, ours);
    const scopes = await session.listScopes();
    await page.retryFailedItems(scopes);
    let budget = ctx.config.CONCILIA_SYNC_STEP_ITEMS;
    let more = false;
    listing: for (const scope of scopes) {
      for (;;) {
        if (signal.aborted || budget <= 0) {
          more = true;
          break listing;
        }
        const now = await readState(ctx.db, connectionId);
        if (!now) return report("gone");
        if (!ours(now.stepStartedAt)) throw new StepSuperseded();
        if (now.status === "paused") {
          await apply(ctx.db, { type: "step-finished", more: true });
          return report("blocked");
        }
        const cursor = await readCursor(ctx.db, connectionId, scope.key);
        const limit = Math.min(budget, ctx.config.CONCILIA_SYNC_BATCH_SIZE);
        const listed = await listOrRestart(ctx, connectionId, session, scope, cursor, limit);
        if (listed === "restart") continue;
        if (listed === "gone") break;
        budget -= Math.max(1, listed.items.length);
        await page.write(scope, listed.items, listed.cursor);
        if (!listed.more) break;
      }
    }
    await apply(ctx.db, { type: "step-finished", more });
    return report(more ? "more" : "idle");
  } catch (err) {
    if (err instanceof StepSuperseded) {
      ctx.log.warn({ connection: connectionId }, "sync step stopped: another step took the connection over");
      return report("more");
    }
    // Stopped from outside (the worker shuts down, the job was taken back): what committed stays.
    if (signal.aborted) {
      await apply(ctx.db, { type: "step-finished", more: true });
      return report("more");
    }
    const c = classify(err);
    syncErrors.inc({ provider: connection.provider, kind: c.kind });
    if (c.kind === "throttled" && c.retryAfterMs)
      syncThrottleWait.inc({ provider: connection.provider }, c.retryAfterMs / 1000);
    if (c.kind === "not-found")
      ctx.log.info({ connection: connectionId }, "sync stopped: the account is gone");
    else
      ctx.log.warn(
        { connection: connectionId, kind: c.kind, reason: c.reason, ...whereFrom(err) },
        "sync step failed",
      );
    const secretVersion = c.kind === "auth" ? credentials : undefined;
    const after = await apply(ctx.db, { type: "failed", ...c, secretVersion });
    return report(after && isBlocked(after) ? "blocked" : "waiting", { kind: c.kind, reason: c.reason });
  } finally {
    await session?.close?.().catch(() => {});
  }
}

/**
 * Where an unexpected error came from, for operators: its class and stack frames, never its message
 * or properties (a driver's error may quote the values it was given: a message, a token).
 */
function whereFrom(err: unknown) {
  if (err instanceof SyncError || !(err instanceof Error)) return {};
  const frames = (err.stack ?? "").split("\n").filter((l) => /^\s+at /.test(l));
  return { errorClass: err.name, stack: frames.slice(0, 8).join("\n") };
}

/**
 * Lists a page. A rejected cursor is dropped together with entering the re-sync stage, and the scope is
 * listed again from the start ("restart"); the writer's idempotence keeps the re-sync free of duplicates.
 */
async function listOrRestart(
  ctx: AppContext,
  connectionId: string,
  session: ProviderSession,
  scope: SyncScope,
  cursor: unknown,
  limit: number,
) {
  try {
    return await session.listChanges(scope, cursor, limit);
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    // A folder deleted at the provider: forget where it stood; the others go on.
    if (err.kind === "not-found") {
      ctx.log.info(
        { connection: connectionId, scope: scope.key },
        "the folder is gone: its cursor is dropped",
      );
      await ctx.db.transaction((tx) => deleteCursor(tx, connectionId, scope.key));
      return "gone" as const;
    }
    if (err.kind !== "cursor-rejected") throw err;
    // Rejected without a cursor means the provider cannot list the scope at all: counted as a failure.
    if (cursor === null)
      throw new SyncError("unknown", `The provider refused to list ${scope.key} from the start.`);
    ctx.log.info({ connection: connectionId, scope: scope.key }, "cursor rejected: re-syncing the scope");
    await ctx.db.transaction(async (tx) => {
      await deleteCursor(tx, connectionId, scope.key);
      await applyEvent(tx, connectionId, { type: "cursor-rejected" }, syncPolicy(ctx.config));
    });
    return "restart" as const;
  }
}

/** Writes pages of items with their cursor, one transaction each, and keeps the tally. */
class PageWriter {
  constructor(
    private readonly ctx: AppContext,
    private readonly connectionId: string,
    private readonly provider: string,
    private readonly session: ProviderSession,
    private readonly tally: Tally,
    /** Whether a running mark is this step's own (the fence of each page). */
    private readonly ours: (startedAt: Date | null) => boolean,
  ) {}

  /** Items of the dead-letter list not yet parked get another try, before new changes. */
  async retryFailedItems(scopes: SyncScope[]) {
    const rows = await pendingFailedItems(
      this.ctx.db,
      this.connectionId,
      this.ctx.config.CONCILIA_SYNC_BATCH_SIZE,
    );
    for (const scope of scopes) {
      const mine = rows.filter((r) => r.scopeKey === scope.key);
      if (mine.length === 0) continue;
      const items = mine.map((r) => ({ key: r.itemKey, ...(r.itemRef === null ? {} : { ref: r.itemRef }) }));
      await this.writeItems(scope, items, null);
    }
  }

  write(scope: SyncScope, items: ChangedItem[], cursor: unknown) {
    return this.writeItems(scope, items, { cursor });
  }

  private async writeItems(scope: SyncScope, items: ChangedItem[], after: { cursor: unknown } | null) {
    const { ctx, connectionId, session } = this;
    const fetched = items.length ? await session.fetch(scope, items) : [];
    const byKey = new Map(fetched.map((f) => [f.key, f]));
    const policy = syncPolicy(ctx.config);
    const page: Tally = { stored: 0, skipped: 0, failed: 0, parked: 0, skips: {} };
    await ctx.db.transaction(async (tx) => {
      // Row-locked: the watchdog cannot free this step's mark between this check and the commit.
      const [mark] = await tx
        .select({ startedAt: syncStates.stepStartedAt })
        .from(syncStates)
        .where(eq(syncStates.connectionId, connectionId))
        .for("update");
      if (!mark || !this.ours(mark.startedAt)) throw new StepSuperseded();
      // Stored or skipped items leave the dead-letter list in one statement at the end of the page.
      const cleared = new Set<string>();
      for (const item of items) {
        const got: FetchedItem = byKey.get(item.key) ?? {
          ...item,
          error: new SyncError("temporary", "The provider did not return this item."),
        };
        const outcome = await this.writeOne(tx, got);
        if ("error" in outcome) {
          // A key seen twice in a page: its earlier success is cleared first, in the order it happened.
          if (cleared.delete(item.key)) await clearItemFailures(tx, connectionId, [item.key]);
          const parked = await recordItemFailure(
            tx,
            connectionId,
            scope.key,
            item,
            classify(outcome.error),
            ctx.config.CONCILIA_SYNC_ITEM_ATTEMPTS,
            new Date(),
            "raw" in got ? (session.identify?.(got) ?? null) : null,
          );
          page.failed++;
          if (parked) page.parked++;
          continue;
        }
        cleared.add(item.key);
        if ("stored" in outcome) page.stored++;
        else {
          page.skipped++;
          page.skips[outcome.skipped] = (page.skips[outcome.skipped] ?? 0) + 1;
        }
      }
      await clearItemFailures(tx, connectionId, [...cleared]);
      if (after) await saveCursor(tx, connectionId, scope.key, after.cursor);
      // Progress of a first sync or re-sync (the state keeps none otherwise): a failed item is found, not done.
      const found = after ? items.length : 0;
      const done = page.stored + page.skipped;
      await applyEvent(tx, connectionId, { type: "progress", found, done, skipped: page.skips }, policy);
    });
    // Counted once committed: a rolled-back page is written again and counted then.
    for (const k of ["stored", "skipped", "failed", "parked"] as const) {
      this.tally[k] += page[k];
      if (page[k]) syncItems.inc({ provider: this.provider, outcome: k }, page[k]);
    }
    for (const [r, n] of Object.entries(page.skips)) this.tally.skips[r] = (this.tally.skips[r] ?? 0) + n;
  }

  /** One item in a savepoint: its failure rolls back only its own writes. */
  private async writeOne(tx: Tx, item: FetchedItem): Promise<WriteOutcome | { error: Error }> {
    // Deleted between the listing and the fetch: nothing left to sync, and nothing to retry.
    if ("error" in item && item.error instanceof SyncError && item.error.kind === "not-found")
      return { skipped: DELETED };
    if ("error" in item) return { error: item.error };
    try {
      return await tx.transaction((sp) => this.session.write(sp, item));
    } catch (err) {
      return { error: err as Error };
    }
  }
}
