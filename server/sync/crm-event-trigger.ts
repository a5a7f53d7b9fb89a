// A CRM event made, changed or deleted in Concilia is carried to the calendar by a sync step of the
// user's connections that sync calendars, queued at once in the same transaction, rather than at the
// connection's next poll (R-CAL-1, R-CAL-2, R-CAL-9). The `sync.step` queue is keyed by connection, so
// a burst of edits adds at most one more step each.
import { and, eq, ne } from "drizzle-orm";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { connections } from "../db/schema.js";
import { queueSync } from "./trigger.js";

export async function syncCalendarsOf(ctx: AppContext, tx: Tx, userId: string): Promise<void> {
  const rows = await tx
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.userId, userId), ne(connections.syncs, "email")));
  for (const { id } of rows) await queueSync(ctx, tx, id);
}
