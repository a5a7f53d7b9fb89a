// A step that holds its connection past CONCILIA_SYNC_STUCK_SECONDS (its worker died and the job's
// retries ran out, or it hangs) would keep the connection out of the tick forever (failure-modes §6,
// "stuck in ONGOING"). The watchdog frees it: the step counts as a temporary failure and the
// connection is due again, resuming from its saved cursors.
import { and, isNotNull, lt } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { syncStates } from "../db/schema.js";
import { applyEvent, type SyncPolicy } from "./state-machine.js";

export async function freeStuckSteps(db: Tx, policy: SyncPolicy, stuckSeconds: number, now = new Date()) {
  const limit = new Date(now.getTime() - stuckSeconds * 1000);
  const stuck = await db
    .select({ id: syncStates.connectionId })
    .from(syncStates)
    .where(and(isNotNull(syncStates.stepStartedAt), lt(syncStates.stepStartedAt, limit)));
  for (const { id } of stuck) await applyEvent(db, id, { type: "watchdog" }, policy, now);
  return stuck.map((s) => s.id);
}
