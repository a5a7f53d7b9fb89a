// R-1 (SPEC §1, users and access): a user sees the records he owns or was granted; an admin sees all.
// Every query of the store takes its WHERE clause from here, so no route can forget the rule.
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { AuthUser } from "../auth/user.js";
import { grants } from "../db/schema.js";

export type Visible = Pick<AuthUser, "id" | "role">;

/** SQL condition: the row (of `recordType`, with id and owner columns) is visible to `user`. */
export function visibleTo(
  user: Visible,
  recordType: "person" | "company" | "lead" | "deal",
  cols: { id: PgColumn; ownerId: PgColumn },
): SQL {
  if (user.role === "admin") return sql`true`;
  const granted = sql`select 1 from ${grants} where ${and(
    eq(grants.recordType, recordType),
    eq(grants.recordId, cols.id),
    eq(grants.userId, user.id),
  )}`;
  return sql`(${cols.ownerId} = ${user.id} or exists (${granted}))`;
}

/** Activities and events belong to their owner; an admin sees all. */
export function ownedBy(user: Visible, ownerCol: PgColumn): SQL {
  return user.role === "admin" ? sql`true` : eq(ownerCol, user.id);
}
