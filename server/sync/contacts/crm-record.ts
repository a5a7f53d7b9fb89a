// A CRM record synced as an Exchange contact: a person, a company or a lead (R-CAT-1 kinds, R-X-8). The
// sync reads, writes and creates each through its kind's module (crm-contact.ts, crm-company.ts,
// crm-lead.ts); everything else in the contact sync deals with a CrmRecord.
//
// Which kind a contact from Exchange becomes (R-X-2): a contact filed under our Company category (in any
// of our languages) is imported as a company, one under our Lead category as a lead, any other as a
// person. A linked contact keeps the kind it was linked with: the user re-filing it under another kind
// category does not turn a person into a company; the next write puts our categories back (R-X-3).
import { and, eq, or } from "drizzle-orm";
import { categoryNames } from "../../../shared/categories.js";
import type { AuthUser } from "../../auth/user.js";
import type { Tx } from "../../db/index.js";
import { type ContactLink, contactLinks, type RecordType } from "../../db/schema.js";
import type { ContactFields, Overwritten } from "../../reconcile/contacts-types.js";
import {
  applyCompanyPatch,
  type CrmCompany,
  createCompanyFor,
  keepCompanyOverwritten,
  readCrmCompanies,
} from "./crm-company.js";
import {
  applyPersonPatch,
  type CrmPerson,
  createPersonFor,
  keepPersonOverwritten,
  readCrmContacts,
} from "./crm-contact.js";
import {
  applyLeadPatch,
  type CrmLead,
  createLeadFor,
  keepLeadOverwritten,
  readCrmLeads,
} from "./crm-lead.js";

export type CrmRecord = CrmPerson | CrmCompany | CrmLead;
export const RECORD_TYPES: readonly RecordType[] = ["person", "company", "lead"];

export async function readCrmRecords(
  db: Tx,
  owner: AuthUser,
  type: RecordType,
  ids: string[],
  language: string,
): Promise<Map<string, CrmRecord>> {
  if (type === "company") return readCrmCompanies(db, owner, ids, language);
  if (type === "lead") return readCrmLeads(db, owner, ids, language);
  return readCrmContacts(db, owner, ids, language);
}

export async function readCrmRecord(
  db: Tx,
  owner: AuthUser,
  ref: RecordRef,
  language: string,
): Promise<CrmRecord | undefined> {
  return (await readCrmRecords(db, owner, ref.type, [ref.id], language)).get(ref.id);
}

/** Writes the values a decision took from Exchange; `at` is when Exchange changed them. */
export async function applyCrmPatch(
  tx: Tx,
  owner: AuthUser,
  record: CrmRecord,
  patch: Partial<ContactFields>,
  at: string,
): Promise<void> {
  if (record.type === "company") return applyCompanyPatch(tx, owner, record, patch);
  if (record.type === "lead") return applyLeadPatch(tx, owner, record, patch);
  return applyPersonPatch(tx, owner, record, patch, at);
}

/** R-X-11: keeps what a conflict overwrote, with the record. */
export async function keepOverwritten(tx: Tx, record: CrmRecord, values: Overwritten[]): Promise<void> {
  if (record.type === "company") return keepCompanyOverwritten(tx, record, values);
  if (record.type === "lead") return keepLeadOverwritten(tx, record, values);
  return keepPersonOverwritten(tx, record.id, values);
}

/** R-X-2: a new record of `type` for a contact nobody in the CRM matches, owned by the owner. */
export async function createRecordFor(
  tx: Tx,
  owner: AuthUser,
  type: RecordType,
  fields: ContactFields,
  displayName?: string,
): Promise<string | null> {
  if (type === "company") return createCompanyFor(tx, owner, fields, displayName);
  if (type === "lead") return createLeadFor(tx, owner, fields);
  return createPersonFor(tx, owner, fields);
}

export interface RecordRef {
  type: RecordType;
  id: string;
}

const kindNames = (key: "company" | "lead") =>
  new Set(Object.values(categoryNames).map((byKey) => byKey[key]));
const COMPANY_NAMES = kindNames("company");
const LEAD_NAMES = kindNames("lead");

/** The kind a contact from Exchange is imported as, by our kind category on it (see the header). */
export function kindOfContact(categories: readonly string[]): RecordType {
  if (categories.some((c) => COMPANY_NAMES.has(c))) return "company";
  if (categories.some((c) => LEAD_NAMES.has(c))) return "lead";
  return "person";
}

/** The record a link points at, or null once the record was deleted in the CRM. */
export function recordOfLink(link: Pick<ContactLink, "recordType" | "personId" | "companyId" | "leadId">) {
  const id =
    link.recordType === "company" ? link.companyId : link.recordType === "lead" ? link.leadId : link.personId;
  return id ? { type: link.recordType, id } : null;
}

/** The link column of a record type. */
export const linkColumn = (type: RecordType) =>
  type === "company" ? contactLinks.companyId : type === "lead" ? contactLinks.leadId : contactLinks.personId;

/**
 * The record a contact carrying our id was made for, when that record has no link in this mailbox at
 * all (R-P-2: a create whose answer was lost). A record with a link — linked, or given up for good — is
 * not taken: the contact is then a copy, treated like any other contact.
 */
export async function unlinkedRecordOf(
  tx: Tx,
  owner: AuthUser,
  connectionId: string,
  conciliaId: string,
  language: string,
): Promise<CrmRecord | null> {
  const [linked] = await tx
    .select({ id: contactLinks.id })
    .from(contactLinks)
    .where(
      and(
        eq(contactLinks.connectionId, connectionId),
        or(
          eq(contactLinks.personId, conciliaId),
          eq(contactLinks.companyId, conciliaId),
          eq(contactLinks.leadId, conciliaId),
        ),
      ),
    )
    .limit(1);
  if (linked) return null;
  for (const type of RECORD_TYPES) {
    const found = (await readCrmRecords(tx, owner, type, [conciliaId], language)).get(conciliaId);
    if (found && !found.mergedAway) return found;
  }
  return null;
}
