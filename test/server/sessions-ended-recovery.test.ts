// R-P-3: when PostgreSQL ends every session of the database at once (a restart, a failover, an operator's
// pg_terminate_backend), the API answers again within seconds and a `concilia worker` goes on by itself:
// its scheduler ticks and its sync steps run again, without anyone restarting a process. PostgreSQL only:
// PGlite has no sessions to end. The fault fleet (bench/reports/faults.md) measures the same under load.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultWorld, faultWorld, type Mailbox, WORLD_ENV_KEYS } from "../sync/faults/world.js";
import { traceRecovery } from "./recovery-trace.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it holds: the milliseconds it took, or null past `ms`. */
async function until(check: () => Promise<boolean>, ms = 30_000): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try {
      if (await check()) return Date.now() - start;
    } catch {}
    await sleep(50);
  }
  return null;
}

describe("a running API and worker whose PostgreSQL sessions all end", () => {
  let w: FaultWorld;
  let admin: pg.Client;
  let worker: ChildProcess;
  let folder: string;
  const boxes: Mailbox[] = [];
  beforeAll(async () => {
    // As production runs it: the API process works no job, a `concilia worker` process does.
    w = await faultWorld("postgres", { CONCILIA_WORKER: "off" });
    await w.server.ctx.jobs.stop();
    await w.server.listen();
    admin = new pg.Client({
      connectionString: w.server.ctx.config.DATABASE_URL,
      application_name: "test-admin",
    });
    await admin.connect();
    for (const provider of ["google", "microsoft", "google", "microsoft"] as const) {
      const box = await w.mailbox(provider, { count: 400 });
      // Slow answers, so that steps are running (and hold their leases' sessions) when the sessions end.
      w.emulator(provider).faults.set(box.email, { latencyMs: 150 });
      boxes.push(box);
    }
    folder = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-worker-"));
    const config = w.server.ctx.config as unknown as Record<string, string>;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      CONCILIA_DATA: folder,
      CONCILIA_LOG_LEVEL: "warn",
      CONCILIA_SYNC_TICK_SECONDS: "1",
      CONCILIA_SYNC_WATCHDOG_SECONDS: "1",
      CONCILIA_SYNC_POLL_SECONDS: "1",
      CONCILIA_SYNC_RETRY_SECONDS: "1",
      CONCILIA_SYNC_BATCH_SIZE: "5",
      CONCILIA_SYNC_STEP_ITEMS: "10",
    };
    for (const k of WORLD_ENV_KEYS) env[k] = String(config[k]);
    worker = spawn(process.execPath, ["bin/concilia.mjs", "worker"], { env, stdio: "inherit" });
  }, 60_000);
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await admin?.end();
    await w?.close();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  const read = (box: Mailbox) =>
    fetch(`${w.server.url}/api/v1/persons?limit=1`, {
      headers: { authorization: `Bearer ${box.user.token}` },
    });
  const completedSince = async (queue: string, when: Date) => {
    const { rows } = await admin.query(
      "select count(*)::int as n from pgboss.job where name = $1 and state = 'completed' and completed_on > $2",
      [queue, when],
    );
    return rows[0].n as number;
  };
  const running = async () => {
    const { rows } = await admin.query(
      "select count(*)::int as n from sync_states where step_started_at is not null",
    );
    return rows[0].n as number;
  };

  it("R-P-3: /healthz, an authenticated read, the worker's tick and its sync steps are back within seconds", async () => {
    const box = boxes[0];
    for (let round = 0; round < 3; round++) {
      // Ended while steps run: their leases' sessions, their transactions and the tick's all go.
      expect(await until(async () => (await running()) >= 2, 60_000), "steps are running").not.toBeNull();
      // And sidebar look-ups in flight: each answers, through the end of its session.
      let loading = true;
      const contextFailures: string[] = [];
      const context = (i: number) =>
        fetch(
          `${w.server.url}/api/v1/context?address=someone${i}@example.com&messageId=%3Cm${i}%40example.com%3E`,
          {
            headers: { authorization: `Bearer ${box.user.token}` },
          },
        ).then(async (r) => {
          if (r.status !== 200) contextFailures.push(`${r.status} ${await r.text()}`);
          else await r.arrayBuffer();
        });
      const lanes = Array.from({ length: 30 }, async (_, lane) => {
        for (let i = 0; loading; i++)
          await context(lane * 10_000 + i).catch((e) => contextFailures.push(String(e)));
      });
      await sleep(300);
      const inFlight = Array.from({ length: 8 }, () => read(box).catch(() => null));
      const when = new Date();
      const { rows } = await admin.query(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
      );
      expect(rows[0].n, "the processes' sessions were ended").toBeGreaterThan(0);
      await Promise.all(inFlight);
      const stopTrace = traceRecovery(w.server.ctx.config.DATABASE_URL as string, when);
      const [healthMs, readMs, tickMs, stepMs] = await Promise.all([
        until(async () => (await fetch(`${w.server.url}/healthz`)).status === 200),
        until(async () => (await read(box)).status === 200),
        until(async () => (await completedSince("sync.tick", when)) > 0),
        until(async () => (await completedSince("sync.step", when)) > 0),
      ]);
      loading = false;
      await Promise.all(lanes);
      await stopTrace();
      console.log(
        `round ${round}: context failures ${contextFailures.length}, sessions ${rows[0].n}, healthz ${healthMs} ms, read ${readMs} ms, tick ${tickMs} ms, step ${stepMs} ms`,
      );
      expect(contextFailures, "sidebar look-ups answered through the end of their sessions").toEqual([]);
      expect(worker.exitCode, "the worker process is still running").toBeNull();
      expect(healthMs, "/healthz answers again").not.toBeNull();
      expect(readMs, "an authenticated read answers 200 again").not.toBeNull();
      expect(tickMs, "the worker's tick runs again").not.toBeNull();
      expect(stepMs, "the worker's sync steps run again").not.toBeNull();
      expect(readMs as number).toBeLessThan(10_000);
      expect(tickMs as number).toBeLessThan(10_000);
      expect(stepMs as number).toBeLessThan(10_000);
    }
  }, 240_000);
});
