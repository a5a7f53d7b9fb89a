// Sharing: the owner of a record, or an admin, grants another user read access to it and takes
// it back. Writing stays with the owner and the admins.
import { and, asc, eq } from "drizzle-orm";
import type { z } from "zod";
import type { Grant, grantInput } from "../../shared/api/grants.js";
import { normalizeEmail } from "../../shared/text.js";
import { badRequest, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { grants, users } from "../db/schema.js";
import { assertWritable, type GrantableType } from "./access.js";
import { getRecordRow } from "./record-rows.js";

/** The record, once the user is known to be its owner or an admin. */
async function shareable(db: Tx, user: AuthUser, type: GrantableType, id: string, action: string) {
  const record = await getRecordRow(db, user, type, id);
  assertWritable(user, type, record, action);
  return record;
}

const grantsOf = (db: Tx, type: GrantableType, id: string, userId?: string) =>
  db
    .select({ id: users.id, name: users.name, email: users.email, createdAt: grants.createdAt })
    .from(grants)
    .innerJoin(users, eq(users.id, grants.userId))
    .where(
      and(
        eq(grants.recordType, type),
        eq(grants.recordId, id),
        userId === undefined ? undefined : eq(grants.userId, userId),
      ),
    )
    .orderBy(asc(grants.createdAt), asc(users.email));

const toGrant = (r: { id: string; name: string; email: string; createdAt: Date }): Grant => ({
  user: { id: r.id, name: r.name, email: r.email },
  createdAt: r.createdAt.toISOString(),
});

export async function listGrants(db: Tx, user: AuthUser, type: GrantableType, id: string): Promise<Grant[]> {
  await shareable(db, user, type, id, "see whom it is shared with");
  return (await grantsOf(db, type, id)).map(toGrant);
}

/** Shares the record with a user; sharing again changes nothing. */
export async function shareRecord(
  db: Tx,
  user: AuthUser,
  type: GrantableType,
  id: string,
  input: z.output<typeof grantInput>,
): Promise<Grant> {
  const record = await shareable(db, user, type, id, "share it");
  const field = input.userId !== undefined ? "userId" : "email";
  const [grantee] = await db
    .select({ id: users.id })
    .from(users)
    .where(
      input.userId !== undefined ? eq(users.id, input.userId) : eq(users.email, normalizeEmail(input.email!)),
    );
  if (!grantee)
    throw badRequest(`No user has the ${field === "userId" ? "id" : "address"} ${input[field]}.`, [
      { path: `body.${field}`, message: "unknown user" },
    ]);
  if (grantee.id === record.ownerId)
    throw badRequest(`That user owns the ${type} already.`, [
      { path: `body.${field}`, message: "is the owner" },
    ]);
  await db
    .insert(grants)
    .values({ recordType: type, recordId: id, userId: grantee.id })
    .onConflictDoNothing();
  return toGrant((await grantsOf(db, type, id, grantee.id))[0]);
}

export async function withdrawGrant(
  db: Tx,
  user: AuthUser,
  type: GrantableType,
  id: string,
  userId: string,
): Promise<void> {
  await shareable(db, user, type, id, "stop sharing it");
  const gone = await db
    .delete(grants)
    .where(and(eq(grants.recordType, type), eq(grants.recordId, id), eq(grants.userId, userId)))
    .returning({ userId: grants.userId });
  if (!gone.length) throw notFound(`A grant of ${type} ${id} to user ${userId}`);
}
