// The sync status the sidebars show (shared/api/sync-status.ts) and the user's actions on a sync:
// pause, resume, retry failed items. Every look-up is scoped to the connection's owner (an admin may
// read any); the actions queue a step in the same transaction, so a resumed sync starts at once.
import { eq } from "drizzle-orm";
import type { ConnectionSyncStatus } from "../../shared/api/sync-status.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { connections } from "../db/schema.js";
import { parkedCount, unparkFailedItems } from "./failed-items.js";
import {
  applyEvent,
  ensureStates,
  readState,
  type SyncEvent,
  type SyncState,
  syncPolicy,
} from "./state-machine.js";

/** The connection if this user may see it (owner, or admin when only reading), else null. */
export async function visibleConnection(db: Tx, user: AuthUser, id: string, opts: { write: boolean }) {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  if (!row) return null;
  if (row.userId === user.id) return row;
  return !opts.write && user.role === "admin" ? row : null;
}

export function statusOf(connectionId: string, s: SyncState, failedItems: number): ConnectionSyncStatus {
  return {
    connectionId,
    status: s.status,
    stage: s.stage.name,
    progress: s.progress,
    lastSyncedAt: s.lastSyncedAt?.toISOString() ?? null,
    nextRunAt: s.nextRunAt.toISOString(),
    failedItems,
    lastError: s.lastError,
    skipped: s.skipCounts,
  };
}

export async function readSyncStatus(db: Tx, connectionId: string): Promise<ConnectionSyncStatus | null> {
  await ensureStates(db, new Date(), connectionId);
  const s = await readState(db, connectionId);
  return s && statusOf(connectionId, s, await parkedCount(db, connectionId));
}

/** Applies a user's action; answers the new status, or null when the connection is gone. */
export async function actOnSync(
  ctx: AppContext,
  connectionId: string,
  action: "pause" | "resume" | "retry-failed",
): Promise<{ status: ConnectionSyncStatus; requeued: number } | null> {
  return ctx.db.transaction(async (tx) => {
    await ensureStates(tx, new Date(), connectionId);
    const requeued = action === "retry-failed" ? await unparkFailedItems(tx, connectionId) : 0;
    const event: SyncEvent = { type: action };
    const s = await applyEvent(tx, connectionId, event, syncPolicy(ctx.config));
    if (!s) return null;
    if (action !== "pause") await ctx.jobs.send(tx, "sync.step", { connectionId });
    return { status: statusOf(connectionId, s, await parkedCount(tx, connectionId)), requeued };
  });
}
