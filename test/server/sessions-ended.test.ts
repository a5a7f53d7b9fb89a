// PostgreSQL may end a process's sessions at any moment (a restart, a failover, pg_terminate_backend by
// an operator). A session checked out of the pool between two statements (a transaction, the per-key
// lease a job holds) must not take the process down with it: what used it fails, the rest goes on.
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../server/db/index.js";
import { tryLockKey } from "../../server/jobs/key-lock.js";
import { freshPostgresDatabase } from "../harness/app.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PostgreSQL ending a process's sessions", () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: Database;
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    database = await openDatabase({ url: fresh.url });
  });
  afterAll(async () => {
    await database?.close();
    await fresh?.drop();
  });

  const terminateOthers = async () => {
    const admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
      );
      return rows.length;
    } finally {
      await admin.end();
    }
  };

  it("R-P-3: a transaction whose session ends between two statements fails, the process goes on, and the next query works", async () => {
    const run = database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
      expect(await terminateOthers()).toBeGreaterThan(0);
      await sleep(300); // the "error" event arrives while no statement runs
      await tx.execute(sql`select 2`);
    });
    await expect(run).rejects.toThrow();
    const { rows } = await database.query<{ n: number }>("select 3 as n");
    expect(rows[0].n).toBe(3);
  });

  it("R-P-3: a sidebar look-up whose session PostgreSQL ends mid-statement is answered on a new session", async () => {
    const lookup = database.sidebarQuery<{ n: number }>("select 7 as n from pg_sleep(1)");
    await sleep(300); // the statement is at the database now
    expect(await terminateOthers()).toBeGreaterThan(0);
    expect((await lookup).rows[0].n).toBe(7);
    // A statement that is wrong is not run again: its error reaches the caller.
    await expect(database.sidebarQuery("select * from no_such_table")).rejects.toThrow(/no_such_table/);
  });

  it("R-P-3: a lease whose connection PostgreSQL terminates does not end the process, and the key is free again", async () => {
    const lease = await tryLockKey(database, "sync.step", "conn-1");
    expect(lease).not.toBeNull();
    expect(await tryLockKey(database, "sync.step", "conn-1")).toBeNull();

    const admin = new pg.Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "select pg_terminate_backend(pid) as done from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
      );
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // node-postgres reports the dropped connection as an "error" event on the idle client: unheard, it
    // would be an uncaught exception that ends the worker (vitest fails the run on it).
    await sleep(300);
    await lease?.release();
    const again = await tryLockKey(database, "sync.step", "conn-1");
    expect(again, "the next worker takes the key").not.toBeNull();
    await again?.release();
  });
});
