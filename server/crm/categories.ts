// Categories of a batch of records (R-CAT-1), from their customer status and their deals' statuses.
import { inArray, or } from "drizzle-orm";
import { type Categories, categorize, type DealStatus } from "../../shared/categories.js";
import type { Tx } from "../db/index.js";
import { deals, type RecordType } from "../db/schema.js";

export async function dealStatusesOf(
  db: Tx,
  personIds: string[],
  companyIds: string[],
): Promise<{ person: Map<string, DealStatus[]>; company: Map<string, DealStatus[]> }> {
  const person = new Map<string, DealStatus[]>();
  const company = new Map<string, DealStatus[]>();
  if (!personIds.length && !companyIds.length) return { person, company };
  const conds = [];
  if (personIds.length) conds.push(inArray(deals.personId, personIds));
  if (companyIds.length) conds.push(inArray(deals.companyId, companyIds));
  const rows = await db
    .select({ personId: deals.personId, companyId: deals.companyId, status: deals.status })
    .from(deals)
    .where(or(...conds));
  for (const r of rows) {
    if (r.personId) person.set(r.personId, [...(person.get(r.personId) ?? []), r.status]);
    if (r.companyId) company.set(r.companyId, [...(company.get(r.companyId) ?? []), r.status]);
  }
  return { person, company };
}

export function categoriesOf(
  type: RecordType,
  customerStatus: "none" | "current" | "former" | undefined,
  dealStatuses: DealStatus[] | undefined,
): Categories {
  return categorize({
    kind: type,
    customerStatus,
    dealStatuses: type === "lead" ? [] : (dealStatuses ?? []),
  });
}
