// The CRM persons a new Exchange contact could be (R-X-10), read for the pure matcher
// (reconcile/contacts-match.ts): visible persons sharing an address, the name, or a phone's digits.
import { and, eq, inArray, or, sql } from "drizzle-orm";
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
  const emails = contact.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);
  const phones = [...contact.businessPhones, contact.mobilePhone ?? ""]
    .map(phoneKey)
    .filter((k) => k.length >= 6);
  const given = fold(contact.givenName.trim());
  const surname = fold(contact.surname.trim());
  const conds = [];
  if (emails.length)
    conds.push(
      inArray(
        persons.id,
        tx
          .select({ id: recordEmails.recordId })
          .from(recordEmails)
          .where(and(eq(recordEmails.recordType, "person"), inArray(recordEmails.email, emails))),
      ),
    );
  // search_text holds the folded names and each phone's digits: a LIKE finds both.
  if (given && surname)
    conds.push(
      sql`${persons.searchText} like ${`%${given}%`} and ${persons.searchText} like ${`%${surname}%`}`,
    );
  for (const p of phones) conds.push(sql`${persons.searchText} like ${`%${p}%`}`);
  if (!conds.length) return [];
  const rows = await tx
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
    .where(and(personVisible(owner), or(...conds)))
    .limit(50);
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
