// Finds the CRM records behind email addresses, for mail logging and event attendees (the sidebars'
// context does the same inside its one statement, context-sql.ts, with the same access rule and
// precedence). Only records the user may see are returned, in the order of precedence.ts.
import { and, isNull, or, sql } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { runPrepared, textArray } from "../db/prepared.js";
import { companies, leads, persons, type RecordType, recordEmails } from "../db/schema.js";
import { visibleTo } from "./access.js";
import { precedenceOf } from "./precedence.js";

export interface MatchedRecord {
  type: RecordType;
  id: string;
}

export async function matchAddresses(
  db: Tx,
  user: Pick<AuthUser, "id" | "role">,
  addresses: string[],
): Promise<Map<string, MatchedRecord[]>> {
  const wanted = [...new Set(addresses.map(normalizeEmail))];
  const out = new Map<string, MatchedRecord[]>();
  if (!wanted.length) return out;
  // One round trip: the visibility of each matched record is checked in the same statement.
  const exists = (t: RecordType, table: typeof persons | typeof leads | typeof companies, extra = sql``) =>
    sql`(${recordEmails.recordType} = ${t} and exists (select 1 from ${table} where ${table.id} = ${recordEmails.recordId}${extra} and ${visibleTo(user, t, table)}))`;
  // Prepared (one text whatever the number of addresses): run for every synced message and event.
  const rows = await runPrepared(
    db
      .select({ email: recordEmails.email, type: recordEmails.recordType, id: recordEmails.recordId })
      .from(recordEmails)
      .where(
        and(
          sql`${recordEmails.email} = any(${textArray(wanted)})`,
          or(
            exists("person", persons, sql` and ${isNull(persons.mergedInto)}`),
            exists("lead", leads),
            exists("company", companies),
          ),
        ),
      ),
  );
  for (const r of rows) out.set(r.email, [...(out.get(r.email) ?? []), { type: r.type, id: r.id }]);
  for (const list of out.values())
    list.sort((a, b) => precedenceOf(a.type) - precedenceOf(b.type) || a.id.localeCompare(b.id));
  return out;
}

export async function matchOne(db: Tx, user: Pick<AuthUser, "id" | "role">, address: string) {
  return (await matchAddresses(db, user, [address])).get(normalizeEmail(address))?.[0] ?? null;
}
