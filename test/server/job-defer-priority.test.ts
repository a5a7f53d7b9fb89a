// A keyed job fetched while its key's lease is taken is put off and queued again. A dead worker's
// connection, queued again ahead of the routine polls, must stay ahead when that happens (its lease
// held for a moment by the watchdog, or by a step of it still finishing): before, the job came back at
// priority 0 and waited behind every poll of an over-capacity fleet (R-P-3: a crash resumes soon).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tryLockKey } from "../../server/jobs/key-lock.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Record<string, unknown>[];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("a keyed job put off on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    // The server works the queue; no tick or watchdog adds jobs of its own.
    s = await startTestServer({ engine, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  const jobs = async (key: string) =>
    rowsOf(
      await s.ctx.db.execute(
        sql`select state, priority, start_after > now() as later, output from pgboss.job
             where name = 'sync.step' and singleton_key = ${key} order by created_on`,
      ),
    );

  it("R-P-3: a recovery step put off while its lease is taken keeps its priority, and is no step run", async () => {
    const key = "0190bbbb-0000-7000-8000-000000000001";
    const lease = await tryLockKey(s.ctx.database, "sync.step", key);
    expect(lease).not.toBeNull();
    try {
      await s.ctx.db.transaction((tx) =>
        s.ctx.jobs.send(tx, "sync.step", { connectionId: key }, { priority: 1 }),
      );
      let seen = await jobs(key);
      for (let i = 0; i < 100 && !seen.some((j) => j.state === "completed"); i++) {
        await sleep(100);
        seen = await jobs(key);
      }
      expect(seen).toEqual([
        expect.objectContaining({ state: "completed", output: { deferred: true } }),
        expect.objectContaining({ state: "created", priority: 1, later: true }),
      ]);
    } finally {
      await lease?.release();
    }
  });
});
