// One PostgreSQL session of the test server's database that plans every prepared statement generically
// (plan_cache_mode=force_generic_plan), so a test can read pg_prepared_statements and see whether a
// statement was prepared once and reused. Undefined on the embedded engine, which has no such view.
import pg from "pg";
import type { TestServer } from "./app.js";

export function genericPlanSession(s: TestServer): pg.Pool | undefined {
  if (s.ctx.database.kind !== "postgres") return undefined;
  const pool = s.ctx.database.pool as pg.Pool & { options: { connectionString: string } };
  return new pg.Pool({
    connectionString: pool.options.connectionString,
    max: 1,
    options: "-c plan_cache_mode=force_generic_plan",
  });
}
