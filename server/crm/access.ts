// R-1 (SPEC §1, users and access): a user sees the records he owns or was granted; an admin sees all.
// Only the owner or an admin writes a record: changes it, gives it to another owner, merges, deletes
// or shares it. A grant is read access.
//
// `accessCondition` is the one definition of "may see" a record, `ownerCondition` of "may see" an
// activity or event. The store's queries get them through `visibleTo` and `ownedBy` (the user as
// parameters); the sidebar's prepared context statement gets them as static SQL text through
// `visibleInStatement` and `ownedInStatement` (the user as columns of the statement's request rows),
// so that statement stays one text PostgreSQL prepares once.
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import { type PgColumn, PgDialect } from "drizzle-orm/pg-core";
import { forbidden } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { grants } from "../db/schema.js";

export type Visible = Pick<AuthUser, "id" | "role">;
export type GrantableType = "person" | "company" | "lead" | "deal";

const grantable = new Set<string>(["person", "company", "lead", "deal"]);

/** The admin flag as a literal, not a parameter: the planner drops the whole condition for an admin. */
const adminLiteral = (user: Visible) => sql.raw(user.role === "admin" ? "true" : "false");

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
  return accessCondition(recordType, cols, { userId: sql`${user.id}`, isAdmin: adminLiteral(user) });
}

const dialect = new PgDialect();

/** A condition as static SQL text: it must take no parameters. */
function statementText(condition: SQL): string {
  const query = dialect.sqlToQuery(condition);
  if (query.params.length) throw new Error("the access condition of a static statement takes no parameters");
  return query.sql;
}

/** The acting user of a hand-written statement: the `user_id` and `is_admin` columns of row `request`. */
const requestUser = (request: string) => ({
  userId: sql.raw(`${request}.user_id`),
  isAdmin: sql.raw(`${request}.is_admin`),
});

/**
 * The access rule as SQL text for a hand-written statement: `alias` is the record's table alias,
 * `request` the alias of a row with the acting user's `user_id` and `is_admin` columns.
 */
export function visibleInStatement(recordType: GrantableType, alias: string, request: string): string {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  return statementText(
    accessCondition(recordType, { id: col("id"), ownerId: col("owner_id") }, requestUser(request)),
  );
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

/** Activities and events belong to their owner; an admin sees all. As SQL over any expressions. */
export function ownerCondition(ownerId: SQLWrapper, who: { userId: SQLWrapper; isAdmin: SQLWrapper }): SQL {
  return sql`(${who.isAdmin} or ${ownerId} = ${who.userId})`;
}

/** SQL condition: the activity or event (owner column `ownerCol`) is `user`'s, or `user` is an admin. */
export function ownedBy(user: Visible, ownerCol: PgColumn): SQL {
  return ownerCondition(ownerCol, { userId: sql`${user.id}`, isAdmin: adminLiteral(user) });
}

/** The same as `ownedBy` for a hand-written statement, like `visibleInStatement`. */
export function ownedInStatement(alias: string, request: string): string {
  return statementText(ownerCondition(sql.raw(`${alias}.owner_id`), requestUser(request)));
}
