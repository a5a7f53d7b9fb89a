// A user who reconnects an account waits for its sync. When more steps are due than the workers run
// (the fault benchmark's fleet had 30–50 waiting), a reconnected connection queued as a routine poll
// waited about 70 s behind the others; it goes before them, as a dead worker's connection does.
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { putSecret } from "../../server/secrets/store.js";
import { ROUTINE, URGENT } from "../../server/sync/priority.js";
import { applyEvent, ensureStates, syncPolicy } from "../../server/sync/state-machine.js";
import { queueSteps, tick } from "../../server/sync/tick.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { SECRET_NAME, TEST_PROVIDER } from "./test-provider.js";

const rowsOf = (r: unknown) => ((r as { rows?: unknown[] }).rows ?? r) as Record<string, unknown>[];

describe.each(engines)("a reconnected account among due polls on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    // Nobody works the queue: the jobs stay as the tick queued them.
    s = await startTestServer({ engine, work: false, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-P-3: the tick queues the step of a connection the user just reconnected ahead of the routine polls", async () => {
    const owner = await s.user(`reconnect-${engine}@acme.test`);
    const ids: string[] = [];
    for (const name of ["routine", "reconnected"]) {
      const c = await createConnection(s.ctx.db, owner.id, {
        provider: TEST_PROVIDER,
        accountAddress: `${name}-${engine}@mail.test`,
      });
      await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, c.id, SECRET_NAME, "token-v1", null);
      ids.push(c.id);
    }
    const [routine, reconnected] = ids;
    await ensureStates(s.ctx.db);
    const policy = syncPolicy(s.ctx.config);
    await applyEvent(s.ctx.db, reconnected, { type: "step-started" }, policy);
    await applyEvent(
      s.ctx.db,
      reconnected,
      { type: "failed", kind: "auth", reason: "refused", secretVersion: 1 },
      policy,
    );
    await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, reconnected, SECRET_NAME, "token-v2", 1);

    await tick(s.ctx);
    const priority = async (id: string) =>
      rowsOf(
        await s.ctx.db.execute(
          sql`select priority from pgboss.job where name = 'sync.step' and singleton_key = ${id} and state = 'created'`,
        ),
      ).map((r) => Number(r.priority));
    expect(await priority(reconnected)).toEqual([1]);
    expect(await priority(routine)).toEqual([0]);
  });
  it("R-P-3: due steps are queued in one statement, a step already waiting but put off is due now at the higher priority, and none is queued twice", async () => {
    const owner = await s.user(`batch-${engine}@acme.test`);
    const ids: string[] = [];
    for (const name of ["a", "b", "put-off"]) {
      const c = await createConnection(s.ctx.db, owner.id, {
        provider: TEST_PROVIDER,
        accountAddress: `${name}-batch-${engine}@mail.test`,
      });
      ids.push(c.id);
    }
    const [a, b, putOff] = ids;
    // A step of `putOff` waits already, put off for an hour (deferred behind a step that then died).
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "sync.step", { connectionId: putOff }));
    await s.ctx.db.execute(
      sql`update pgboss.job set start_after = now() + interval '1 hour' where name = 'sync.step' and singleton_key = ${putOff}`,
    );
    const sent = engine === "postgres" ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    let texts: string[] = [];
    try {
      await queueSteps(s.ctx, ids, [putOff]);
    } finally {
      texts = (sent?.mock.calls ?? []).map(([q]) =>
        typeof q === "string" ? q : (q as { text: string }).text,
      );
      sent?.mockRestore();
    }
    const waiting = async (id: string) =>
      rowsOf(
        await s.ctx.db.execute(
          sql`select priority, start_after <= now() as due from pgboss.job where name = 'sync.step' and singleton_key = ${id} and state = 'created'`,
        ),
      ).map((r) => ({ priority: Number(r.priority), due: Boolean(r.due) }));
    expect(await waiting(a)).toEqual([{ priority: ROUTINE, due: true }]);
    expect(await waiting(b)).toEqual([{ priority: ROUTINE, due: true }]);
    expect(await waiting(putOff)).toEqual([{ priority: URGENT, due: true }]);
    if (sent) {
      expect(texts.filter((t) => /INSERT INTO pgboss\.job/i.test(t))).toHaveLength(1);
      expect(texts.filter((t) => /^\s*update pgboss\.job/i.test(t))).toHaveLength(1);
    }
  });
});
