// Pending-create markers (contact_pending_creates): a create sent to Exchange whose outcome is not
// recorded yet. See outbound-create.ts for how they make creates exactly-once without a look-up each.
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { contactPendingCreates, type RecordType } from "../../db/schema.js";

/** Which of `ids` have a marker: an earlier create of theirs may have been made without our knowing. */
export async function pendingCreatesAmong(
  tx: Tx,
  connectionId: string,
  type: RecordType,
  ids: string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await tx
    .select({ id: contactPendingCreates.recordId })
    .from(contactPendingCreates)
    .where(
      and(
        eq(contactPendingCreates.connectionId, connectionId),
        eq(contactPendingCreates.recordType, type),
        inArray(contactPendingCreates.recordId, ids),
      ),
    );
  return new Set(rows.map((r) => r.id));
}

/** Marks a record's create as sent, before the request goes out. */
export async function markPendingCreate(
  tx: Tx,
  connectionId: string,
  type: RecordType,
  recordId: string,
  folderId: string,
): Promise<void> {
  await tx
    .insert(contactPendingCreates)
    .values({ connectionId, recordType: type, recordId, folderId })
    .onConflictDoNothing();
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
