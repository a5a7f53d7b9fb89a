// The CRM side of a lead synced as an Exchange contact (R-CAT-1 kind Lead, R-X-8): its person-like
// fields (names, addresses, phones, job title) and the company name it was typed with. A lead has no
// status category (R-CAT-1 statuses come from deals and customer status, which leads do not have), no
// time per field (a conflict, R-X-11, is settled with its last update) and keeps what a conflict
// overwrote in its custom field `exchangeOverwritten`.
import { and, inArray } from "drizzle-orm";
import { categoryNamesFor } from "../../../shared/categories.js";
import type { AuthUser } from "../../auth/user.js";
import { categoriesOf } from "../../crm/categories.js";
import { emailsOf } from "../../crm/emails.js";
import { createLead, leadVisible, updateLead } from "../../crm/leads.js";
import type { Tx } from "../../db/index.js";
import { leads } from "../../db/schema.js";
import type { ContactFields, Overwritten } from "../../reconcile/contacts-types.js";
import { keepOverwrittenIn } from "./overwritten-field.js";
import { type UntimedRecord, untimedRecord } from "./untimed-record.js";

type LeadRow = typeof leads.$inferSelect;

export type CrmLead = UntimedRecord<"lead", LeadRow> & { displayName?: undefined };

export async function readCrmLeads(
  db: Tx,
  owner: AuthUser,
  ids: string[],
  language: string,
): Promise<Map<string, CrmLead>> {
  const out = new Map<string, CrmLead>();
  if (!ids.length) return out;
  const rows = await db
    .select()
    .from(leads)
    .where(and(inArray(leads.id, ids), leadVisible(owner)));
  const emails = await emailsOf(
    db,
    "lead",
    rows.map((r) => r.id),
  );
  const categories = categoryNamesFor(categoriesOf("lead", "none", []), language);
  for (const r of rows) {
    const fields: ContactFields = {
      givenName: r.firstName,
      surname: r.lastName,
      emails: emails.get(r.id) ?? [],
      businessPhones: r.phones,
      mobilePhone: null,
      companyName: r.companyName,
      jobTitle: r.title,
      businessAddress: null,
      homeAddress: null,
    };
    out.set(r.id, untimedRecord("lead", owner, r, fields, categories));
  }
  return out;
}

export async function applyLeadPatch(
  tx: Tx,
  owner: AuthUser,
  lead: CrmLead,
  patch: Partial<ContactFields>,
): Promise<void> {
  if (!Object.keys(patch).length) return;
  const f = { ...lead.contact.fields, ...patch };
  // A lead needs a name or an address: emptied on both in Outlook, it keeps the CRM's.
  if (!f.givenName.trim() && !f.surname.trim() && !f.emails.length) return;
  await updateLead(tx, owner, lead.id, {
    ...(patch.givenName !== undefined ? { firstName: patch.givenName.trim().slice(0, 100) } : {}),
    ...(patch.surname !== undefined ? { lastName: patch.surname.trim().slice(0, 100) } : {}),
    ...(patch.emails ? { emails: patch.emails } : {}),
    ...(patch.businessPhones ? { phones: patch.businessPhones } : {}),
    ...(patch.companyName !== undefined ? { companyName: patch.companyName } : {}),
    ...(patch.jobTitle !== undefined ? { title: patch.jobTitle } : {}),
  });
}

export async function createLeadFor(tx: Tx, owner: AuthUser, fields: ContactFields): Promise<string | null> {
  const emails = fields.emails.map((e) => e.trim().toLowerCase()).filter((e) => e.includes("@"));
  const firstName = fields.givenName.trim().slice(0, 100);
  const lastName = fields.surname.trim().slice(0, 100);
  if (!firstName && !lastName && !emails.length) return null;
  const row = await createLead(tx, owner, {
    firstName,
    lastName,
    title: fields.jobTitle,
    companyName: fields.companyName,
    emails,
    phones: fields.businessPhones.map((p) => p.trim()).filter(Boolean),
    customFields: {},
  });
  return row.id;
}

/** R-X-11 for a lead: what a conflict overwrote, kept in its custom field `exchangeOverwritten`. */
export async function keepLeadOverwritten(tx: Tx, lead: CrmLead, values: Overwritten[]) {
  await keepOverwrittenIn(tx, leads, lead.id, values);
}
