// Long work on the job queue: a step that outlives its job's expiry, and work cut into resumable steps,
// each on a keyed queue worked by two job queues at once (two workers) on the same database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobs } from "../../server/jobs/pgboss.js";
import type { Jobs, QueueDefs } from "../../server/jobs/queue.js";
import { createLogger } from "../../server/log.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { until } from "../harness/until.js";

interface Payloads {
  "test.slow": { key: string; run: number; ms: number };
  "test.resumable": { key: string };
}

const EXPIRE = 3;
const UNITS = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("long jobs on %s", (engine) => {
  let s: TestServer;
  const workers: Jobs<Payloads>[] = [];
  const runs: { key: string; run: number; start: number; end?: number }[] = [];
  const steps: { key: string; start: number; end?: number }[] = [];

  const queues: QueueDefs<Payloads> = {
    "test.slow": {
      policy: "short",
      expireInSeconds: EXPIRE,
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: false,
      concurrency: 2,
      keyOf: (d) => d.key,
      // One long call that cannot be cut (a slow server answering): it ignores its signal.
      handler: async (_ctx, { key, run, ms }) => {
        const r: (typeof runs)[number] = { key, run, start: Date.now() };
        runs.push(r);
        await sleep(ms);
        r.end = Date.now();
      },
      why: "test",
    },
    "test.resumable": {
      policy: "short",
      expireInSeconds: EXPIRE,
      retryLimit: 5,
      retryDelay: 1,
      retryBackoff: false,
      concurrency: 2,
      stepSeconds: 1,
      keyOf: (d) => d.key,
      // Units of work (a page of a sync), each committed with its progress; yields when asked to.
      handler: async (ctx, { key }, { signal }) => {
        const step: (typeof steps)[number] = { key, start: Date.now() };
        steps.push(step);
        try {
          for (;;) {
            if (signal.aborted) return "more";
            const { rows } = await ctx.database.query<{ done: number }>(
              "select done from test_progress where key = $1",
              [key],
            );
            if (rows[0].done >= UNITS) return;
            await sleep(120);
            await ctx.database.query("update test_progress set done = done + 1 where key = $1", [key]);
          }
        } finally {
          step.end = Date.now();
        }
      },
      why: "test",
    },
  };

  const send = <N extends keyof Payloads & string>(name: N, data: Payloads[N]) =>
    s.ctx.db.transaction((tx) => workers[0].send(tx, name, data));
  const states = async (name: string) => {
    const { rows } = await s.ctx.database.query<{ state: string; n: number }>(
      "select state::text, count(*)::int as n from pgboss.job where name = $1 group by state",
      [name],
    );
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  };
  const overlaps = (spans: { start: number; end?: number }[]) =>
    spans.some((a, i) =>
      spans.some((b, j) => i !== j && a.start < (b.end ?? Infinity) && b.start < (a.end ?? Infinity)),
    );

  beforeAll(async () => {
    s = await startTestServer({ engine });
    await s.ctx.database.query(
      "create table test_progress (key text primary key, done int not null default 0)",
    );
    // Two job queues on one database: two workers competing for the same jobs.
    for (let i = 0; i < 2; i++) {
      const jobs = await createJobs(s.ctx.database, createLogger("silent"), queues);
      await jobs.work(s.ctx);
      workers.push(jobs);
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.stop();
    await s?.close();
  });

  it("R-P-1, R-P-3: a step that runs past its job's expiry keeps its job: it runs once, never beside another step of its key, and completes", async () => {
    const ms = EXPIRE * 1000 * 3;
    await send("test.slow", { key: "mailbox-1", run: 1, ms });
    expect(await until(async () => runs.length === 1, 5_000)).toBe(true);
    // A new trigger for the same key while the long step runs: it must wait for its turn.
    await send("test.slow", { key: "mailbox-1", run: 2, ms: 100 });
    const finished = await until(async () => {
      const st = await states("test.slow");
      return runs.length >= 2 && runs.every((r) => r.end) && !st.created && !st.active && !st.retry;
    }, 30_000);
    expect(finished).toBe(true);
    expect(runs.map((r) => r.run)).toEqual([1, 2]);
    expect(runs[0].end! - runs[0].start).toBeGreaterThanOrEqual(ms - 50);
    expect(overlaps(runs)).toBe(false);
    expect((await states("test.slow")).failed ?? 0).toBe(0);
  }, 45_000);

  it("R-P-3: work longer than an expiry is done in short resumable steps, each unit once, keys side by side", async () => {
    await s.ctx.database.query("insert into test_progress (key) values ('mailbox-a'), ('mailbox-b')");
    const started = Date.now();
    // Repeated triggers (a push notification, a poll) for the same key while it runs.
    for (let i = 0; i < 3; i++) {
      await send("test.resumable", { key: "mailbox-a" });
      await send("test.resumable", { key: "mailbox-b" });
    }
    const done = async () => {
      const { rows } = await s.ctx.database.query<{ key: string; done: number }>(
        "select key, done from test_progress order by key",
      );
      return rows;
    };
    const finished = await until(async () => {
      const st = await states("test.resumable");
      return (await done()).every((r) => r.done >= UNITS) && !st.created && !st.active && !st.retry;
    }, 40_000);
    expect(finished).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(EXPIRE * 1000);
    // Every unit exactly once: two steps of one key at a time would have counted past the end.
    expect(await done()).toEqual([
      { key: "mailbox-a", done: UNITS },
      { key: "mailbox-b", done: UNITS },
    ]);
    for (const key of ["mailbox-a", "mailbox-b"]) {
      const mine = steps.filter((st) => st.key === key);
      expect(mine.length).toBeGreaterThan(2); // cut into steps of about a second
      expect(overlaps(mine)).toBe(false);
    }
    // One key's long work does not hold back the other's.
    const a = steps.filter((st) => st.key === "mailbox-a");
    const b = steps.filter((st) => st.key === "mailbox-b");
    expect(b[0].start).toBeLessThan(a[a.length - 1].start);
    expect((await states("test.resumable")).failed ?? 0).toBe(0);
  }, 60_000);
});
