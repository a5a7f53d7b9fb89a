// The per-key lease on PostgreSQL is a session advisory lock on a pooled connection kept for the whole
// job. PostgreSQL may end that connection while the job runs (a restart, pg_terminate_backend by an
// operator): the process must go on, and the lease must be free for the next worker.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../server/db/index.js";
import { tryLockKey } from "../../server/jobs/key-lock.js";
import { freshPostgresDatabase } from "../harness/app.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("per-key leases on PostgreSQL", () => {
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
