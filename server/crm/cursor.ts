// Cursor pagination over time-ordered ids (UUIDv7): newest first, stable under inserts; and over a
// time column then the id (timeCursor) for lists in time order.
import { and, desc, eq, gt, ilike, lt, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { badRequest } from "../api/problem.js";
import type { Tx } from "../db/index.js";
import { searchPatterns } from "./search-text.js";

export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const id = Buffer.from(cursor, "base64url").toString();
  if (!/^[0-9a-f-]{36}$/.test(id))
    throw badRequest("The cursor is not valid: pass back nextCursor as it was given.");
  return id;
}

export function pageOf<T extends { id: string }>(rows: T[], limit: number) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1].id) : null };
}

/** The conditions of one page of a list: after the cursor, and matching the search when one is given. */
export function pageWhere(
  cols: { id: PgColumn; searchText?: PgColumn },
  q: { q?: string; cursor?: string },
): SQL[] {
  const conds: SQL[] = [];
  const after = decodeCursor(q.cursor);
  if (after) conds.push(lt(cols.id, after));
  const patterns = cols.searchText ? searchPatterns(q.q) : [];
  if (patterns.length) conds.push(or(...patterns.map((p) => ilike(cols.searchText!, p)))!);
  return conds;
}

/** One page of a table, newest first: the rows matching `where`, turned into what the API gives. */
export async function listPage<Row extends { id: string }, Item>(
  db: Tx,
  table: PgTable & { id: PgColumn },
  where: (SQL | undefined)[],
  limit: number,
  toItems: (db: Tx, rows: Row[]) => Promise<Item[]>,
): Promise<{ items: Item[]; nextCursor: string | null }> {
  const rows = (await db
    .select()
    .from(table as PgTable)
    .where(and(...where))
    .orderBy(desc(table.id))
    .limit(limit + 1)) as unknown as Row[];
  const page = pageOf(rows, limit);
  return { items: await toItems(db, page.items), nextCursor: page.nextCursor };
}

/**
 * Cursors for lists ordered by a time column and then the id (events by their start). The cursor holds
 * the last row's time to the microsecond, as PostgreSQL stores it, so rows that start at the same
 * moment are neither skipped nor repeated across pages.
 */
export const timeCursor = {
  /** The time column as UTC text to the microsecond: select it beside the row to encode the cursor. */
  text: (col: PgColumn) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  encode: (at: string, id: string) => Buffer.from(`${at}|${id}`).toString("base64url"),
  /** The condition "after the cursor" for ascending (time, id), or none without a cursor. */
  after(cols: { at: PgColumn; id: PgColumn }, cursor: string | undefined): SQL | undefined {
    if (!cursor) return undefined;
    const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|(.{1,64})$/.exec(
      Buffer.from(cursor, "base64url").toString(),
    );
    if (!m) throw badRequest("The cursor is not valid: pass back nextCursor as it was given.");
    const at = sql`${m[1]}::timestamptz`;
    return or(gt(cols.at, at), and(eq(cols.at, at), gt(cols.id, m[2])));
  },
};
