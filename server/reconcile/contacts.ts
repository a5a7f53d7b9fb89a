// Two-way reconciliation of one synced contact (R-X-6, R-X-11, R-CAT-1, R-X-3): from the CRM person,
// the Exchange contact and what was last synced, field by field: unchanged, take the CRM's value, take
// Exchange's, or both changed (a conflict): the most recent change wins and the value it overwrote is
// kept. Pure: no I/O, no clock; sync/contacts/ reads the three views and carries the decision out.
//
// Deletions never propagate (R-X-7): they are decided in contacts-lifecycle.ts, not here.
import { ourCategoryNames } from "./contacts-categories.js";
import { crmValueTaking, isEmpty, normalField, project, sameSet, sameValue } from "./contacts-compare.js";
import {
  type ContactDecision,
  type ContactFields,
  type CrmContact,
  type ExchangeContact,
  type FieldName,
  type FieldOutcome,
  KIND_FIELDS,
  type Overwritten,
  type SyncedContact,
} from "./contacts-types.js";

export interface ReconcileContactInput {
  crm: CrmContact;
  exchange: ExchangeContact;
  /** Null for a contact just matched or created: no common base yet. */
  last: SyncedContact | null;
  /**
   * The user may see the person but not change it (R-1: a grantee): what Exchange changed loses to the
   * CRM's values and is kept as overwritten.
   */
  crmReadOnly?: boolean;
}

/** Our categories replaced, the user's own kept as they are, in their order (R-X-3). */
export function categoriesFor(itemCategories: readonly string[], ours: readonly string[]): string[] {
  const all = ourCategoryNames();
  return [...itemCategories.filter((c) => !all.has(c)), ...ours];
}

const pick = (fields: ContactFields, names: readonly FieldName[]) =>
  Object.fromEntries(names.map((f) => [f, fields[f]])) as Partial<ContactFields>;

function decideField(f: FieldName, input: ReconcileContactInput): FieldOutcome {
  const { crm, exchange, last } = input;
  const c = crm.fields[f];
  const x = exchange.fields[f];
  if (sameValue(f, c, x)) return { field: f, outcome: "same" };
  if (input.crmReadOnly) return { field: f, outcome: "take-crm", conflict: true };
  if (!last) {
    // A first match (R-X-10): what only one side has fills the other, without a conflict.
    if (isEmpty(f, c)) return { field: f, outcome: "take-exchange", conflict: false };
    if (isEmpty(f, x)) return { field: f, outcome: "take-crm", conflict: false };
    return { field: f, outcome: mostRecent(f, input), conflict: true };
  }
  const crmChanged = !sameValue(f, c, last.fields[f]);
  const exchangeChanged = !sameValue(f, x, last.fields[f]);
  if (crmChanged && !exchangeChanged) return { field: f, outcome: "take-crm", conflict: false };
  if (exchangeChanged && !crmChanged) return { field: f, outcome: "take-exchange", conflict: false };
  return { field: f, outcome: mostRecent(f, input), conflict: true };
}

/** R-X-11: the later change wins; on a tie the CRM, the system of record. */
function mostRecent(f: FieldName, { crm, exchange }: ReconcileContactInput) {
  return Date.parse(exchange.lastModified) > Date.parse(crm.changedAt[f])
    ? ("take-exchange" as const)
    : ("take-crm" as const);
}

export function reconcileContact(input: ReconcileContactInput): ContactDecision {
  const { crm, exchange, last } = input;
  const names = crm.fieldNames ?? KIND_FIELDS.person;
  const outcomes = names.map((f) => decideField(f, input));
  // A field the record does not own keeps Exchange's value: written back unchanged, never cleared.
  const merged = { ...exchange.fields, ...pick(crm.fields, names) } as Record<FieldName, unknown>;
  const crmPatch: Partial<Record<FieldName, unknown>> = {};
  const overwritten: Overwritten[] = [];
  for (const o of outcomes) {
    const f = o.field;
    if (o.outcome === "same") continue;
    if (o.outcome === "take-exchange") {
      const value = crmValueTaking(f, crm.fields[f], exchange.fields[f]);
      merged[f] = value;
      if (JSON.stringify(value) !== JSON.stringify(crm.fields[f])) crmPatch[f] = value;
      if (o.conflict)
        overwritten.push({ field: f, oldValue: crm.fields[f], source: "crm", at: exchange.lastModified });
    } else if (o.conflict)
      overwritten.push({
        field: f,
        oldValue: normalField(f, exchange.fields[f]),
        source: "exchange",
        at: crm.changedAt[f],
      });
  }
  const target = project(merged as unknown as ContactFields);
  const categories = categoriesFor(exchange.categories, crm.categories);
  const exchangeNow = project(exchange.fields);
  const fieldsDiffer = names.some((f) => !sameValue(f, target[f], exchangeNow[f]));
  const categoriesDiffer = !sameSet(categories, exchange.categories);

  const exchangeChangedAt = { ...(last?.exchangeChangedAt ?? {}) };
  for (const f of names)
    if (!last || !sameValue(f, exchange.fields[f], last.fields[f]))
      exchangeChangedAt[f] = exchange.lastModified;
  return {
    fields: outcomes,
    crmPatch: crmPatch as Partial<ContactFields>,
    exchangeWrite: fieldsDiffer || categoriesDiffer ? { fields: target, categories } : null,
    overwritten,
    syncedBeforePush: { fields: exchangeNow, categories: [...exchange.categories], exchangeChangedAt },
    syncedAfterPush: { fields: target, categories, exchangeChangedAt },
  };
}

/** Whether a decision changes nothing on either side. */
export const isQuiet = (d: ContactDecision) =>
  Object.keys(d.crmPatch).length === 0 && d.exchangeWrite === null && d.overwritten.length === 0;
