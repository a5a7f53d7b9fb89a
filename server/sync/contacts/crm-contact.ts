// The CRM side of a synced contact: a person read as the reconciliation sees it (its fields, when each
// changed, its R-CAT-1 categories in the integration's language), and the writes a decision asks of it.
// The sync acts as the connection's owner: it sees what the owner sees (R-X-8) and writes only what
// the owner may write.
import { and, eq, inArray } from "drizzle-orm";
import { categoryNamesFor } from "../../../shared/categories.js";
import type { AuthUser } from "../../auth/user.js";
import { mayWrite } from "../../crm/access.js";
import { categoriesOf, dealStatusesOf } from "../../crm/categories.js";
import { companyForName } from "../../crm/company-for-name.js";
import { emailsOf, setRecordEmails } from "../../crm/emails.js";
import { changedAtOf } from "../../crm/person-field-times.js";
import { createPerson, personVisible } from "../../crm/persons.js";
import { searchText } from "../../crm/search-text.js";
import type { Tx } from "../../db/index.js";
import { companies, overwrittenValues, persons } from "../../db/schema.js";
import { newId } from "../../ids.js";
import type { ContactFields, CrmContact, Overwritten } from "../../reconcile/contacts-types.js";

type PersonRow = typeof persons.$inferSelect;

export interface CrmPerson {
  type: "person";
  id: string;
  row: PersonRow;
  contact: CrmContact;
  writable: boolean;
  /** Merged into another person: its link is settled by merges.ts, not synced. */
  mergedAway: boolean;
  displayName?: undefined;
}

/** The visible persons among `ids` as contacts, by id; one not visible to the owner is absent. */
export async function readCrmContacts(
  db: Tx,
  owner: AuthUser,
  ids: string[],
  language: string,
): Promise<Map<string, CrmPerson>> {
  const out = new Map<string, CrmPerson>();
  if (!ids.length) return out;
  const rows = await db
    .select()
    .from(persons)
    .where(and(inArray(persons.id, ids), personVisible(owner)));
  const found = rows.map((r) => r.id);
  const emails = await emailsOf(db, "person", found);
  const statuses = await dealStatusesOf(db, found, []);
  const companyIds = [...new Set(rows.flatMap((r) => (r.companyId ? [r.companyId] : [])))];
  const names = companyIds.length
    ? new Map(
        (
          await db
            .select({ id: companies.id, name: companies.name })
            .from(companies)
            .where(inArray(companies.id, companyIds))
        ).map((c) => [c.id, c.name]),
      )
    : new Map<string, string>();
  for (const r of rows) {
    const fields: ContactFields = {
      givenName: r.firstName,
      surname: r.lastName,
      emails: emails.get(r.id) ?? [],
      businessPhones: r.phones,
      mobilePhone: r.mobilePhone,
      companyName: r.companyId ? (names.get(r.companyId) ?? null) : null,
      jobTitle: r.title,
      businessAddress: r.businessAddress ?? null,
      homeAddress: r.homeAddress ?? null,
    };
    const categories = categoryNamesFor(
      categoriesOf("person", r.customerStatus, statuses.person.get(r.id)),
      language,
    );
    out.set(r.id, {
      type: "person",
      id: r.id,
      row: r,
      contact: { fields, changedAt: changedAtOf(r), categories },
      writable: mayWrite(owner, r),
      mergedAway: !!r.mergedInto,
    });
  }
  return out;
}

/** Writes the values a decision took from Exchange; each field's CRM time becomes Exchange's (`at`). */
export async function applyPersonPatch(
  tx: Tx,
  owner: AuthUser,
  person: CrmPerson,
  patch: Partial<ContactFields>,
  at: string,
): Promise<void> {
  const keys = Object.keys(patch) as (keyof ContactFields)[];
  if (!keys.length) return;
  const f = { ...person.contact.fields, ...patch };
  const r = person.row;
  const companyId =
    patch.companyName === undefined
      ? r.companyId
      : patch.companyName
        ? await companyForName(tx, owner, patch.companyName, f.emails)
        : null;
  const times = { ...r.fieldChangedAt };
  for (const k of keys) times[k] = at;
  await tx
    .update(persons)
    .set({
      firstName: f.givenName,
      lastName: f.surname,
      title: f.jobTitle,
      companyId,
      phones: f.businessPhones,
      mobilePhone: f.mobilePhone,
      businessAddress: f.businessAddress,
      homeAddress: f.homeAddress,
      fieldChangedAt: times,
      searchText: searchText({
        names: [f.givenName, f.surname, f.jobTitle, f.companyName],
        emails: f.emails,
        phones: [...f.businessPhones, ...(f.mobilePhone ? [f.mobilePhone] : [])],
      }),
      updatedAt: new Date(),
    })
    .where(eq(persons.id, r.id));
  if (patch.emails) await setRecordEmails(tx, "person", r.id, f.emails);
}

/** R-X-11: keeps what a conflict overwrote, with the person. */
export async function keepPersonOverwritten(tx: Tx, personId: string, values: Overwritten[]): Promise<void> {
  if (!values.length) return;
  await tx.insert(overwrittenValues).values(
    values.map((v) => ({
      id: newId(),
      personId,
      field: v.field,
      oldValue: v.oldValue,
      source: v.source,
      overwrittenAt: new Date(v.at),
    })),
  );
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** R-X-2: a new person for a contact nobody in the CRM matches, owned by the connection's owner. */
export async function createPersonFor(
  tx: Tx,
  owner: AuthUser,
  fields: ContactFields,
): Promise<string | null> {
  const emails = fields.emails.map((e) => e.trim().toLowerCase()).filter((e) => EMAIL.test(e));
  const firstName = fields.givenName.trim().slice(0, 100);
  const lastName = fields.surname.trim().slice(0, 100);
  if (!firstName && !lastName && !emails.length) return null;
  const companyId = fields.companyName?.trim()
    ? await companyForName(tx, owner, fields.companyName, emails)
    : null;
  const row = await createPerson(tx, owner, {
    firstName,
    lastName,
    title: fields.jobTitle,
    companyId,
    emails,
    phones: fields.businessPhones.map((p) => p.trim()).filter(Boolean),
    mobilePhone: fields.mobilePhone?.trim() || null,
    businessAddress: fields.businessAddress,
    homeAddress: fields.homeAddress,
    customerStatus: "none",
    customFields: {},
  });
  return row.id;
}
