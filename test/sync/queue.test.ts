// The sync on the job queue, as deployed: the periodic tick gives new connections their state and queues
// their steps, steps return "more" until the mailbox is synced, and several workers on one database
// never run one connection's steps at the same time (R-P-1).
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { createJobs } from "../../server/jobs/pgboss.js";
import type { Jobs } from "../../server/jobs/queue.js";
import { createLogger } from "../../server/log.js";
import { putSecret } from "../../server/secrets/store.js";
import { applyEvent, ensureStates, readState, syncPolicy } from "../../server/sync/state-machine.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { createSyncedItemsTable, deliver, SECRET_NAME, TEST_PROVIDER, testAccount } from "./test-provider.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("sync on the job queue on %s", (engine) => {
  let s: TestServer;
  const workers: Jobs[] = [];
  let owner: { id: string };

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: { CONCILIA_SYNC_TICK_SECONDS: "1", CONCILIA_SYNC_BATCH_SIZE: "2", CONCILIA_SYNC_STEP_ITEMS: "2" },
    });
    await createSyncedItemsTable(s.ctx.db);
    owner = await s.user(`queue-${engine}@acme.test`);
    // Two more workers on the same database, beside the server's own.
    for (let i = 0; i < 2; i++) {
      const jobs = await createJobs(s.ctx.database, createLogger("silent"));
      await jobs.work(s.ctx);
      workers.push(jobs);
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await s?.close();
  });

  it("R-P-1, R-P-2: a new connection starts syncing by itself; three workers never run one connection twice at once and store each message once", async () => {
    const boxes = [1, 2, 3].map((i) => `queue-${engine}-${i}@mail.test`);
    const ids: string[] = [];
    for (const address of boxes) {
      const account = testAccount(address);
      account.delayMs = 25; // every call takes a while: overlapping steps would show
      deliver(
        account,
        "INBOX",
        Array.from({ length: 10 }, (_, i) => ({ key: `${address}-${i}` })),
      );
      const c = await createConnection(s.ctx.db, owner.id, {
        provider: TEST_PROVIDER,
        accountAddress: address,
      });
      await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, c.id, SECRET_NAME, "t", null);
      ids.push(c.id);
    }
    // Extra triggers from every worker (as pushes would): they must wait for their connection's turn.
    for (const w of workers)
      await s.ctx.db.transaction(async (tx) => {
        for (const connectionId of ids) await w.send(tx, "sync.step", { connectionId });
      });

    const started = Date.now();
    const deadline = started + 40_000;
    let states = await Promise.all(ids.map((id) => readState(s.ctx.db, id)));
    while (Date.now() < deadline && !states.every((st) => st?.status === "up_to_date")) {
      await sleep(250);
      states = await Promise.all(ids.map((id) => readState(s.ctx.db, id)));
    }
    expect(states.map((st) => st?.status)).toEqual(["up_to_date", "up_to_date", "up_to_date"]);
    // Five steps each: a trigger deferred while a step ran must not hold the next step back for the
    // deferral's 20 s (it took over 20 s when the continuation was dropped behind it).
    expect(Date.now() - started).toBeLessThan(12_000);
    for (const address of boxes) expect(testAccount(address).maxActive).toBe(1);
    const r = await s.ctx.db.execute(
      sql`select count(*)::int as n, count(distinct (connection_id, item_key))::int as d from test_synced_items`,
    );
    const [row] = ((r as { rows?: unknown[] }).rows ?? r) as { n: number; d: number }[];
    expect(row).toEqual({ n: 30, d: 30 });
  }, 60_000);

  it("R-P-1: concurrent writes to one connection's state are applied one after the other, none lost", async () => {
    const c = await createConnection(s.ctx.db, owner.id, {
      provider: "none",
      accountAddress: `cas-${engine}@mail.test`,
    });
    await ensureStates(s.ctx.db, new Date(), c.id);
    await s.ctx.database.query("update sync_states set status = 'paused' where connection_id = $1", [c.id]); // keep steps away
    const policy = syncPolicy(s.ctx.config);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        applyEvent(s.ctx.db, c.id, { type: "progress", found: 1, done: 1, skipped: { internal: 1 } }, policy),
      ),
    );
    const st = await readState(s.ctx.db, c.id);
    expect(st?.progress).toEqual({ done: 20, found: 20 });
    expect(st?.skipCounts).toEqual({ internal: 20 });
  });
});
