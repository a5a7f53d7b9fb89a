import { and, eq } from "drizzle-orm";
import { badRequest, forbidden } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { grants, users } from "../db/schema.js";
import { assertWritable, type GrantableType } from "./access.js";

/** The owner of a new record: the acting user, or another user when an admin says so. */
export async function assertOwner(db: Tx, user: AuthUser, ownerId: string | undefined): Promise<string> {
  if (!ownerId || ownerId === user.id) return user.id;
  if (user.role !== "admin") throw forbidden("Only an admin can create a record for another owner.");
  return existingUser(db, ownerId);
}

async function existingUser(db: Tx, id: string): Promise<string> {
  const [u] = await db.select({ id: users.id }).from(users).where(eq(users.id, id));
  if (!u) throw badRequest(`User ${id} does not exist.`, [{ path: "body.ownerId", message: "unknown user" }]);
  return id;
}

/**
 * Before a PATCH of a record the user can see: only its owner or an admin writes it, and they may
 * give it to any user. Answers the owner the record has afterwards.
 */
export async function writableWithOwner(
  db: Tx,
  user: AuthUser,
  recordType: GrantableType,
  current: { id: string; ownerId: string },
  ownerId: string | undefined,
): Promise<string> {
  const givesAway = ownerId !== undefined && ownerId !== current.ownerId;
  assertWritable(user, recordType, current, givesAway ? "give it to another owner" : "change it");
  if (!givesAway) return current.ownerId;
  await existingUser(db, ownerId);
  // The new owner needs no grant any more.
  await db
    .delete(grants)
    .where(
      and(eq(grants.recordType, recordType), eq(grants.recordId, current.id), eq(grants.userId, ownerId)),
    );
  return ownerId;
}

/** A person or a lead is someone: it needs a first name, a last name or an email address. */
export function assertNamedOrAddressed(
  kind: "person" | "lead",
  v: { firstName: string; lastName: string; emails: string[] },
): void {
  if (!v.firstName && !v.lastName && !v.emails.length)
    throw badRequest(`A ${kind} needs a name or an email address.`, [
      { path: "body.lastName", message: "give a first name, a last name or an email" },
    ]);
}
