// Companies and leads keep no time per field, unlike persons (crm-contact.ts): each of their fields
// counts as changed at the record's last update, so a conflict (R-X-11) is settled with that update.
// This is such a record as the contact sync sees it; crm-company.ts and crm-lead.ts fill in its fields.
import type { AuthUser } from "../../auth/user.js";
import { mayWrite } from "../../crm/access.js";
import {
  type ContactFields,
  type CrmContact,
  type FieldName,
  KIND_FIELDS,
} from "../../reconcile/contacts-types.js";

export interface UntimedRecord<T extends "company" | "lead", Row> {
  type: T;
  id: string;
  row: Row;
  contact: CrmContact;
  writable: boolean;
  mergedAway: false;
}

type RecordRow = { id: string; ownerId: string; updatedAt: Date };

export function untimedRecord<T extends "company" | "lead", Row extends RecordRow>(
  type: T,
  owner: AuthUser,
  row: Row,
  fields: ContactFields,
  categories: string[],
): UntimedRecord<T, Row> {
  const at = row.updatedAt.toISOString();
  const changedAt = Object.fromEntries(
    [...KIND_FIELDS.person, "businessHomePage"].map((f) => [f, at]),
  ) as Record<FieldName, string>;
  return {
    type,
    id: row.id,
    row,
    contact: { fields, changedAt, categories, fieldNames: KIND_FIELDS[type] },
    writable: mayWrite(owner, row),
    mergedAway: false,
  };
}
