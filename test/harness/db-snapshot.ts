// What is stored, and whether a request wrote anything: `writeCounter` counts row writes through
// triggers, `rows` reads the rows themselves, for proving that bad input lost or
// changed nothing already stored (R-P-4).
import { sql } from "drizzle-orm";
import type { Db } from "../../server/db/index.js";
import { rawSql, rowsOf } from "../../server/db/index.js";

/** Tables that a refused request may legitimately write: the sign-in throttle, token use, codes. */
export const BOOKKEEPING = [
  "api_tokens",
  "sign_in_failures",
  "login_codes",
  "__drizzle_migrations",
  "test_row_writes",
];

export async function tableNames(db: Db, exclude: readonly string[] = BOOKKEEPING): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(
      sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    ),
  );
  return rows.map((r) => r.name).filter((n) => !exclude.includes(n));
}

/**
 * A function answering how many rows were written so far (inserted, updated or deleted, committed) in
 * the public schema's tables: a row trigger on each counts into `test_row_writes`, so one cheap read
 * tells whether a request wrote anything. Rolled-back writes roll their count back with them.
 */
export async function writeCounter(db: Db, exclude?: readonly string[]) {
  const tables = await tableNames(db, exclude);
  await db.execute(sql`create table if not exists test_row_writes (n bigint not null)`);
  await db.execute(
    sql`insert into test_row_writes select 0 where not exists (select 1 from test_row_writes)`,
  );
  await db.execute(
    sql.raw(`create or replace function test_count_write() returns trigger language plpgsql as $$
      begin update test_row_writes set n = n + 1; return null; end $$`),
  );
  for (const t of tables)
    await db.execute(
      sql.raw(`create or replace trigger test_count_write after insert or update or delete on "${t}"
        for each row execute function test_count_write()`),
    );
  return async (): Promise<number> =>
    Number(rowsOf<{ n: string }>(await db.execute(sql`select n from test_row_writes`))[0].n);
}

/** Every row of every table, as JSON text per table. */
export async function rows(db: Db, exclude?: readonly string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const t of await tableNames(db, exclude)) {
    const rs = rowsOf<{ x: string }>(
      await db.execute(rawSql(`select row_to_json(r)::text as x from "${t}" r`)),
    );
    out.set(t, new Set(rs.map((r) => r.x)));
  }
  return out;
}

/** Rows of `before` that `after` no longer holds as they were (lost or changed), by table. */
export function lostOrChanged(before: Map<string, Set<string>>, after: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [t, rs] of before)
    for (const r of rs) if (!after.get(t)?.has(r)) out.push(`${t}: ${r.slice(0, 300)}`);
  return out;
}
