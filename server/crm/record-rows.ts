// A record of any grantable type, as the acting user may see it (404 otherwise): what sharing and
// deleting need to decide whether the user may write it.
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import type { GrantableType } from "./access.js";
import { getCompanyRow } from "./companies.js";
import { getDealRow } from "./deals.js";
import { getLeadRow } from "./leads.js";
import { getPersonRow } from "./persons.js";

const getters = {
  person: getPersonRow,
  company: getCompanyRow,
  lead: getLeadRow,
  deal: getDealRow,
} satisfies Record<GrantableType, (db: Tx, user: AuthUser, id: string) => Promise<unknown>>;

export const getRecordRow = (
  db: Tx,
  user: AuthUser,
  type: GrantableType,
  id: string,
): Promise<{ id: string; ownerId: string }> => getters[type](db, user, id);
