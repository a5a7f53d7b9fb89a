// The CRM side of a company synced as an Exchange contact (R-CAT-1 kind Company, R-X-8): its name is the
// contact's company name and display name, its addresses, phones, business address and web site (the
// company's domain, written as https://domain and read back as its host name). Companies keep no time
// per field: a conflict (R-X-11) is settled with the company's last update, and what it overwrote is
// kept in the company's custom field `exchangeOverwritten`.
import { and, inArray } from "drizzle-orm";
import { categoryNamesFor } from "../../../shared/categories.js";
import type { AuthUser } from "../../auth/user.js";
import { categoriesOf, dealStatusesOf } from "../../crm/categories.js";
import { companyVisible, createCompany, updateCompany } from "../../crm/companies.js";
import { emailsOf } from "../../crm/emails.js";
import type { Tx } from "../../db/index.js";
import { companies } from "../../db/schema.js";
import type { ContactFields, Overwritten } from "../../reconcile/contacts-types.js";
import { keepOverwrittenIn } from "./overwritten-field.js";
import { NO_CONTACT_FIELDS } from "./port.js";
import { type UntimedRecord, untimedRecord } from "./untimed-record.js";

type CompanyRow = typeof companies.$inferSelect;

/** A company's display name is its name: Outlook shows the contact under it. */
export type CrmCompany = UntimedRecord<"company", CompanyRow> & { displayName: string };

/** The web site as Exchange shows it, from the company's domain. */
export const websiteOf = (domain: string | null) => (domain ? `https://${domain}` : null);

/** The domain a web site names: "https://www.acme.example/about" → "acme.example". */
export function domainOfWebsite(site: string | null | undefined): string | null {
  const v = site?.trim();
  if (!v) return null;
  try {
    const host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`).hostname;
    return host.toLowerCase().replace(/^www\./, "") || null;
  } catch {
    return null;
  }
}

export async function readCrmCompanies(
  db: Tx,
  owner: AuthUser,
  ids: string[],
  language: string,
): Promise<Map<string, CrmCompany>> {
  const out = new Map<string, CrmCompany>();
  if (!ids.length) return out;
  const rows = await db
    .select()
    .from(companies)
    .where(and(inArray(companies.id, ids), companyVisible(owner)));
  const found = rows.map((r) => r.id);
  const emails = await emailsOf(db, "company", found);
  const statuses = await dealStatusesOf(db, [], found);
  for (const r of rows) {
    const fields: ContactFields = {
      ...NO_CONTACT_FIELDS,
      companyName: r.name,
      emails: emails.get(r.id) ?? [],
      businessPhones: r.phones,
      businessAddress: r.businessAddress ?? null,
      businessHomePage: websiteOf(r.domain),
    };
    const categories = categoryNamesFor(
      categoriesOf("company", r.customerStatus, statuses.company.get(r.id)),
      language,
    );
    out.set(r.id, { ...untimedRecord("company", owner, r, fields, categories), displayName: r.name });
  }
  return out;
}

/** A contact's name as a company: its company name, else what Outlook shows as its name. */
export const companyNameOf = (fields: ContactFields, displayName?: string) =>
  (fields.companyName ?? "").trim() ||
  (displayName ?? "").trim() ||
  `${fields.givenName} ${fields.surname}`.trim();

export async function applyCompanyPatch(
  tx: Tx,
  owner: AuthUser,
  company: CrmCompany,
  patch: Partial<ContactFields>,
): Promise<void> {
  if (!Object.keys(patch).length) return;
  const name = patch.companyName?.trim();
  await updateCompany(tx, owner, company.id, {
    // A company cannot lose its name: an emptied company name in Outlook keeps the CRM's.
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(patch.emails ? { emails: patch.emails } : {}),
    ...(patch.businessPhones ? { phones: patch.businessPhones } : {}),
    ...(patch.businessAddress !== undefined ? { businessAddress: patch.businessAddress } : {}),
    ...(patch.businessHomePage !== undefined ? { domain: domainOfWebsite(patch.businessHomePage) } : {}),
  });
}

export async function createCompanyFor(
  tx: Tx,
  owner: AuthUser,
  fields: ContactFields,
  displayName?: string,
): Promise<string | null> {
  const name = companyNameOf(fields, displayName).slice(0, 200);
  if (!name) return null;
  const row = await createCompany(tx, owner, {
    name,
    domain: domainOfWebsite(fields.businessHomePage),
    emails: fields.emails.map((e) => e.trim().toLowerCase()).filter(Boolean),
    phones: fields.businessPhones.map((p) => p.trim()).filter(Boolean),
    businessAddress: fields.businessAddress,
    customerStatus: "none",
    customFields: {},
  });
  return row.id;
}

/** R-X-11 for a company: what a conflict overwrote, kept in its custom field `exchangeOverwritten`. */
export async function keepCompanyOverwritten(tx: Tx, company: CrmCompany, values: Overwritten[]) {
  await keepOverwrittenIn(tx, companies, company.id, values);
}
