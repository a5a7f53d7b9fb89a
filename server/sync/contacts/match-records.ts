// R-X-10 for every kind: which CRM record a new Exchange contact is, so that it merges instead of
// duplicating. Persons and leads: same email first, then same name and company, or same phone (the pure
// matcher, reconcile/contacts-match.ts). Companies: same email, then the same name (case and accents
// aside). A record already linked to another contact of the mailbox is not matched (R-X-9).
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { fold } from "../../../shared/text.js";
import type { AuthUser } from "../../auth/user.js";
import { companyVisible } from "../../crm/companies.js";
import { leadVisible } from "../../crm/leads.js";
import type { Tx } from "../../db/index.js";
import { companies, contactLinks, leads, type RecordType, recordEmails } from "../../db/schema.js";
import { matchContact, phoneKey } from "../../reconcile/contacts-match.js";
import type { ContactFields } from "../../reconcile/contacts-types.js";
import { companyNameOf } from "./crm-company.js";
import { matchCandidates } from "./match-candidates.js";

const emailsOfContact = (c: ContactFields) => c.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);

const unlinked = (connectionId: string, column: AnyPgColumn, id: AnyPgColumn) =>
  sql<boolean>`not exists (select 1 from ${contactLinks} where ${contactLinks.connectionId} = ${connectionId}
    and ${column} = ${id} and ${contactLinks.state} = 'linked')`;

async function matchCompany(
  tx: Tx,
  owner: AuthUser,
  connectionId: string,
  contact: ContactFields,
  displayName?: string,
): Promise<string | null> {
  const emails = emailsOfContact(contact);
  const free = and(companyVisible(owner), unlinked(connectionId, contactLinks.companyId, companies.id));
  if (emails.length) {
    const [byEmail] = await tx
      .select({ id: companies.id })
      .from(companies)
      .where(
        and(
          free,
          inArray(
            companies.id,
            tx
              .select({ id: recordEmails.recordId })
              .from(recordEmails)
              .where(and(eq(recordEmails.recordType, "company"), inArray(recordEmails.email, emails))),
          ),
        ),
      )
      .orderBy(companies.id)
      .limit(1);
    if (byEmail) return byEmail.id;
  }
  const name = fold(companyNameOf(contact, displayName));
  if (!name) return null;
  // search_text starts with the folded name: a LIKE narrows, the exact comparison decides.
  const rows = await tx
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(and(free, sql`${companies.searchText} like ${`%${name}%`}`))
    .orderBy(companies.id)
    .limit(50);
  return rows.find((r) => fold(r.name) === name)?.id ?? null;
}

async function matchLead(
  tx: Tx,
  owner: AuthUser,
  connectionId: string,
  contact: ContactFields,
): Promise<string | null> {
  const emails = emailsOfContact(contact);
  const given = fold(contact.givenName.trim());
  const surname = fold(contact.surname.trim());
  const phones = [...contact.businessPhones, contact.mobilePhone ?? ""]
    .map(phoneKey)
    .filter((k) => k.length >= 6);
  const conds = [];
  if (emails.length)
    conds.push(
      inArray(
        leads.id,
        tx
          .select({ id: recordEmails.recordId })
          .from(recordEmails)
          .where(and(eq(recordEmails.recordType, "lead"), inArray(recordEmails.email, emails))),
      ),
    );
  if (given && surname)
    conds.push(sql`${leads.searchText} like ${`%${given}%`} and ${leads.searchText} like ${`%${surname}%`}`);
  for (const p of phones) conds.push(sql`${leads.searchText} like ${`%${p}%`}`);
  if (!conds.length) return null;
  const rows = await tx
    .select()
    .from(leads)
    .where(and(leadVisible(owner), unlinked(connectionId, contactLinks.leadId, leads.id), or(...conds)))
    .limit(50);
  if (!rows.length) return null;
  const addresses = new Map<string, string[]>();
  for (const f of await tx
    .select({ id: recordEmails.recordId, email: recordEmails.email })
    .from(recordEmails)
    .where(
      and(
        eq(recordEmails.recordType, "lead"),
        inArray(
          recordEmails.recordId,
          rows.map((r) => r.id),
        ),
      ),
    ))
    addresses.set(f.id, [...(addresses.get(f.id) ?? []), f.email]);
  return (
    matchContact(
      contact,
      rows.map((r) => ({
        personId: r.id,
        emails: addresses.get(r.id) ?? [],
        givenName: r.firstName,
        surname: r.lastName,
        companyName: r.companyName,
        phones: r.phones,
        linked: false,
      })),
    )?.personId ?? null
  );
}

export async function matchRecord(
  tx: Tx,
  owner: AuthUser,
  connectionId: string,
  type: RecordType,
  contact: ContactFields,
  displayName?: string,
): Promise<string | null> {
  if (type === "company") return matchCompany(tx, owner, connectionId, contact, displayName);
  if (type === "lead") return matchLead(tx, owner, connectionId, contact);
  return matchContact(contact, await matchCandidates(tx, owner, connectionId, contact))?.personId ?? null;
}
