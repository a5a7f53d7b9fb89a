// A provider's push says only "something changed in this account": it becomes a sync step of the
// connection, queued at once. The `sync.step` queue is keyed by connection, so a burst of pushes (or a
// push during a step) adds at most one more step. Gmail names the account's address; Graph names the
// subscription and a Google Calendar channel its connection, which the push routes already resolved.
import { and, eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { connections } from "../db/schema.js";
import type { PushChange } from "../providers/push-hooks.js";
import { queueSync } from "./trigger.js";

async function connectionsOf(ctx: AppContext, change: PushChange): Promise<string[]> {
  if (change.provider === "microsoft" || change.provider === "google-calendar") return [change.connectionId];
  const rows = await ctx.db
    .select({ id: connections.id })
    .from(connections)
    .where(
      and(eq(connections.provider, "google"), eq(connections.accountAddress, change.account.toLowerCase())),
    );
  return rows.map((r) => r.id);
}

/** Makes `ctx.push.onChange` queue a sync step, after what it did before (the recording). */
export function syncOnPush(ctx: AppContext): void {
  const before = ctx.push.onChange.bind(ctx.push);
  ctx.push.onChange = async (change) => {
    await before(change);
    const ids = await connectionsOf(ctx, change);
    await ctx.db.transaction(async (tx) => {
      for (const id of ids) await queueSync(ctx, tx, id);
    });
  };
}
