// The addresses of a record live in record_emails (lower-cased, ordered), where matching looks them up.
import { and, asc, eq, inArray } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import type { Tx } from "../db/index.js";
import { type RecordType, recordEmails } from "../db/schema.js";

export async function setRecordEmails(db: Tx, type: RecordType, id: string, emails: string[]): Promise<void> {
  const unique = [...new Set(emails.map(normalizeEmail))];
  await db.delete(recordEmails).where(and(eq(recordEmails.recordType, type), eq(recordEmails.recordId, id)));
  if (unique.length)
    await db
      .insert(recordEmails)
      .values(unique.map((email, position) => ({ recordType: type, recordId: id, email, position })));
}

export async function emailsOf(db: Tx, type: RecordType, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!ids.length) return out;
  const rows = await db
    .select()
    .from(recordEmails)
    .where(and(eq(recordEmails.recordType, type), inArray(recordEmails.recordId, ids)))
    .orderBy(asc(recordEmails.position));
  for (const r of rows) out.set(r.recordId, [...(out.get(r.recordId) ?? []), r.email]);
  return out;
}
