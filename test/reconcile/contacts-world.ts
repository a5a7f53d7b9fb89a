// A contact on both sides and its last synced state, and carrying out a decision on them: what the
// contact sync does, without I/O, so properties can run it over random contacts.

import { reconcileContact } from "../../server/reconcile/contacts.js";
import type {
  ContactDecision,
  CrmContact,
  ExchangeContact,
  Overwritten,
  SyncedContact,
} from "../../server/reconcile/contacts-types.js";
import { FIELD_NAMES } from "../../server/reconcile/contacts-types.js";
import { NO_CONTACT_FIELDS } from "../../server/sync/contacts/port.js";

export interface ContactWorld {
  crm: CrmContact;
  exchange: ExchangeContact;
  last: SyncedContact | null;
  kept: Overwritten[];
}

export const blank = NO_CONTACT_FIELDS;

export const times = (at: string) =>
  Object.fromEntries(FIELD_NAMES.map((f) => [f, at])) as CrmContact["changedAt"];

/** Carries a decision out: the CRM takes its patch, Exchange its write (now `at`), the link the state. */
export function apply(w: ContactWorld, d: ContactDecision, at: string, push = true): ContactWorld {
  const crm = { ...w.crm, fields: { ...w.crm.fields, ...d.crmPatch } };
  const kept = [...w.kept, ...d.overwritten];
  if (!push || !d.exchangeWrite) return { crm, exchange: w.exchange, last: d.syncedBeforePush, kept };
  const exchange = {
    fields: d.exchangeWrite.fields,
    categories: d.exchangeWrite.categories,
    lastModified: at,
  };
  return { crm, exchange, last: { ...d.syncedAfterPush }, kept };
}

export const reconcile = (w: ContactWorld) =>
  reconcileContact({ crm: w.crm, exchange: w.exchange, last: w.last });
