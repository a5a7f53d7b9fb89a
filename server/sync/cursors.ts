// Where each folder or calendar of a connection stands: the provider's opaque cursor per scope. A
// cursor is only written in the transaction that writes the items before it (step.ts).
import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { syncCursors } from "../db/schema.js";

const scopeOf = (connectionId: string, scopeKey: string) =>
  and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, scopeKey));

/** The scope's cursor, or null: nothing synced yet (or a rejected cursor), list from the start. */
export async function readCursor(db: Tx, connectionId: string, scopeKey: string): Promise<unknown> {
  const [row] = await db
    .select({ cursor: syncCursors.cursor })
    .from(syncCursors)
    .where(scopeOf(connectionId, scopeKey));
  return row?.cursor ?? null;
}

export async function saveCursor(
  tx: Tx,
  connectionId: string,
  scopeKey: string,
  cursor: unknown,
): Promise<void> {
  const now = new Date();
  await tx
    .insert(syncCursors)
    .values({ connectionId, scopeKey, cursor, updatedAt: now })
    .onConflictDoUpdate({
      target: [syncCursors.connectionId, syncCursors.scopeKey],
      set: { cursor, updatedAt: now },
    });
}

export async function deleteCursor(tx: Tx, connectionId: string, scopeKey: string): Promise<void> {
  await tx.delete(syncCursors).where(scopeOf(connectionId, scopeKey));
}
