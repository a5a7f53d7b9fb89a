// R-P-3: a worker that dies mid-step leaves its connection marked running, its lease gone (PostgreSQL
// ends a session's advisory locks with it) and its pg-boss job 'active' until that job expires. The
// connection must run again within seconds, not at the next tick (every 30 s by default, an hour here)
// nor after the dead job's expiry. PostgreSQL only: a lease outliving its process exists only there.
import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawSql, rowsOf } from "../../../server/db/index.js";
import { syncStates } from "../../../server/db/schema.js";
import { applyEvent, readState, syncPolicy } from "../../../server/sync/state-machine.js";
import { queueSync } from "../../../server/sync/trigger.js";
import { type FaultWorld, faultWorld } from "./world.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A session of its own that takes the connection's sync lease, waiting for its holder to let go. */
/** A step's job sent and marked taken, as a worker that then died would have left it; its id. */
async function takeStepJob(ctx: FaultWorld["server"]["ctx"], connectionId: string): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    await ctx.jobs.send(tx, "sync.step", { connectionId });
    const taken = rowsOf(
      await tx.execute(
        rawSql(
          "update pgboss.job set state = 'active', started_on = now() where name = 'sync.step' and singleton_key = $1 and state = 'created' returning id",
          [connectionId],
        ),
      ),
    ) as { id: string }[];
    return taken[0]!.id;
  });
}

async function sessionHoldingLease(w: FaultWorld, connectionId: string): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: w.server.ctx.config.DATABASE_URL });
  await session.connect();
  let leased = false;
  for (let i = 0; i < 100 && !leased; i++) {
    const { rows } = await session.query("select pg_try_advisory_lock(hashtextextended($1, 0)) as ok", [
      `sync.step:${connectionId}`,
    ]);
    leased = rows[0].ok;
    if (!leased) await sleep(100);
  }
  expect(leased).toBe(true);
  return session;
}

describe("a dead worker's step on PostgreSQL", () => {
  let w: FaultWorld;
  beforeAll(async () => {
    // The in-process worker works the queue; the tick runs once at start-up, then not for an hour.
    w = await faultWorld("postgres", {
      CONCILIA_SYNC_TICK_SECONDS: "3600",
      CONCILIA_SYNC_WATCHDOG_SECONDS: "1",
    });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("R-P-3: a connection whose worker died mid-step runs again within seconds, its dead job given up", async () => {
    const { ctx } = w.server;
    const box = await w.mailbox("google", { count: 6, share: 1 });
    // Its first sync starts now, as for a connection made through the API (the tick is an hour away).
    await ctx.db.transaction((tx) => queueSync(ctx, tx, box.connectionId));
    for (let i = 0; i < 300 && (await w.audit(box)).missing.length > 0; i++) await sleep(100);
    expect((await w.audit(box)).missing).toEqual([]);
    const resting = async () => {
      const s = await readState(ctx.db, box.connectionId);
      return s?.status === "up_to_date" && s.stepStartedAt === null;
    };
    for (let i = 0; i < 100 && !(await resting()); i++) await sleep(100);

    // The dead worker: its session holds the connection's lease while it takes the step's job and
    // marks the step running; then the session ends, as a SIGKILL ends it.
    const dead = await sessionHoldingLease(w, box.connectionId);
    const deadJob = await takeStepJob(ctx, box.connectionId);
    await applyEvent(ctx.db, box.connectionId, { type: "step-started" }, syncPolicy(ctx.config));
    w.deliver(box, 3, 1);
    await dead.end();
    const diedAt = Date.now();

    let resumedMs: number | null = null;
    for (let i = 0; i < 300 && resumedMs === null; i++) {
      const [row] = await ctx.db
        .select()
        .from(syncStates)
        .where(eq(syncStates.connectionId, box.connectionId));
      if (row.lastSyncedAt && row.lastSyncedAt.getTime() > diedAt) resumedMs = Date.now() - diedAt;
      else await sleep(100);
    }
    expect(resumedMs, "the connection ran a step again").not.toBeNull();
    expect(resumedMs).toBeLessThan(15_000);
    expect((await w.audit(box)).missing, "the mail that came meanwhile is logged").toEqual([]);
    expect(await readState(ctx.db, box.connectionId)).toMatchObject({
      status: "up_to_date",
      stepStartedAt: null,
    });
    // The dead worker's job had not expired yet (120 s): it did not hold the new step back, and it was
    // given up rather than left to come back as a retry and run the connection's step once more.
    const { state } = rowsOf(
      await ctx.db.execute(rawSql("select state from pgboss.job where id = $1", [deadJob])),
    )[0] as { state: string };
    expect(state).toBe("cancelled");
  }, 60_000);

  it("R-P-3: a connection whose worker died between two steps (its job active, no step marked running) runs again within seconds", async () => {
    const { ctx } = w.server;
    const box = await w.mailbox("google", { count: 4, share: 1 });
    await ctx.db.transaction((tx) => queueSync(ctx, tx, box.connectionId));
    const resting = async () => {
      const s = await readState(ctx.db, box.connectionId);
      return (await w.audit(box)).missing.length === 0 && s?.status === "up_to_date" && !s.stepStartedAt;
    };
    for (let i = 0; i < 300 && !(await resting()); i++) await sleep(100);
    expect(await resting()).toBe(true);

    // The dead worker took the next step's job and its lease, and had just finished a step with more to
    // do (so the connection is due now, and nothing marks it running) when its session ended.
    const dead = await sessionHoldingLease(w, box.connectionId);
    const deadJob = await takeStepJob(ctx, box.connectionId);
    const policy = syncPolicy(ctx.config);
    await applyEvent(ctx.db, box.connectionId, { type: "step-started" }, policy);
    await applyEvent(ctx.db, box.connectionId, { type: "step-finished", more: true }, policy);
    w.deliver(box, 3, 1);
    await dead.end();
    const diedAt = Date.now();

    let resumedMs: number | null = null;
    for (let i = 0; i < 300 && resumedMs === null; i++) {
      const s = await readState(ctx.db, box.connectionId);
      if (s?.lastSyncedAt && s.lastSyncedAt.getTime() > diedAt) resumedMs = Date.now() - diedAt;
      else await sleep(100);
    }
    expect(resumedMs, "the connection ran a step again").not.toBeNull();
    expect(resumedMs).toBeLessThan(15_000);
    expect((await w.audit(box)).missing, "the mail that came meanwhile is logged").toEqual([]);
    const { state } = rowsOf(
      await ctx.db.execute(rawSql("select state from pgboss.job where id = $1", [deadJob])),
    )[0] as { state: string };
    expect(state, "the dead worker's job is given up, not left to run again as a retry").toBe("cancelled");
  }, 60_000);
});
