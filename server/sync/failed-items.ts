// The dead-letter list: an item that fails while its cursor moves on is kept here with its reason,
// tried again at the next steps, and parked after CONCILIA_SYNC_ITEM_ATTEMPTS tries until the user asks
// to retry it (R-P-3, failure-modes §5: nothing is dropped while the status says healthy).
import { and, asc, count, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { runPrepared, textArray } from "../db/prepared.js";
import { syncFailedItems } from "../db/schema.js";
import type { SyncErrorKind } from "./errors.js";
import type { ChangedItem } from "./provider.js";

export type FailedItem = typeof syncFailedItems.$inferSelect;

/** Counts one more failed try of the item; parks it once it has used its tries. Answers true if parked. */
export async function recordItemFailure(
  tx: Tx,
  connectionId: string,
  scopeKey: string,
  item: ChangedItem,
  error: { kind: SyncErrorKind; reason: string },
  maxAttempts: number,
  now = new Date(),
  messageId: string | null = null,
): Promise<boolean> {
  // Items that need no reference to be fetched again (calendar items by id) have none: the column holds
  // JSON null then, which reads back as no reference; an SQL NULL would break the NOT NULL column.
  const itemRef = item.ref ?? sql`'null'::jsonb`;
  const [row] = await tx
    .insert(syncFailedItems)
    .values({
      connectionId,
      itemKey: item.key,
      scopeKey,
      itemRef,
      errorKind: error.kind,
      reason: error.reason,
      attempts: 1,
      firstFailedAt: now,
      lastFailedAt: now,
      parkedAt: maxAttempts <= 1 ? now : null,
      messageId,
    })
    .onConflictDoUpdate({
      target: [syncFailedItems.connectionId, syncFailedItems.itemKey],
      set: {
        scopeKey,
        itemRef,
        errorKind: error.kind,
        reason: error.reason,
        attempts: sql`${syncFailedItems.attempts} + 1`,
        lastFailedAt: now,
        ...(messageId ? { messageId } : {}),
        parkedAt: sql`case when ${syncFailedItems.attempts} + 1 >= ${maxAttempts} then ${now}::timestamptz else null end`,
      },
    })
    .returning({ parkedAt: syncFailedItems.parkedAt });
  return row.parkedAt !== null;
}

/** The items synced after all: they leave the list. One statement for a page's items. */
export async function clearItemFailures(tx: Tx, connectionId: string, itemKeys: string[]): Promise<void> {
  if (!itemKeys.length) return;
  await runPrepared(
    tx
      .delete(syncFailedItems)
      .where(
        and(
          eq(syncFailedItems.connectionId, connectionId),
          sql`${syncFailedItems.itemKey} = any(${textArray(itemKeys)})`,
        ),
      ),
  );
}

/** Failed items still to be tried again, oldest failure first. */
export async function pendingFailedItems(db: Tx, connectionId: string, limit: number): Promise<FailedItem[]> {
  return db
    .select()
    .from(syncFailedItems)
    .where(and(eq(syncFailedItems.connectionId, connectionId), isNull(syncFailedItems.parkedAt)))
    .orderBy(asc(syncFailedItems.lastFailedAt))
    .limit(limit);
}

export async function parkedCount(db: Tx, connectionId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(syncFailedItems)
    .where(and(eq(syncFailedItems.connectionId, connectionId), isNotNull(syncFailedItems.parkedAt)));
  return Number(row?.n ?? 0);
}

/** The user's "retry failed items": every parked item gets its tries back. Answers how many. */
export async function unparkFailedItems(tx: Tx, connectionId: string): Promise<number> {
  const rows = await tx
    .update(syncFailedItems)
    .set({ attempts: 0, parkedAt: null })
    .where(and(eq(syncFailedItems.connectionId, connectionId), isNotNull(syncFailedItems.parkedAt)))
    .returning({ key: syncFailedItems.itemKey });
  return rows.length;
}
