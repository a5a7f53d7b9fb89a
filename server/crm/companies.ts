// Companies (accounts). A company's own addresses (info@…) match mail like a person's do.
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Company, companyInput, companyPatch } from "../../shared/api/records.js";
import { notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies } from "../db/schema.js";
import { newId } from "../ids.js";
import { visibleTo } from "./access.js";
import { categoriesOf, dealStatusesOf } from "./categories.js";
import { listPage, pageWhere } from "./cursor.js";
import { emailsOf, setRecordEmails } from "./emails.js";
import { inTurn } from "./in-turn.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { stripUndefined } from "./persons.js";
import { assertOwner, writableWithOwner } from "./records-common.js";
import { searchText } from "./search-text.js";

type Row = typeof companies.$inferSelect;

export const companyVisible = (user: AuthUser) => visibleTo(user, "company", companies);

export async function toCompanies(db: Tx, rows: Row[]): Promise<Company[]> {
  const ids = rows.map((r) => r.id);
  const [emails, owners, statuses] = await inTurn(
    () => emailsOf(db, "company", ids),
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
    () => dealStatusesOf(db, [], ids),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    domain: r.domain,
    emails: emails.get(r.id) ?? [],
    phones: r.phones,
    businessAddress: r.businessAddress ?? null,
    customerStatus: r.customerStatus,
    categories: categoriesOf("company", r.customerStatus, statuses.company.get(r.id)),
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    customFields: r.customFields,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getCompanyRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(companies)
    .where(and(eq(companies.id, id), companyVisible(user)));
  if (!row) throw notFound(`Company ${id}`);
  return row;
}

export async function listCompanies(
  db: Tx,
  user: AuthUser,
  q: { q?: string; cursor?: string; limit: number },
) {
  return listPage(db, companies, [companyVisible(user), ...pageWhere(companies, q)], q.limit, toCompanies);
}

const domainOf = (d: string | null | undefined) =>
  d
    ?.trim()
    .toLowerCase()
    .replace(/^www\./, "") || null;

type CompanyValues = Omit<z.output<typeof companyInput>, "emails" | "ownerId"> & { ownerId: string };

/** The stored columns of a company, the search text included; create and update both write these. */
function companyColumns(v: CompanyValues, emails: string[]) {
  return {
    name: v.name,
    domain: domainOf(v.domain),
    phones: v.phones,
    businessAddress: v.businessAddress ?? null,
    customerStatus: v.customerStatus,
    ownerId: v.ownerId,
    customFields: v.customFields,
    searchText: searchText({ names: [v.name, v.domain], emails, phones: v.phones }),
  };
}

export async function createCompany(
  db: Tx,
  user: AuthUser,
  input: z.output<typeof companyInput>,
): Promise<Row> {
  const ownerId = await assertOwner(db, user, input.ownerId);
  const id = newId();
  const [row] = await db
    .insert(companies)
    .values({ id, ...companyColumns({ ...input, ownerId }, input.emails) })
    .returning();
  await setRecordEmails(db, "company", id, input.emails);
  return row;
}

export async function updateCompany(
  db: Tx,
  user: AuthUser,
  id: string,
  patch: z.output<typeof companyPatch>,
): Promise<Row> {
  const current = await getCompanyRow(db, user, id);
  const ownerId = await writableWithOwner(db, user, "company", current, patch.ownerId);
  const emails = patch.emails ?? (await emailsOf(db, "company", [id])).get(id) ?? [];
  const next = { ...current, ...stripUndefined(patch), ownerId };
  const [row] = await db
    .update(companies)
    .set({ ...companyColumns(next, emails), updatedAt: new Date() })
    .where(eq(companies.id, id))
    .returning();
  if (patch.emails) await setRecordEmails(db, "company", id, patch.emails);
  return row;
}
