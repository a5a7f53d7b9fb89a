// Leads: people not yet qualified as contacts.
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Lead, leadInput, leadPatch } from "../../shared/api/records.js";
import { notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { leads } from "../db/schema.js";
import { newId } from "../ids.js";
import { visibleTo } from "./access.js";
import { categoriesOf } from "./categories.js";
import { listPage, pageWhere } from "./cursor.js";
import { emailsOf, setRecordEmails } from "./emails.js";
import { inTurn } from "./in-turn.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { stripUndefined } from "./persons.js";
import { assertNamedOrAddressed, assertOwner, writableWithOwner } from "./records-common.js";
import { searchText } from "./search-text.js";

type Row = typeof leads.$inferSelect;

export const leadVisible = (user: AuthUser) => visibleTo(user, "lead", leads);

export async function toLeads(db: Tx, rows: Row[]): Promise<Lead[]> {
  const ids = rows.map((r) => r.id);
  const [emails, owners] = await inTurn(
    () => emailsOf(db, "lead", ids),
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
  );
  return rows.map((r) => ({
    id: r.id,
    firstName: r.firstName,
    lastName: r.lastName,
    name: `${r.firstName} ${r.lastName}`.trim(),
    title: r.title,
    companyName: r.companyName,
    emails: emails.get(r.id) ?? [],
    phones: r.phones,
    categories: categoriesOf("lead", "none", []),
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    customFields: r.customFields,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getLeadRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(leads)
    .where(and(eq(leads.id, id), leadVisible(user)));
  if (!row) throw notFound(`Lead ${id}`);
  return row;
}

export async function listLeads(db: Tx, user: AuthUser, q: { q?: string; cursor?: string; limit: number }) {
  return listPage(db, leads, [leadVisible(user), ...pageWhere(leads, q)], q.limit, toLeads);
}

type LeadValues = Omit<z.output<typeof leadInput>, "emails" | "ownerId"> & { ownerId: string };

/** The stored columns of a lead, the search text included; create and update both write these. */
function leadColumns(v: LeadValues, emails: string[]) {
  return {
    firstName: v.firstName,
    lastName: v.lastName,
    title: v.title ?? null,
    companyName: v.companyName ?? null,
    phones: v.phones,
    ownerId: v.ownerId,
    customFields: v.customFields,
    searchText: searchText({
      names: [v.firstName, v.lastName, v.title, v.companyName],
      emails,
      phones: v.phones,
    }),
  };
}

export async function createLead(db: Tx, user: AuthUser, input: z.output<typeof leadInput>): Promise<Row> {
  assertNamedOrAddressed("lead", input);
  const ownerId = await assertOwner(db, user, input.ownerId);
  const id = newId();
  const [row] = await db
    .insert(leads)
    .values({ id, ...leadColumns({ ...input, ownerId }, input.emails) })
    .returning();
  await setRecordEmails(db, "lead", id, input.emails);
  return row;
}

export async function updateLead(
  db: Tx,
  user: AuthUser,
  id: string,
  patch: z.output<typeof leadPatch>,
): Promise<Row> {
  const current = await getLeadRow(db, user, id);
  const ownerId = await writableWithOwner(db, user, "lead", current, patch.ownerId);
  const emails = patch.emails ?? (await emailsOf(db, "lead", [id])).get(id) ?? [];
  const next = { ...current, ...stripUndefined(patch), ownerId };
  const [row] = await db
    .update(leads)
    .set({ ...leadColumns(next, emails), updatedAt: new Date() })
    .where(eq(leads.id, id))
    .returning();
  if (patch.emails) await setRecordEmails(db, "lead", id, patch.emails);
  return row;
}
