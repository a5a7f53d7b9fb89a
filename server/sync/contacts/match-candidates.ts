// The CRM persons a new Exchange contact could be (R-X-10), read for the pure matcher
// (reconcile/contacts-match.ts): visible persons sharing an address, the name, or a phone's digits.
import { and, eq, inArray, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { fold } from "../../../shared/text.js";
import type { AuthUser } from "../../auth/user.js";
import { personVisible } from "../../crm/persons.js";
import type { Tx } from "../../db/index.js";
import { companies, contactLinks, persons, recordEmails } from "../../db/schema.js";
import { type MatchCandidate, phoneKey } from "../../reconcile/contacts-match.js";
import type { ContactFields } from "../../reconcile/contacts-types.js";

export async function matchCandidates(
  tx: Tx,
  owner: AuthUser,
  connectionId: string,
  contact: ContactFields,
): Promise<MatchCandidate[]> {
  const query = candidateQuery(tx, owner, connectionId, contact);
  if (!query) return [];
  const rows = await query;
  const addresses = new Map<string, string[]>();
  if (rows.length) {
    const found = await tx
      .select({ id: recordEmails.recordId, email: recordEmails.email })
      .from(recordEmails)
      .where(
        and(
          eq(recordEmails.recordType, "person"),
          inArray(
            recordEmails.recordId,
            rows.map((r) => r.id),
          ),
        ),
      );
    for (const f of found) addresses.set(f.id, [...(addresses.get(f.id) ?? []), f.email]);
  }
  return rows.map((r) => ({
    personId: r.id,
    emails: addresses.get(r.id) ?? [],
    givenName: r.firstName,
    surname: r.lastName,
    companyName: r.companyName,
    phones: [...r.phones, ...(r.mobilePhone ? [r.mobilePhone] : [])],
    linked: r.linked,
  }));
}

/**
 * The visible persons sharing an address, the name or a phone with the contact; null when the contact has
 * none of them. Each way of matching is its own branch of a UNION, so each finds its ids through its own
 * index (record_emails, the trigram index of search_text); OR-ed in one WHERE with the address's
 * sub-select they could not, and every new contact read the whole persons table.
 */
export function candidateQuery(tx: Tx, owner: AuthUser, connectionId: string, contact: ContactFields) {
  const emails = contact.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  const phones = [...contact.businessPhones, contact.mobilePhone ?? ""]
    .map(phoneKey)
    .filter((k) => k.length >= 6);
  const given = fold(contact.givenName.trim());
  const surname = fold(contact.surname.trim());
  const branches: SQLWrapper[] = [];
  if (emails.length)
    branches.push(
      tx
        .select({ id: recordEmails.recordId })
        .from(recordEmails)
        .where(and(eq(recordEmails.recordType, "person"), inArray(recordEmails.email, emails))),
    );
  // search_text holds the folded names and each phone's digits: a LIKE finds both.
  const personsWhere = (cond: SQL) => tx.select({ id: persons.id }).from(persons).where(cond);
  if (given && surname)
    branches.push(
      personsWhere(
        sql`${persons.searchText} like ${`%${given}%`} and ${persons.searchText} like ${`%${surname}%`}`,
      ),
    );
  for (const p of phones) branches.push(personsWhere(sql`${persons.searchText} like ${`%${p}%`}`));
  if (!branches.length) return null;
  return tx
    .select({
      id: persons.id,
      firstName: persons.firstName,
      lastName: persons.lastName,
      phones: persons.phones,
      mobilePhone: persons.mobilePhone,
      companyName: companies.name,
      linked: sql<boolean>`exists (select 1 from ${contactLinks} where ${contactLinks.connectionId} = ${connectionId}
        and ${contactLinks.personId} = ${persons.id} and ${contactLinks.state} = 'linked')`,
    })
    .from(persons)
    .leftJoin(companies, eq(companies.id, persons.companyId))
    .where(
      and(
        personVisible(owner),
        sql`${persons.id} in (${sql.join(
          branches.map((b) => sql`${b}`),
          sql` union `,
        )})`,
      ),
    )
    .limit(50);
}
