// Finds the CRM records behind email addresses: the one lookup mail logging, event attendees and the
// sidebars' context share. Only records the user may see are returned.
import { and, inArray, isNull } from "drizzle-orm";
import { normalizeEmail } from "../../shared/text.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies, leads, persons, type RecordType, recordEmails } from "../db/schema.js";
import { visibleTo } from "./access.js";

export interface MatchedRecord {
  type: RecordType;
  id: string;
}

/** Precedence when one address belongs to several records: a person, then a lead, then a company. */
const order: Record<RecordType, number> = { person: 0, lead: 1, company: 2 };

export async function matchAddresses(
  db: Tx,
  user: Pick<AuthUser, "id" | "role">,
  addresses: string[],
): Promise<Map<string, MatchedRecord[]>> {
  const wanted = [...new Set(addresses.map(normalizeEmail))];
  const out = new Map<string, MatchedRecord[]>();
  if (!wanted.length) return out;
  const rows = await db
    .select({ email: recordEmails.email, type: recordEmails.recordType, id: recordEmails.recordId })
    .from(recordEmails)
    .where(inArray(recordEmails.email, wanted));
  if (!rows.length) return out;
  const idsOf = (t: RecordType) => rows.filter((r) => r.type === t).map((r) => r.id);
  const visible = new Set<string>();
  const [p, l, c] = [idsOf("person"), idsOf("lead"), idsOf("company")];
  if (p.length)
    for (const r of await db
      .select({ id: persons.id })
      .from(persons)
      .where(and(inArray(persons.id, p), isNull(persons.mergedInto), visibleTo(user, "person", persons))))
      visible.add(r.id);
  if (l.length)
    for (const r of await db
      .select({ id: leads.id })
      .from(leads)
      .where(and(inArray(leads.id, l), visibleTo(user, "lead", leads))))
      visible.add(r.id);
  if (c.length)
    for (const r of await db
      .select({ id: companies.id })
      .from(companies)
      .where(and(inArray(companies.id, c), visibleTo(user, "company", companies))))
      visible.add(r.id);
  for (const r of rows) {
    if (!visible.has(r.id)) continue;
    out.set(r.email, [...(out.get(r.email) ?? []), { type: r.type, id: r.id }]);
  }
  for (const list of out.values())
    list.sort((a, b) => order[a.type] - order[b.type] || a.id.localeCompare(b.id));
  return out;
}

export async function matchOne(db: Tx, user: Pick<AuthUser, "id" | "role">, address: string) {
  return (await matchAddresses(db, user, [address])).get(normalizeEmail(address))?.[0] ?? null;
}
