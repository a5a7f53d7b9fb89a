// The contract of contact reconciliation (R-X-6, R-X-7, R-X-11): what the sync shell reads from the CRM
// person, from the Exchange contact and from `contact_links.last_synced`, and what it must write.
// Reconciliation itself (contacts.ts) is a pure function of these values.
import type { ContactFields } from "../sync/contacts/port.js";

export type { ContactFields };
export type FieldName = keyof ContactFields;

/** A person's fields: every field the sync knows but the web site. */
export const FIELD_NAMES = [
  "givenName",
  "surname",
  "emails",
  "businessPhones",
  "mobilePhone",
  "companyName",
  "jobTitle",
  "businessAddress",
  "homeAddress",
] as const satisfies readonly FieldName[];

/**
 * The fields each kind of CRM record owns (R-CAT-1 kind): only these are compared and written; the rest
 * of the contact stays as the user keeps it in Outlook.
 */
export const KIND_FIELDS = {
  person: FIELD_NAMES,
  company: ["companyName", "emails", "businessPhones", "businessAddress", "businessHomePage"],
  lead: ["givenName", "surname", "emails", "businessPhones", "companyName", "jobTitle"],
} as const satisfies Record<string, readonly FieldName[]>;

/** The contact as both sides last agreed on it (projected to what Exchange can hold). */
export interface SyncedContact {
  fields: ContactFields;
  categories: string[];
  /** When each field last changed in Exchange, as far as its `lastModifiedDateTime` tells (R-X-11). */
  exchangeChangedAt: Partial<Record<FieldName, string>>;
}

/** The CRM person: all its values (lists uncut) and when each field last changed (ISO instants). */
export interface CrmContact {
  fields: ContactFields;
  changedAt: Record<FieldName, string>;
  /** Our category names the person is filed under now (R-CAT-1 in the integration's language). */
  categories: string[];
  /** The fields this record owns (KIND_FIELDS); a person's when absent. */
  fieldNames?: readonly FieldName[];
}

export interface ExchangeContact {
  fields: ContactFields;
  categories: string[];
  lastModified: string;
}

export type FieldOutcome =
  | { field: FieldName; outcome: "same" }
  | { field: FieldName; outcome: "take-crm" | "take-exchange"; conflict: boolean };

/** R-X-11: the value a more recent change overwrote, kept with the CRM person. */
export interface Overwritten {
  field: FieldName;
  oldValue: unknown;
  source: "crm" | "exchange";
  at: string;
}

export interface ContactDecision {
  fields: FieldOutcome[];
  /** Values the CRM person takes (full lists: what the CRM held beyond Exchange's limits stays). */
  crmPatch: Partial<ContactFields>;
  /** What Exchange must end up with, or null when it already has it. */
  exchangeWrite: { fields: ContactFields; categories: string[] } | null;
  overwritten: Overwritten[];
  /** The agreed state once only the CRM patch is applied (Exchange written later: its values are the base). */
  syncedBeforePush: SyncedContact;
  /** The agreed state once both writes are done. */
  syncedAfterPush: SyncedContact;
}
