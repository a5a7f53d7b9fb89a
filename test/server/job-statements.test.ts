// The job queue's own statements: every worker polls pg-boss for jobs several times a second per queue,
// so on PostgreSQL each of pg-boss's statements is prepared once per session and keeps its plan, rather
// than being parsed and planned again at every poll.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../server/db/index.js";
import { createJobs } from "../../server/jobs/pgboss.js";
import type { QueueDefs } from "../../server/jobs/queue.js";
import { createLogger } from "../../server/log.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { genericPlanSession } from "../harness/generic-plan-session.js";
import { until } from "../harness/until.js";

interface Payloads {
  "test.count": { n: number };
}

describe.each(engines)("the job queue's statements on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
  });
  afterAll(async () => s?.close());

  it("jobs sent are each worked once; on PostgreSQL the fetch is parsed once per session and its plan reused at every poll", async () => {
    const done: number[] = [];
    const queues: QueueDefs<Payloads> = {
      "test.count": {
        policy: "standard",
        expireInSeconds: 30,
        retryLimit: 0,
        retryDelay: 1,
        retryBackoff: false,
        concurrency: 1,
        handler: async (_ctx, { n }) => {
          done.push(n);
        },
        why: "test",
      },
    };
    // On PostgreSQL one session only, so that the session looked at below is the one pg-boss used.
    const pool = genericPlanSession(s);
    const database: Database = pool ? { ...s.ctx.database, pool } : s.ctx.database;
    const jobs = await createJobs(database, createLogger("silent"), queues, { supervise: false });
    try {
      await jobs.work(s.ctx);
      for (let n = 1; n <= 5; n++) await s.ctx.db.transaction((tx) => jobs.send(tx, "test.count", { n }));
      await until(async () => done.length === 5, 15_000);
      expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
      if (!pool) return;
      // Idle polls go on meanwhile: the fetch ran more times than there were jobs.
      await new Promise((r) => setTimeout(r, 1500));
      const { rows } = await pool.query<{ statement: string; generic_plans: string; custom_plans: string }>(
        "select statement, generic_plans, custom_plans from pg_prepared_statements where statement like '%FOR UPDATE SKIP LOCKED%'",
      );
      expect(rows).toHaveLength(1);
      expect(Number(rows[0].generic_plans) + Number(rows[0].custom_plans)).toBeGreaterThan(5);
      expect(Number(rows[0].custom_plans)).toBe(0);
    } finally {
      await jobs.stop();
      await pool?.end();
    }
  });
});
