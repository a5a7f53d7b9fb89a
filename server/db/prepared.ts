// Hot statements run once or more per synced item, prepared once per session on PostgreSQL: the pool's
// sessions keep a generic plan for named statements (db/index.ts), so such a statement is neither parsed
// nor planned again, which for the small look-ups of a sync cost more than running them. Only statements
// whose text does not depend on the data qualify (a list of values goes in one array parameter,
// `textArray`): every distinct text is a statement the session keeps.
import { createHash } from "node:crypto";
import { type SQL, sql } from "drizzle-orm";

interface Preparable<T> {
  toSQL(): { sql: string };
  prepare(name: string): { execute(): Promise<T> };
}

/** Runs the query as a named statement, its name derived from its text. */
export function runPrepared<T>(query: Preparable<T>): Promise<T> {
  const name = `q_${createHash("sha1").update(query.toSQL().sql).digest("hex").slice(0, 24)}`;
  return query.prepare(name).execute();
}

/** Strings as ONE parameter of type text[], whatever their number (drizzle makes a JS array a list). */
export function textArray(values: readonly string[]): SQL {
  return sql`${arrayLiteral(values)}::text[]`;
}

/** PostgreSQL's text form of an array, each element quoted: for a parameter of an array type. */
export function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`;
}
