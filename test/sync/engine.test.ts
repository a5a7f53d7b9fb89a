// The sync engine with the in-memory test provider, on both engines: first sync with progress, pages
// committed with their cursor, retries, dead letters, throttling, reconnecting, re-syncs, the watchdog,
// pause and resume. What a user would notice: items stored once each, and the status the sidebars show.
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { tryLockKey } from "../../server/jobs/key-lock.js";
import { createLogger } from "../../server/log.js";
import { registry } from "../../server/metrics.js";
import { putSecret } from "../../server/secrets/store.js";
import { SyncError } from "../../server/sync/errors.js";
import { runStepExclusive } from "../../server/sync/run.js";
import {
  applyEvent,
  ensureStates,
  readState,
  syncPolicy,
  WATCHDOG_REASON,
} from "../../server/sync/state-machine.js";
import { DELETED, runStep, type StepReport } from "../../server/sync/step.js";
import { dueConnections, tick } from "../../server/sync/tick.js";
import { queueSync } from "../../server/sync/trigger.js";
import { freeStuckSteps } from "../../server/sync/watchdog.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import {
  createSyncedItemsTable,
  deliver,
  invalidateCursors,
  SECRET_NAME,
  TEST_PROVIDER,
  type TestAccount,
  testAccount,
} from "./test-provider.js";

const keys = (prefix: string, n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${from + i}` }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("sync engine on %s", (engine) => {
  let s: TestServer;
  let owner: { id: string; token: string };
  let n = 0;

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: {
        CONCILIA_SYNC_TICK_SECONDS: "0", // steps run where the tests say
        CONCILIA_SYNC_BATCH_SIZE: "3",
        CONCILIA_SYNC_STEP_ITEMS: "6",
        CONCILIA_SYNC_ITEM_ATTEMPTS: "3",
        CONCILIA_SYNC_MAX_FAILURES: "3",
        CONCILIA_SYNC_RETRY_SECONDS: "30",
        CONCILIA_SYNC_STUCK_SECONDS: "60",
      },
    });
    await createSyncedItemsTable(s.ctx.db);
    owner = await s.user(`owner-${engine}@acme.test`);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** A new connection of the owner at its own test account, with credentials version 1. */
  async function connect(): Promise<{ id: string; account: TestAccount }> {
    const address = `box-${engine}-${++n}@mail.test`;
    const c = await createConnection(s.ctx.db, owner.id, {
      provider: TEST_PROVIDER,
      accountAddress: address,
    });
    await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, c.id, SECRET_NAME, "token-v1", null);
    return { id: c.id, account: testAccount(address) };
  }

  /** One step under the connection's lease (waiting while a worker's step holds it). */
  async function step(id: string): Promise<StepReport> {
    for (;;) {
      const r = await runStepExclusive(s.ctx, id);
      if (r !== "busy") return r;
      await sleep(50);
    }
  }
  async function untilIdle(id: string) {
    const results: StepReport[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await step(id);
      results.push(r);
      if (r.result !== "more") return results;
    }
    throw new Error("the sync never came to rest");
  }
  /** How many times each item was stored. */
  async function stored(id: string): Promise<Record<string, number>> {
    const r = await s.ctx.db.execute(
      sql`select item_key, count(*)::int as n from test_synced_items where connection_id = ${id} and body <> 'half-written' group by item_key`,
    );
    const rows = ((r as { rows?: unknown[] }).rows ?? r) as { item_key: string; n: number }[];
    return Object.fromEntries(rows.map((x) => [x.item_key, Number(x.n)]));
  }
  const once = (list: { key: string }[]) => Object.fromEntries(list.map((k) => [k.key, 1]));
  const api = (method: "GET" | "POST", id: string, what: string, token = owner.token) =>
    s.app.inject({
      method,
      url: `/api/v1/connections/${id}/${what}`,
      headers: { authorization: `Bearer ${token}` },
    });
  const status = async (id: string) => {
    const r = await api("GET", id, "status");
    expect(r.statusCode).toBe(200);
    return r.json();
  };

  it("R-P-2: a first sync shows its progress while it runs and ends up to date with every message once", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("in", 8));
    deliver(account, "Sent", [...keys("out", 1), { key: "out-2", body: "skip:automated" }]);
    expect(await status(id)).toMatchObject({
      status: "syncing",
      stage: "initial",
      progress: { done: 0, found: 0 },
    });

    const first = await step(id);
    expect(first).toMatchObject({ result: "more", stored: 6 });
    expect(await status(id)).toMatchObject({
      status: "syncing",
      stage: "initial",
      progress: { done: 6, found: 6 },
      lastSyncedAt: null,
    });

    await untilIdle(id);
    const done = await status(id);
    expect(done).toMatchObject({
      status: "up_to_date",
      stage: "idle",
      progress: null,
      failedItems: 0,
      lastError: null,
    });
    expect(done.skipped).toEqual({ automated: 1 });
    expect(Date.parse(done.lastSyncedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(await stored(id)).toEqual(once([...keys("in", 8), ...keys("out", 1)]));

    // The next look only brings what is new; an incremental sync shows no progress bar.
    deliver(account, "INBOX", keys("in", 2, 9));
    expect(await untilIdle(id)).toMatchObject([{ result: "idle", stored: 2 }]);
    expect(await stored(id)).toEqual(once([...keys("in", 10), ...keys("out", 1)]));
    expect(account.fetches.get("in-1")).toBe(1);
    expect(await status(id)).toMatchObject({ status: "up_to_date", progress: null });
  });

  it("R-P-2: a connection created with queueSync starts its first sync at once, without waiting for a tick", async () => {
    const address = `box-${engine}-pushed@mail.test`;
    deliver(testAccount(address), "INBOX", keys("now", 4));
    const c = await s.ctx.db.transaction(async (tx) => {
      const created = await createConnection(tx, owner.id, {
        provider: TEST_PROVIDER,
        accountAddress: address,
      });
      await putSecret({ db: tx, secrets: s.ctx.secrets }, created.id, SECRET_NAME, "t", null);
      await queueSync(s.ctx, tx, created.id);
      return created;
    });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && (await readState(s.ctx.db, c.id))?.status !== "up_to_date")
      await sleep(100);
    expect(await status(c.id)).toMatchObject({ status: "up_to_date" });
    expect(await stored(c.id)).toEqual(once(keys("now", 4)));
  });

  it("R-P-3: a page's items and its cursor commit together: a failure between them leaves nothing half-written, the rerun stores each item once", async () => {
    const { id, account } = await connect();
    account.idempotent = false; // a writer that would store a repeat twice
    deliver(account, "INBOX", keys("m", 3));
    // Fail the cursor's write, after the page's items were written in the same transaction.
    await s.ctx.db.execute(
      sql`create table if not exists test_break_cursor (connection_id text primary key)`,
    );
    await s.ctx.db.execute(sql`
      create or replace function test_break_cursor() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from test_break_cursor where connection_id = new.connection_id) then
          raise exception 'cursor write failed';
        end if;
        return new;
      end $$`);
    await s.ctx.db.execute(sql`drop trigger if exists test_break_cursor on sync_cursors`);
    await s.ctx.db.execute(
      sql`create trigger test_break_cursor before insert or update on sync_cursors for each row execute function test_break_cursor()`,
    );
    await s.ctx.db.execute(sql`insert into test_break_cursor values (${id})`);

    const broken = await step(id);
    expect(broken).toMatchObject({ result: "waiting", stored: 0, error: { kind: "unknown" } });
    expect(await stored(id)).toEqual({});
    const failed = await status(id);
    expect(failed.lastError).toEqual({ kind: "unknown", reason: expect.stringMatching(/unexpected error/) });
    expect(failed.lastError.reason).not.toMatch(/cursor write failed/); // a raw error message stays in the log

    await s.ctx.db.execute(sql`delete from test_break_cursor`);
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("m", 3)));
    expect(await status(id)).toMatchObject({ status: "up_to_date", lastError: null });
  });

  it("R-P-3: a step that fails mid-way is retried later from its last committed page", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("r", 6));
    account.faults.listChanges = [null, new SyncError("temporary", "The provider did not answer in time.")];
    const before = Date.now();
    const r = await step(id);
    expect(r).toMatchObject({ result: "waiting", stored: 3, error: { kind: "temporary" } });
    const st = await readState(s.ctx.db, id);
    expect(st?.consecutiveFailures).toBe(1);
    expect(st?.nextRunAt.getTime()).toBeGreaterThanOrEqual(before + 30_000);
    expect(await status(id)).toMatchObject({
      status: "syncing",
      lastError: { kind: "temporary", reason: "The provider did not answer in time." },
    });
    // Not due yet: no step is queued for it before its backoff ends.
    expect(await dueConnections(s.ctx, new Date(), [id])).toEqual([]);
    expect(await dueConnections(s.ctx, new Date(Date.now() + 31_000), [id])).toEqual([id]);

    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("r", 6)));
    expect(account.fetches.get("r-1")).toBe(1); // the committed page was not fetched again
    expect((await readState(s.ctx.db, id))?.consecutiveFailures).toBe(0);
  });

  it("R-P-3: a failing item is retried, parked after its tries while the cursor moves on, and 'retry failed items' brings it back", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("d", 3));
    account.fetchFaults.set("d-2", Number.POSITIVE_INFINITY);
    expect(await step(id)).toMatchObject({ result: "idle", stored: 2, failed: 1 });
    expect(await status(id)).toMatchObject({ status: "up_to_date", failedItems: 0 }); // still being retried

    deliver(account, "INBOX", keys("d", 1, 4)); // the cursor moved on: new mail still arrives
    expect(await step(id)).toMatchObject({ stored: 1, failed: 1 });
    expect(await step(id)).toMatchObject({ failed: 1 });
    expect(await status(id)).toMatchObject({ failedItems: 1 });
    await step(id);
    expect(account.fetches.get("d-2")).toBe(3); // parked: no further tries
    expect(await stored(id)).toEqual(once([{ key: "d-1" }, { key: "d-3" }, { key: "d-4" }]));

    account.fetchFaults.delete("d-2"); // the provider can read it again
    const retry = await api("POST", id, "retry-failed");
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toMatchObject({ requeued: 1, status: { failedItems: 0 } });
    await step(id); // the step the action queued may have run first: either way it is stored once
    expect(await stored(id)).toEqual(once(keys("d", 4)));
    expect(await status(id)).toMatchObject({ failedItems: 0 });
  });

  it("R-P-3: the items of a page leave the dead-letter list in one statement, a retried item once it is stored", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("c", 3));
    account.fetchFaults.set("c-2", 1); // fails once
    expect(await step(id)).toMatchObject({ result: "idle", stored: 2, failed: 1 });
    deliver(account, "INBOX", keys("c", 3, 4));
    // Every statement sent to PostgreSQL during the next step (PGlite has no driver between).
    const sent = engine === "postgres" ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    let texts: string[] = [];
    try {
      expect(await step(id)).toMatchObject({ result: "idle", stored: 4, failed: 0 });
    } finally {
      texts = (sent?.mock.calls ?? []).map(([q]) =>
        typeof q === "string" ? q : (q as { text: string }).text,
      );
      sent?.mockRestore();
    }
    expect(await stored(id)).toEqual(once(keys("c", 6)));
    expect(await status(id)).toMatchObject({ failedItems: 0 });
    expect(await step(id)).toMatchObject({ result: "idle", stored: 0, failed: 0 }); // c-2 is not tried again
    if (sent) {
      // Two pages (c-2 retried, then c-4 to c-6): one delete each, not one per item.
      expect(texts.filter((t) => t.startsWith('delete from "sync_failed_items"'))).toHaveLength(2);
    }
  });

  it("R-P-3: a message deleted between the listing and the fetch is counted as such, not retried or parked", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("del", 3));
    const inbox = account.folders.get("INBOX");
    account.onCall = (op) => {
      if (op === "fetch" && inbox) inbox.items = inbox.items.filter((i) => i.key !== "del-2");
    };
    expect(await step(id)).toMatchObject({ result: "idle", stored: 2, skipped: 1, failed: 0 });
    account.onCall = undefined;
    await step(id);
    expect(account.fetches.get("del-2")).toBe(1);
    expect(await status(id)).toMatchObject({ failedItems: 0, skipped: { [DELETED]: 1 } });
  });

  it("R-P-3: an item whose write fails leaves none of its own writes, the rest of its page is stored, and it is stored at the next step", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("h", 3));
    account.writeFaults.set("h-2", 1); // writes a row, then throws
    expect(await step(id)).toMatchObject({ result: "idle", stored: 2, failed: 1 });
    const half = await s.ctx.db.execute(
      sql`select count(*)::int as n from test_synced_items where connection_id = ${id} and body = 'half-written'`,
    );
    expect((((half as { rows?: unknown[] }).rows ?? half) as { n: number }[])[0].n).toBe(0);
    expect(await stored(id)).toEqual(once([{ key: "h-1" }, { key: "h-3" }]));
    expect(await step(id)).toMatchObject({ stored: 1, failed: 0 });
    expect(await stored(id)).toEqual(once(keys("h", 3)));
  });

  it("R-P-2: a folder deleted at the provider loses its cursor while the other folders go on syncing", async () => {
    const { id, account } = await connect();
    deliver(account, "Archive", keys("arch", 1));
    deliver(account, "INBOX", keys("inb", 2));
    await untilIdle(id);
    deliver(account, "INBOX", keys("inb", 1, 3));
    account.faults.listChanges = [new SyncError("not-found", "The folder is gone.")]; // Archive, listed first
    expect(await step(id)).toMatchObject({ result: "idle", stored: 1 });
    expect(await status(id)).toMatchObject({ status: "up_to_date", lastError: null });
    const cursors = await s.ctx.db.execute(
      sql`select scope_key from sync_cursors where connection_id = ${id}`,
    );
    expect(
      (((cursors as { rows?: unknown[] }).rows ?? cursors) as { scope_key: string }[]).map(
        (r) => r.scope_key,
      ),
    ).toEqual(["mail:INBOX"]);
  });

  it("R-P-3: a step cut short by its worker stopping keeps what it committed, counts no failure and continues", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("cut", 5));
    const stop = new AbortController();
    let lists = 0;
    account.onCall = (op) => {
      if (op === "listChanges" && ++lists === 2) {
        stop.abort(new Error("the worker is shutting down"));
        throw stop.signal.reason;
      }
    };
    const r = await runStepExclusive(s.ctx, id, stop.signal);
    account.onCall = undefined;
    expect(r).toMatchObject({ result: "more", stored: 3 });
    expect(await readState(s.ctx.db, id)).toMatchObject({
      consecutiveFailures: 0,
      lastError: null,
      stepStartedAt: null,
    });
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("cut", 5)));
  });

  it("R-CON-10: a pause asked while a step runs stops that step at its next page", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("mid", 5));
    let fetches = 0;
    // The user pauses while the first page is being fetched.
    account.onCall = (op) => (op === "fetch" && ++fetches === 1 ? api("POST", id, "pause") : undefined);
    const r = await step(id);
    account.onCall = undefined;
    expect(r).toMatchObject({ result: "blocked", stored: 3 });
    expect(await status(id)).toMatchObject({ status: "paused", progress: { done: 3 } });
  });

  it("R-P-3: a throttled step waits the Retry-After the provider named, without counting a failure", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("t", 2));
    account.faults.listScopes = [new SyncError("throttled", "The provider asked to slow down.", 120_000)];
    const before = Date.now();
    expect(await step(id)).toMatchObject({ result: "waiting", error: { kind: "throttled" } });
    const st = await readState(s.ctx.db, id);
    expect(st?.consecutiveFailures).toBe(0);
    expect(st?.nextRunAt.getTime()).toBeGreaterThanOrEqual(before + 120_000);
    expect(st?.nextRunAt.getTime()).toBeLessThan(Date.now() + 125_000);
    expect(await dueConnections(s.ctx, new Date(Date.now() + 60_000), [id])).toEqual([]);
    expect(await dueConnections(s.ctx, new Date(Date.now() + 121_000), [id])).toEqual([id]);
  });

  it("R-P-3: refused credentials need a reconnect; new credentials resume from the saved cursor with nothing imported twice", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("a", 3));
    await untilIdle(id);
    deliver(account, "INBOX", keys("a", 2, 4));
    account.minSecretVersion = 2; // the refresh token was revoked
    expect(await step(id)).toMatchObject({ result: "blocked", error: { kind: "auth" } });
    expect(await status(id)).toMatchObject({ status: "reconnect_needed", lastError: { kind: "auth" } });
    expect(await step(id)).toMatchObject({ result: "blocked", stored: 0 }); // nothing runs meanwhile
    expect(await dueConnections(s.ctx, new Date(Date.now() + 86_400_000), [id])).toEqual([]);

    // The user reconnects: the credentials get a new version.
    await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, id, SECRET_NAME, "token-v2", 1);
    await untilIdle(id);
    expect(await status(id)).toMatchObject({ status: "up_to_date", lastError: null });
    expect(await stored(id)).toEqual(once(keys("a", 5)));
    expect(account.fetches.get("a-1")).toBe(1);
  });

  it("R-P-3: a reconnect made while a step ran on the old credentials, which the provider then refused, is not asked for again", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("r", 2));
    await untilIdle(id);
    deliver(account, "INBOX", keys("r", 2, 3));
    // The step opened its session with the old grant; the user reconnects meanwhile; then the
    // provider refuses the old grant.
    account.onCall = async (op) => {
      if (op !== "listScopes") return;
      account.onCall = undefined;
      await putSecret({ db: s.ctx.db, secrets: s.ctx.secrets }, id, SECRET_NAME, "token-v2", 1);
      throw new SyncError("auth", "The account refused the stored credentials: reconnect it.");
    };
    expect(await step(id)).toMatchObject({ result: "blocked", error: { kind: "auth" } });
    await untilIdle(id);
    expect(await status(id)).toMatchObject({ status: "up_to_date", lastError: null });
    expect(await stored(id)).toEqual(once(keys("r", 4)));
  });

  it("R-P-2: a rejected cursor re-syncs the folder and creates nothing twice", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("c", 4));
    await untilIdle(id);
    deliver(account, "INBOX", keys("c", 4, 5));
    invalidateCursors(account, "INBOX");
    expect(await step(id)).toMatchObject({ result: "more" });
    expect(await status(id)).toMatchObject({
      status: "syncing",
      stage: "resync",
      progress: { done: 6, found: 6 },
    });
    await untilIdle(id);
    expect(await status(id)).toMatchObject({ status: "up_to_date", stage: "idle" });
    expect(await stored(id)).toEqual(once(keys("c", 8)));
    expect(account.fetches.get("c-1")).toBe(2); // listed again from the start
  });

  it("R-P-3: unexpected failures are counted and, after the limit, the sync is failed with the reason; resume starts it again", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("u", 1));
    account.faults.open = [new Error("boom"), new Error("boom"), new Error("boom")];
    for (let i = 0; i < 2; i++) await step(id);
    expect(await status(id)).toMatchObject({ status: "syncing" });
    expect(await step(id)).toMatchObject({ result: "blocked" });
    expect(await status(id)).toMatchObject({ status: "failed", lastError: { kind: "unknown" } });
    expect((await api("POST", id, "resume")).json()).toMatchObject({ status: "syncing", lastError: null });
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("u", 1)));
  });

  it("R-CON-10: pause stops the steps and resume continues from where the sync stood", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("p", 9));
    expect(await step(id)).toMatchObject({ result: "more", stored: 6 });
    const paused = await api("POST", id, "pause");
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ status: "paused", stage: "initial", progress: { done: 6 } });
    expect(await step(id)).toMatchObject({ result: "blocked", stored: 0 });
    expect(await dueConnections(s.ctx, new Date(Date.now() + 86_400_000), [id])).toEqual([]);
    expect(Object.keys(await stored(id))).toHaveLength(6);

    expect((await api("POST", id, "resume")).json()).toMatchObject({ status: "syncing", stage: "initial" });
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("p", 9)));
    expect(await status(id)).toMatchObject({ status: "up_to_date" });
  });

  it("R-P-3: the watchdog frees a step stuck past the timeout, and the connection is due again", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("w", 2));
    const policy = syncPolicy(s.ctx.config);
    const started = new Date();
    await ensureStates(s.ctx.db, started, id);
    await applyEvent(s.ctx.db, id, { type: "step-started" }, policy, started); // a worker that died mid-step
    expect(await dueConnections(s.ctx, new Date(started.getTime() + 3_600_000), [id])).toEqual([]);
    expect(await freeStuckSteps(s.ctx.db, policy, 60, new Date(started.getTime() + 59_000))).not.toContain(
      id,
    );
    const later = new Date(started.getTime() + 61_000);
    expect(await freeStuckSteps(s.ctx.db, policy, 60, later)).toContain(id);
    const st = await readState(s.ctx.db, id);
    expect(st).toMatchObject({
      stepStartedAt: null,
      lastError: { kind: "temporary", reason: WATCHDOG_REASON },
    });
    expect(await dueConnections(s.ctx, later, [id])).toEqual([id]);
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("w", 2)));
  });

  it("R-P-3: a step whose worker died (its lease free) is freed at the next tick, long before the stuck timeout; a live step is left alone", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("o", 2));
    const policy = syncPolicy(s.ctx.config);
    await ensureStates(s.ctx.db, new Date(), id);
    // A live step: its worker holds the lease. The tick leaves it running.
    const live = await tryLockKey(s.ctx.database, "sync.step", id);
    expect(live).not.toBeNull();
    await applyEvent(s.ctx.db, id, { type: "step-started" }, policy);
    expect((await tick(s.ctx)).freed).not.toContain(id);
    const marked = (await readState(s.ctx.db, id))?.stepStartedAt;
    expect(marked).not.toBeNull();
    // Its worker dies: the lease goes with it (PostgreSQL ends it with the connection), the mark stays.
    await live?.release();
    const report = await tick(s.ctx);
    expect(report.freed).toContain(id);
    expect(report.queued).toContain(id);
    // The dead step's mark is gone; the step queued ahead of polls may already be running, with its own.
    const after = await readState(s.ctx.db, id);
    if (after?.stepStartedAt) expect(after.stepStartedAt.getTime()).toBeGreaterThan(marked!.getTime());
    else expect(after?.lastError).toEqual({ kind: "temporary", reason: WATCHDOG_REASON });
    await untilIdle(id);
    expect(await stored(id)).toEqual(once(keys("o", 2)));
  });

  // PostgreSQL only: a page's row lock held by another session while the tick runs. Declared only there
  // (a skipped test counts as not run).
  if (engine === "postgres")
    it("R-P-3: the tick does not wait for a page being written by a step whose lease was lost; a later tick frees it", async () => {
      const { id } = await connect();
      const policy = syncPolicy(s.ctx.config);
      await ensureStates(s.ctx.db, new Date(), id);
      // Marked running, no lease held: its session was ended, and the step runs on to its next page check.
      await applyEvent(s.ctx.db, id, { type: "step-started" }, policy);
      const page = new pg.Client({ connectionString: s.ctx.config.DATABASE_URL });
      await page.connect();
      try {
        // The step writes a page: its transaction holds the state row until the page commits.
        await page.query("begin");
        await page.query("select 1 from sync_states where connection_id = $1 for update", [id]);
        // The page commits once the tick is back; a tick that waited for it would be let go after 10 s.
        let pageCommitted = false;
        const letGo = setTimeout(() => {
          pageCommitted = true;
          void page.query("commit");
        }, 10_000);
        const report = await tick(s.ctx);
        clearTimeout(letGo);
        expect(pageCommitted, "the tick went on without waiting for the page").toBe(false);
        expect(report.freed).not.toContain(id);
        expect((await readState(s.ctx.db, id))?.stepStartedAt).not.toBeNull();
        await page.query("commit");
      } finally {
        await page.end();
      }
      expect((await tick(s.ctx)).freed).toContain(id);
    });

  it("R-P-3: a step whose lease was lost and whose mark was freed for another step commits nothing more: each item stored once", async () => {
    const { id, account } = await connect();
    account.idempotent = false; // a second write of an item would show as a duplicate
    deliver(account, "INBOX", keys("f", 5));
    const policy = syncPolicy(s.ctx.config);
    let took = false;
    account.onCall = async (op) => {
      if (op !== "fetch" || took) return;
      took = true;
      // While the first step fetches its page, PostgreSQL ends its lease's session: the watchdog frees
      // its mark, and another worker's step syncs the connection to rest.
      await applyEvent(s.ctx.db, id, { type: "watchdog" }, policy);
      await untilIdle(id);
    };
    const first = await runStep(s.ctx, id, new AbortController().signal);
    account.onCall = undefined;
    expect(took).toBe(true);
    expect(first).toMatchObject({ result: "more", stored: 0 });
    expect(await stored(id)).toEqual(once(keys("f", 5)));
    // The state is the other step's: up to date, nothing running.
    expect(await readState(s.ctx.db, id)).toMatchObject({ stepStartedAt: null, lastError: null });
    expect(await status(id)).toMatchObject({ status: "up_to_date" });
  });

  it("R-CON-11: a failing sync logs no token, password or message body", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", [{ key: "l-1", body: "Confidential offer: 1.2M EUR" }]);
    account.writeFaults.set("l-1", 1);
    const lines: string[] = [];
    const log = createLogger("debug", { write: (l: string) => void lines.push(l) });
    const ctx = { ...s.ctx, log };
    await runStep(ctx, id, new AbortController().signal); // the item's write fails
    account.faults.listScopes = [new Error("password=hunter2 token=ya29.SECRET Confidential offer")];
    await runStep(ctx, id, new AbortController().signal);
    account.faults.open = [
      new SyncError("auth", "The account refused the stored credentials: reconnect it."),
    ];
    await runStep(ctx, id, new AbortController().signal);
    const text = lines.join("");
    expect(text).toMatch(/sync step failed/);
    expect(text).toMatch(/errorClass/); // the operator learns what broke and where
    for (const secret of ["hunter2", "ya29", "SECRET", "Confidential", "token-v1"])
      expect(text).not.toContain(secret);
  });

  it("R-CON-10: stopping a connection removes its sync state, cursors and failed items; a queued step stops quietly", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("x", 2));
    account.fetchFaults.set("x-2", 1);
    await untilIdle(id);
    await s.ctx.db.execute(sql`delete from connections where id = ${id}`);
    for (const table of ["sync_states", "sync_cursors", "sync_failed_items"]) {
      const r = await s.ctx.db.execute(
        sql`select count(*)::int as n from ${sql.raw(table)} where connection_id = ${id}`,
      );
      expect((((r as { rows?: unknown[] }).rows ?? r) as { n: number }[])[0].n).toBe(0);
    }
    expect(await step(id)).toMatchObject({ result: "gone" });
  });

  it("metrics per provider: items synced, errors by class, throttling waits, sync lag", async () => {
    const { id, account } = await connect();
    deliver(account, "INBOX", keys("metric", 2));
    await untilIdle(id);
    await tick(s.ctx);
    const text = await registry.metrics();
    const value = (name: string, labels: string) =>
      Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    expect(value("concilia_sync_items_total", 'provider="test",outcome="stored"')).toBeGreaterThan(0);
    expect(value("concilia_sync_items_total", 'provider="test",outcome="parked"')).toBeGreaterThan(0);
    expect(value("concilia_sync_errors_total", 'provider="test",kind="auth"')).toBeGreaterThan(0);
    expect(value("concilia_sync_errors_total", 'provider="test",kind="throttled"')).toBeGreaterThan(0);
    expect(value("concilia_sync_throttle_wait_seconds_total", 'provider="test"')).toBeGreaterThanOrEqual(120);
    expect(value("concilia_sync_lag_seconds", 'provider="test"')).toBeGreaterThanOrEqual(0);
  });
});
