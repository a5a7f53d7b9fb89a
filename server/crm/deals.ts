import { and, eq, ilike, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Deal, dealInput, dealPatch } from "../../shared/api/records.js";
import { badRequest, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies, deals, persons } from "../db/schema.js";
import { newId } from "../ids.js";
import { visibleTo } from "./access.js";
import { listPage, pageWhere } from "./cursor.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { personVisible } from "./persons.js";
import { assertOwner, writableWithOwner } from "./records-common.js";
import { containsPattern } from "./search-text.js";

type Row = typeof deals.$inferSelect;

export const dealVisible = (user: AuthUser) => visibleTo(user, "deal", deals);

export async function toDeals(db: Tx, rows: Row[]): Promise<Deal[]> {
  const owners = await ownerRefs(
    db,
    rows.map((r) => r.ownerId),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    status: r.status,
    value: r.value,
    currency: r.currency,
    personId: r.personId,
    companyId: r.companyId,
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getDealRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(deals)
    .where(and(eq(deals.id, id), dealVisible(user)));
  if (!row) throw notFound(`Deal ${id}`);
  return row;
}

export async function listDeals(
  db: Tx,
  user: AuthUser,
  q: { q?: string; cursor?: string; limit: number; status?: string; personId?: string; companyId?: string },
) {
  const conds: (SQL | undefined)[] = [dealVisible(user), ...pageWhere(deals, { cursor: q.cursor })];
  if (q.q) conds.push(ilike(deals.name, containsPattern(q.q.trim())));
  if (q.status) conds.push(eq(deals.status, q.status as Row["status"]));
  if (q.personId) conds.push(eq(deals.personId, q.personId));
  if (q.companyId) conds.push(eq(deals.companyId, q.companyId));
  return listPage(db, deals, conds, q.limit, toDeals);
}

async function checkLinks(db: Tx, user: AuthUser, personId?: string | null, companyId?: string | null) {
  if (personId) {
    const [p] = await db
      .select({ id: persons.id })
      .from(persons)
      .where(and(eq(persons.id, personId), personVisible(user)));
    if (!p)
      throw badRequest(`Person ${personId} was not found.`, [
        { path: "body.personId", message: "unknown person" },
      ]);
  }
  if (companyId) {
    const [c] = await db
      .select({ id: companies.id })
      .from(companies)
      .where(and(eq(companies.id, companyId), visibleTo(user, "company", companies)));
    if (!c)
      throw badRequest(`Company ${companyId} was not found.`, [
        { path: "body.companyId", message: "unknown company" },
      ]);
  }
}

export async function createDeal(db: Tx, user: AuthUser, input: z.output<typeof dealInput>): Promise<Row> {
  if (!input.personId && !input.companyId)
    throw badRequest("A deal is linked to a person or a company.", [
      { path: "body.personId", message: "give personId or companyId" },
    ]);
  await checkLinks(db, user, input.personId, input.companyId);
  const ownerId = await assertOwner(db, user, input.ownerId);
  const [row] = await db
    .insert(deals)
    .values({
      id: newId(),
      name: input.name,
      status: input.status,
      value: input.value ?? null,
      currency: input.currency ?? null,
      personId: input.personId ?? null,
      companyId: input.companyId ?? null,
      ownerId,
    })
    .returning();
  return row;
}

export async function updateDeal(db: Tx, user: AuthUser, id: string, patch: z.output<typeof dealPatch>) {
  const current = await getDealRow(db, user, id);
  const ownerId = await writableWithOwner(db, user, "deal", current, patch.ownerId);
  await checkLinks(db, user, patch.personId, patch.companyId);
  const [row] = await db
    .update(deals)
    .set({
      name: patch.name ?? current.name,
      status: patch.status ?? current.status,
      value: patch.value !== undefined ? patch.value : current.value,
      currency: patch.currency !== undefined ? patch.currency : current.currency,
      personId: patch.personId !== undefined ? patch.personId : current.personId,
      companyId: patch.companyId !== undefined ? patch.companyId : current.companyId,
      ownerId,
      updatedAt: new Date(),
    })
    .where(eq(deals.id, id))
    .returning();
  return row;
}
