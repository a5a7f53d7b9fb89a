import { eq } from "drizzle-orm";
import { badRequest, forbidden } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { users } from "../db/schema.js";

/** The owner of a new or changed record: the acting user, or another user when an admin says so. */
export async function assertOwner(db: Tx, user: AuthUser, ownerId: string | undefined): Promise<string> {
  if (!ownerId || ownerId === user.id) return user.id;
  if (user.role !== "admin") throw forbidden("Only an admin can give a record to another owner.");
  const [u] = await db.select({ id: users.id }).from(users).where(eq(users.id, ownerId));
  if (!u)
    throw badRequest(`User ${ownerId} does not exist.`, [{ path: "body.ownerId", message: "unknown user" }]);
  return ownerId;
}
