// API and worker processes side by side on PostgreSQL, as production runs them (docs/operations.md):
// the API process (`concilia serve`, CONCILIA_WORKER=off) leaves every job and the queue's maintenance to
// the workers, and a worker lowers its own CPU priority, so that sync work cannot slow the sidebars.
// PostgreSQL only: workers are separate processes only there.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../../bench/_services.js";
import { openDatabase } from "../../server/db/index.js";
import { createJobs } from "../../server/jobs/pgboss.js";
import { createLogger } from "../../server/log.js";
import { freshPostgresDatabase } from "../harness/app.js";
import { until } from "../harness/until.js";
import { type Proc, spawnConcilia, stop, waitForHealth } from "../sync/faults/fleet/processes.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The nice value of every thread of a process (field 19 of /proc/PID/task/TID/stat). */
function threadNices(pid: number): number[] {
  return fs.readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("API and worker processes on PostgreSQL", () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let env: Record<string, string>;
  let apiUrl: string;
  const procs: Proc[] = [];
  let client: pg.Client;
  beforeAll(async () => {
    fresh = await freshPostgresDatabase();
    const port = await services.freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: fresh.url,
      CONCILIA_SECRET_KEY: randomBytes(32).toString("base64"),
      CONCILIA_LOG_LEVEL: "warn",
      HOST: "127.0.0.1",
      PORT: String(port),
      CONCILIA_IMAP_IDLE: "off",
    };
    const api = spawnConcilia("test-api", ["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
    procs.push(api);
    await waitForHealth(apiUrl, api);
    client = new pg.Client({ connectionString: fresh.url });
    await client.connect();
  }, 120_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => stop(p)));
    await client?.end();
    await fresh?.drop();
  });

  const worker = async (extra: Record<string, string> = {}) => {
    const p = spawnConcilia(`test-worker-${procs.length}`, ["worker"], { ...env, ...extra });
    procs.push(p);
    await p.ready;
    if (!p.alive()) throw new Error(`the worker exited:\n${p.tail()}`);
    return p;
  };

  it("R-P-1: the API process with CONCILIA_WORKER=off runs no job and no queue maintenance; a worker does both", async () => {
    const database = await openDatabase({ url: fresh.url });
    const jobs = await createJobs(database, createLogger("silent"), undefined, { supervise: false });
    const state = async (id: string) =>
      (await client.query("select state from pgboss.job where id = $1", [id])).rows[0]?.state as string;
    try {
      // A job waiting to run, and one a dead process left active long past its expiry.
      for (let i = 0; i < 2; i++)
        await database.db.transaction((tx) =>
          jobs.send(tx, "blobs.collect", { sha256: [randomBytes(32).toString("hex")] }),
        );
      const { rows } = await client.query<{ id: string }>(
        "select id from pgboss.job where name = 'blobs.collect' order by created_on",
      );
      const [waiting, orphan] = rows.map((r) => r.id);
      await client.query(
        "update pgboss.job set state = 'active', started_on = now() - interval '1 hour' where id = $1",
        [orphan],
      );
      // The API alone: several polls and maintenance intervals (1 s and 2 s) go by.
      await sleep(5000);
      expect(await state(waiting)).toBe("created");
      expect(await state(orphan)).toBe("active");

      await worker();
      expect(await until(async () => (await state(waiting)) === "completed", 20_000)).toBe(true);
      // Expired by the worker's maintenance, then run again as a retry.
      expect(await until(async () => (await state(orphan)) !== "active", 20_000)).toBe(true);
    } finally {
      await jobs.stop();
      await database.close();
    }
  }, 60_000);

  it("a worker lowers every one of its threads to nice 10 by default, and CONCILIA_WORKER_NICE=0 leaves it alone", async () => {
    const own = os.getPriority();
    const niced = await worker();
    const nices = threadNices(niced.child.pid as number);
    expect(nices.length).toBeGreaterThan(1);
    expect(nices.every((n) => n === Math.max(own, 10))).toBe(true);

    const left = await worker({ CONCILIA_WORKER_NICE: "0" });
    expect(threadNices(left.child.pid as number).every((n) => n === own)).toBe(true);
  }, 60_000);
});
