// Cursor pagination over time-ordered ids (UUIDv7): newest first, stable under inserts.
import { and, desc, ilike, lt, or, type SQL } from "drizzle-orm";
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
