// R-1 (SPEC §1, users and access): a user sees the records he owns or was granted; an admin sees all.
// Only the owner or an admin writes a record: changes it, gives it to another owner, merges, deletes
// or shares it. A grant is read access.
//
// `accessCondition` is the one definition of "may see". The store's queries get it through `visibleTo`
// (the user as parameters); the sidebar's prepared context statement gets it as static SQL text through
// `visibleInStatement` (the user as columns of the statement's request rows), so that statement stays
// one text PostgreSQL prepares once.
import { eq, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type PgColumn, PgDialect } from "drizzle-orm/pg-core";
import { forbidden } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { grants } from "../db/schema.js";

export type Visible = Pick<AuthUser, "id" | "role">;
export type GrantableType = "person" | "company" | "lead" | "deal";

const grantable = new Set<string>(["person", "company", "lead", "deal"]);

/** The access rule as SQL, over any expressions for the row (id, owner) and for the user (id, admin flag). */
export function accessCondition(
  recordType: GrantableType,
  row: { id: SQLWrapper; ownerId: SQLWrapper },
  who: { userId: SQLWrapper; isAdmin: SQLWrapper },
): SQL {
  // A literal, not a parameter, so that the text stays static; checked because it is spliced in.
  if (!grantable.has(recordType)) throw new Error(`no access rule for record type ${recordType}`);
  const type = sql.raw(`'${recordType}'`);
  return sql`(${who.isAdmin} or ${row.ownerId} = ${who.userId} or exists (select 1 from ${grants}
    where ${grants.recordType} = ${type} and ${grants.recordId} = ${row.id} and ${grants.userId} = ${who.userId}))`;
}

/** SQL condition: the row (of `recordType`, with id and owner columns) is visible to `user`. */
export function visibleTo(
  user: Visible,
  recordType: GrantableType,
  cols: { id: SQLWrapper; ownerId: SQLWrapper },
): SQL {
  // The admin flag as a literal lets the planner drop the whole condition for an admin.
  const isAdmin = sql.raw(user.role === "admin" ? "true" : "false");
  return accessCondition(recordType, cols, { userId: sql`${user.id}`, isAdmin });
}

const dialect = new PgDialect();

/**
 * The access rule as SQL text for a hand-written statement: `alias` is the record's table alias,
 * `request` the alias of a row with the acting user's `user_id` and `is_admin` columns.
 */
export function visibleInStatement(recordType: GrantableType, alias: string, request: string): string {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const query = dialect.sqlToQuery(
    accessCondition(
      recordType,
      { id: col("id"), ownerId: col("owner_id") },
      { userId: sql.raw(`${request}.user_id`), isAdmin: sql.raw(`${request}.is_admin`) },
    ),
  );
  if (query.params.length) throw new Error("the access condition of a static statement takes no parameters");
  return query.sql;
}

/** Whether `user` may write the record: its owner or an admin. */
export const mayWrite = (user: Visible, record: { ownerId: string }) =>
  user.role === "admin" || record.ownerId === user.id;

/**
 * Refuses a write to a record the user can see but does not own (403: visible, so no secret to keep).
 * `action` completes "only its owner or an admin can …".
 */
export function assertWritable(
  user: Visible,
  recordType: GrantableType,
  record: { id: string; ownerId: string },
  action = "change it",
): void {
  if (!mayWrite(user, record))
    throw forbidden(
      `The ${recordType} ${record.id} was shared with you to read: only its owner or an admin can ${action}.`,
    );
}

/** Activities and events belong to their owner; an admin sees all. */
export function ownedBy(user: Visible, ownerCol: PgColumn): SQL {
  return user.role === "admin" ? sql`true` : eq(ownerCol, user.id);
}
