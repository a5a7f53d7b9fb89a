// Pending-create markers (contact_pending_creates): a create sent to Exchange whose outcome is not
// recorded yet. See outbound-create.ts for how they make creates exactly-once without a look-up each.
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { contactPendingCreates, type RecordType } from "../../db/schema.js";

/** Marks `ids` as about to be created; returns those that were marked already (an earlier try). */
export async function markPendingCreates(
  tx: Tx,
  connectionId: string,
  type: RecordType,
  ids: string[],
  folderId: string,
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const marked = new Set(
    (
      await tx
        .select({ id: contactPendingCreates.recordId })
        .from(contactPendingCreates)
        .where(
          and(
            eq(contactPendingCreates.connectionId, connectionId),
            eq(contactPendingCreates.recordType, type),
            inArray(contactPendingCreates.recordId, ids),
          ),
        )
    ).map((m) => m.id),
  );
  const fresh = ids.filter((id) => !marked.has(id));
  if (fresh.length)
    await tx
      .insert(contactPendingCreates)
      .values(fresh.map((recordId) => ({ connectionId, recordType: type, recordId, folderId })))
      .onConflictDoNothing();
  return marked;
}

/** Ends the marker of a record: its create's outcome is known (linked, or definitely refused). */
export async function clearPendingCreate(tx: Tx, connectionId: string, type: RecordType, recordId: string) {
  await tx
    .delete(contactPendingCreates)
    .where(
      and(
        eq(contactPendingCreates.connectionId, connectionId),
        eq(contactPendingCreates.recordType, type),
        eq(contactPendingCreates.recordId, recordId),
      ),
    );
}
