// Persons: contacts who are people, optionally at a company.
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { z } from "zod";
import type { Person, personInput, personPatch } from "../../shared/api/records.js";
import { badRequest, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { companies, overwrittenValues, persons } from "../db/schema.js";
import { newId } from "../ids.js";
import { visibleTo } from "./access.js";
import { categoriesOf, dealStatusesOf } from "./categories.js";
import { listPage, pageWhere } from "./cursor.js";
import { emailsOf, setRecordEmails } from "./emails.js";
import { inTurn } from "./in-turn.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { fieldTimesAfter } from "./person-field-times.js";
import { assertNamedOrAddressed, assertOwner, writableWithOwner } from "./records-common.js";
import { searchText } from "./search-text.js";

type Row = typeof persons.$inferSelect;

export const personVisible = (user: AuthUser) =>
  and(isNull(persons.mergedInto), visibleTo(user, "person", { id: persons.id, ownerId: persons.ownerId }))!;

export async function toPersons(db: Tx, rows: Row[]): Promise<Person[]> {
  const ids = rows.map((r) => r.id);
  const [emails, owners, statuses, comps, overwritten] = await inTurn(
    () => emailsOf(db, "person", ids),
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
    () => dealStatusesOf(db, ids, []),
    () =>
      companyNames(
        db,
        rows.map((r) => r.companyId),
      ),
    () => overwrittenOf(db, ids),
  );
  return rows.map((r) => ({
    id: r.id,
    firstName: r.firstName,
    lastName: r.lastName,
    name: `${r.firstName} ${r.lastName}`.trim(),
    title: r.title,
    company: r.companyId ? { id: r.companyId, name: comps.get(r.companyId) ?? "" } : null,
    emails: emails.get(r.id) ?? [],
    phones: r.phones,
    mobilePhone: r.mobilePhone,
    businessAddress: r.businessAddress ?? null,
    homeAddress: r.homeAddress ?? null,
    customerStatus: r.customerStatus,
    categories: categoriesOf("person", r.customerStatus, statuses.person.get(r.id)),
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    customFields: r.customFields,
    overwrittenValues: overwritten.get(r.id) ?? [],
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

/** R-X-11: the values contact sync overwrote, newest first. */
async function overwrittenOf(db: Tx, ids: string[]) {
  const out = new Map<string, Person["overwrittenValues"]>();
  if (!ids.length) return out;
  const rows = await db
    .select()
    .from(overwrittenValues)
    .where(inArray(overwrittenValues.personId, ids))
    .orderBy(desc(overwrittenValues.overwrittenAt), desc(overwrittenValues.id));
  for (const r of rows)
    out.set(r.personId, [
      ...(out.get(r.personId) ?? []),
      { field: r.field, oldValue: r.oldValue, source: r.source, at: r.overwrittenAt.toISOString() },
    ]);
  return out;
}

async function companyNames(db: Tx, ids: (string | null)[]) {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  if (!unique.length) return new Map<string, string>();
  const rows = await db
    .select({ id: companies.id, name: companies.name })
    .from(companies)
    .where(inArray(companies.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function getPersonRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(persons)
    .where(and(eq(persons.id, id), personVisible(user)));
  if (!row) throw notFound(`Person ${id}`);
  return row;
}

export async function listPersons(db: Tx, user: AuthUser, q: { q?: string; cursor?: string; limit: number }) {
  return listPage(db, persons, [personVisible(user), ...pageWhere(persons, q)], q.limit, toPersons);
}

async function checkCompany(db: Tx, user: AuthUser, companyId: string | null | undefined) {
  // An empty id names no company: refused here, or the insert would break the foreign key (a 500).
  if (companyId === null || companyId === undefined) return;
  const [c] = await db
    .select({ id: companies.id })
    .from(companies)
    .where(and(eq(companies.id, companyId), visibleTo(user, "company", companies)));
  if (!c)
    throw badRequest(`Company "${companyId}" does not exist or is not visible to you.`, [
      { path: "body.companyId", message: "unknown company" },
    ]);
}

async function companyNameOf(db: Tx, companyId: string | null | undefined) {
  if (!companyId) return null;
  const [c] = await db.select({ name: companies.name }).from(companies).where(eq(companies.id, companyId));
  return c?.name ?? null;
}

type PersonValues = Omit<z.output<typeof personInput>, "emails" | "ownerId"> & { ownerId: string };

/** The stored columns of a person, the search text included; create and update both write these. */
async function personColumns(db: Tx, v: PersonValues, emails: string[]) {
  return {
    firstName: v.firstName,
    lastName: v.lastName,
    title: v.title ?? null,
    companyId: v.companyId ?? null,
    phones: v.phones,
    mobilePhone: v.mobilePhone ?? null,
    businessAddress: v.businessAddress ?? null,
    homeAddress: v.homeAddress ?? null,
    customerStatus: v.customerStatus,
    ownerId: v.ownerId,
    customFields: v.customFields,
    searchText: searchText({
      names: [v.firstName, v.lastName, v.title, await companyNameOf(db, v.companyId)],
      emails,
      phones: [...v.phones, ...(v.mobilePhone ? [v.mobilePhone] : [])],
    }),
  };
}

export async function createPerson(
  db: Tx,
  user: AuthUser,
  input: z.output<typeof personInput>,
): Promise<Row> {
  assertNamedOrAddressed("person", input);
  await checkCompany(db, user, input.companyId);
  const ownerId = await assertOwner(db, user, input.ownerId);
  const id = newId();
  const [row] = await db
    .insert(persons)
    .values({ id, ...(await personColumns(db, { ...input, ownerId }, input.emails)) })
    .returning();
  await setRecordEmails(db, "person", id, input.emails);
  return row;
}

export async function updatePerson(
  db: Tx,
  user: AuthUser,
  id: string,
  patch: z.output<typeof personPatch>,
): Promise<Row> {
  const current = await getPersonRow(db, user, id);
  const ownerId = await writableWithOwner(db, user, "person", current, patch.ownerId);
  if (patch.companyId !== undefined) await checkCompany(db, user, patch.companyId);
  const emails = patch.emails ?? (await emailsOf(db, "person", [id])).get(id) ?? [];
  const next = { ...current, ...stripUndefined(patch), ownerId };
  const before = (await emailsOf(db, "person", [id])).get(id) ?? [];
  const now = new Date();
  const columns = await personColumns(db, next, emails);
  const fieldChangedAt = fieldTimesAfter(
    current.fieldChangedAt,
    { ...current, emails: before },
    { ...columns, emails },
    now,
  );
  const [row] = await db
    .update(persons)
    .set({ ...columns, fieldChangedAt, updatedAt: now })
    .where(eq(persons.id, id))
    .returning();
  if (patch.emails) await setRecordEmails(db, "person", id, patch.emails);
  return row;
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
