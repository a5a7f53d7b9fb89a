// The watchdog reads which running steps have lost their lease in one statement (unleasedKeys) instead
// of one lock attempt per step. It must see a lease held by another process (another session here) as
// held, whatever the key's hash (half of them are negative bigints, split across pg_locks' two oids),
// and a lease let go as free again.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tryLockKey, unleasedKeys } from "../../server/jobs/key-lock.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("the leases of many keys at once on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-P-3: keys leased elsewhere are held, the others free, and a lease let go is free again", async () => {
    const keys = Array.from(
      { length: 16 },
      (_, i) => `0190cccc-0000-7000-8000-${String(i).padStart(12, "0")}`,
    );
    const held = keys.filter((_, i) => i % 3 === 0);
    // Another process's leases: its own session on PostgreSQL, this process's on the embedded database.
    const other =
      engine === "postgres" ? new pg.Client({ connectionString: s.ctx.config.DATABASE_URL }) : null;
    await other?.connect();
    const leases = other
      ? []
      : await Promise.all(held.map((k) => tryLockKey(s.ctx.database, "sync.step", k)));
    try {
      for (const k of other ? held : [])
        await other!.query("select pg_advisory_lock(hashtextextended($1, 0))", [`sync.step:${k}`]);
      expect(await unleasedKeys(s.ctx.database, "sync.step", keys)).toEqual(
        keys.filter((k) => !held.includes(k)),
      );
      // The same keys in another queue are other leases.
      expect(await unleasedKeys(s.ctx.database, "blobs.collect", keys)).toEqual(keys);
    } finally {
      await other?.end();
      for (const l of leases) await l?.release();
    }
    expect(await unleasedKeys(s.ctx.database, "sync.step", keys)).toEqual(keys);
  });
});
