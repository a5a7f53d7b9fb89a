// A keyed queue keeps one waiting job per key. When that job was put off (deferred while a step of
// the key ran, whose worker then died), a new send for the key must not be dropped into that wait:
// the waiting job becomes due now. Otherwise a killed worker's connection, freed by the watchdog, sat
// out the whole deferral (R-P-3: a crash resumes without loss, and soon).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Record<string, unknown>[];

describe.each(engines)("sending a keyed job that already waits on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    // Nobody works the queue here: the jobs stay where the sends put them.
    s = await startTestServer({ engine, work: false, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  const waiting = async (key: string) =>
    rowsOf(
      await s.ctx.db.execute(
        sql`select id, start_after > now() as later, priority from pgboss.job where name = 'sync.step' and singleton_key = ${key} and state = 'created'`,
      ),
    );

  it("R-P-3: the job put off until later is due now, and it stays the only one", async () => {
    const key = "0190aaaa-0000-7000-8000-000000000001";
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "sync.step", { connectionId: key }));
    // Deferred, as the worker loop does for a key whose step runs elsewhere.
    await s.ctx.db.execute(
      sql`update pgboss.job set start_after = now() + interval '60 seconds' where name = 'sync.step' and singleton_key = ${key}`,
    );
    expect(await waiting(key)).toEqual([expect.objectContaining({ later: true })]);

    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "sync.step", { connectionId: key }));
    expect(await waiting(key)).toEqual([expect.objectContaining({ later: false })]);
  });

  it("R-P-3: a step freed from a dead worker, sent at a higher priority, lifts the waiting job of its key", async () => {
    const key = "0190aaaa-0000-7000-8000-000000000002";
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "sync.step", { connectionId: key }));
    expect(await waiting(key)).toEqual([expect.objectContaining({ later: false, priority: 0 })]);
    await s.ctx.db.transaction((tx) =>
      s.ctx.jobs.send(tx, "sync.step", { connectionId: key }, { priority: 1 }),
    );
    expect(await waiting(key)).toEqual([expect.objectContaining({ later: false, priority: 1 })]);
    // A routine send afterwards does not lower it.
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "sync.step", { connectionId: key }));
    expect(await waiting(key)).toEqual([expect.objectContaining({ priority: 1 })]);
  });
});
