// Starting a sync now rather than at the next tick: for a connection just created (its first sync)
// and for a provider's push notification (Graph subscription, Google watch channel), which only says
// "something changed". Called inside the caller's transaction: the step exists only if it commits.
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { ROUTINE } from "./priority.js";
import { ensureStates } from "./state-machine.js";

/** `priority`: URGENT (priority.ts) for a step the user waits for, such as after a reconnect. */
export async function queueSync(
  ctx: AppContext,
  tx: Tx,
  connectionId: string,
  priority: number = ROUTINE,
): Promise<void> {
  await ensureStates(tx, new Date(), connectionId);
  await ctx.jobs.send(tx, "sync.step", { connectionId }, { priority });
}
