// A live worker starved of CPU (nice 10 on a busy host) missed its heartbeats for over 30 s in the
// fault benchmark; with a 30 s expiry pg-boss took its step back, the step was aborted and run again.
// A dead worker's steps are recovered by the watchdog within seconds, so the expiry of `sync.step` is
// only a backstop: a step 60 s without a heartbeat keeps its job, one far past the expiry does not.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawSql, rowsOf } from "../../server/db/index.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("a sync step without heartbeats on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  /** A `sync.step` job taken by a worker `secondsAgo` and not heard of since. */
  const takenAgo = async (key: string, secondsAgo: number) => {
    let id = "";
    await s.ctx.db.transaction(async (tx) => {
      await s.ctx.jobs.send(tx, "sync.step", { connectionId: key });
      const [row] = rowsOf<{ id: string }>(
        await tx.execute(
          rawSql(
            `update pgboss.job set state = 'active', started_on = now() - make_interval(secs => $2)
              where name = 'sync.step' and singleton_key = $1 and state = 'created' returning id`,
            [key, secondsAgo],
          ),
        ),
      );
      id = row.id;
    });
    return id;
  };
  const stateOf = async (id: string) =>
    rowsOf<{ state: string }>(await s.ctx.db.execute(sql`select state from pgboss.job where id = ${id}`))[0]
      .state;

  it("R-P-3: a step 60 s without a heartbeat keeps its job; one 200 s without is taken back", async () => {
    const starved = await takenAgo("0190dddd-0000-7000-8000-000000000001", 60);
    const dead = await takenAgo("0190dddd-0000-7000-8000-000000000002", 200);
    // pg-boss's maintenance (every 2 s) fails active jobs past their expiry.
    for (let i = 0; i < 100 && (await stateOf(dead)) === "active"; i++) await sleep(100);
    expect(await stateOf(dead)).not.toBe("active");
    expect(await stateOf(starved)).toBe("active");
  });
});
