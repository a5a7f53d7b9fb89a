// An address added to an existing record, as the sidebars offer for an unknown sender ("add to a
// person or company"). It goes through the record's own update, so the same checks as any other
// change apply: the record must be one the user may change.
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import type { RecordType } from "../db/schema.js";
import { updateCompany } from "./companies.js";
import { emailsOf } from "./emails.js";
import { updateLead } from "./leads.js";
import { updatePerson } from "./persons.js";

const updates = { person: updatePerson, company: updateCompany, lead: updateLead };

export async function addRecordEmail(db: Tx, user: AuthUser, type: RecordType, id: string, email: string) {
  const current = (await emailsOf(db, type, [id])).get(id) ?? [];
  // The new address goes last, so the record's main address stays first.
  return updates[type](db, user, id, { emails: [...current, email] });
}
