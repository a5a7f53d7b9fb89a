// When each of a person's synced fields last changed in the CRM (R-X-11: a conflict with Exchange is
// settled field by field, the most recent change winning). Written by every person update; fields
// never changed since creation fall back to the person's `updated_at`.

import type { persons } from "../db/schema.js";
import type { ContactFields, FieldName } from "../reconcile/contacts-types.js";

type Row = typeof persons.$inferSelect;
type Values = Pick<
  Row,
  | "firstName"
  | "lastName"
  | "title"
  | "companyId"
  | "phones"
  | "mobilePhone"
  | "businessAddress"
  | "homeAddress"
>;

/** The contact field each person column feeds. */
const COLUMN_FIELDS: [keyof Values, FieldName][] = [
  ["firstName", "givenName"],
  ["lastName", "surname"],
  ["title", "jobTitle"],
  ["companyId", "companyName"],
  ["phones", "businessPhones"],
  ["mobilePhone", "mobilePhone"],
  ["businessAddress", "businessAddress"],
  ["homeAddress", "homeAddress"],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The person's field times after an update from `before` to `after` at `now`. */
export function fieldTimesAfter(
  times: Record<string, string>,
  before: Values & { emails: string[] },
  after: Values & { emails: string[] },
  now: Date,
): Record<string, string> {
  const out = { ...times };
  for (const [column, field] of COLUMN_FIELDS)
    if (!same(before[column], after[column])) out[field] = now.toISOString();
  if (!same(before.emails, after.emails)) out.emails = now.toISOString();
  return out;
}

/** Every synced field's change time: recorded, else the person's last update. */
export function changedAtOf(row: Pick<Row, "fieldChangedAt" | "updatedAt">): Record<FieldName, string> {
  const fallback = row.updatedAt.toISOString();
  const all = {} as Record<FieldName, string>;
  for (const f of [...COLUMN_FIELDS.map(([, f]) => f), "emails" as const])
    all[f] = row.fieldChangedAt[f] ?? fallback;
  return all;
}

export type { ContactFields };
