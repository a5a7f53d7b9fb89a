// R-P-1, R-P-3: a `concilia worker` process killed (SIGKILL) while a sync step is running loses
// nothing and doubles nothing: the page in flight was not committed with its cursor, so the next worker
// lists it again, and the ingest keeps one activity per Message-ID. PostgreSQL only: separate worker
// processes share a database only there.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../../../bench/_services.js";
import { readState } from "../../../server/sync/state-machine.js";
import { clean, type FaultWorld, faultWorld, WORLD_ENV_KEYS } from "./world.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a worker killed mid-step on PostgreSQL", () => {
  let w: FaultWorld;
  const children: ChildProcess[] = [];
  const folders: string[] = [];
  beforeAll(async () => {
    // The test server does not work the queue: the worker processes do.
    w = await faultWorld("postgres", { CONCILIA_WORKER: "off" });
    await w.server.ctx.jobs.stop();
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await w?.close();
    for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
  });

  const worker = (extra: Record<string, string> = {}) => {
    folders.push(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-worker-")));
    const config = w.server.ctx.config as unknown as Record<string, string>;
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      CONCILIA_DATA: folders.at(-1) as string,
      CONCILIA_LOG_LEVEL: "warn",
      CONCILIA_SYNC_TICK_SECONDS: "1",
      CONCILIA_SYNC_POLL_SECONDS: "1",
      CONCILIA_SYNC_RETRY_SECONDS: "1",
      CONCILIA_SYNC_BATCH_SIZE: "6",
      CONCILIA_SYNC_STEP_ITEMS: "18",
      // The dead worker's step is freed by the watchdog after this long.
      CONCILIA_SYNC_STUCK_SECONDS: "3",
      ...extra,
    };
    for (const k of WORLD_ENV_KEYS) env[k] = String(config[k]);
    const c = spawn(process.execPath, ["bin/concilia.mjs", "worker"], { env, stdio: "ignore" });
    children.push(c);
    return c;
  };

  it("R-P-1, R-P-3: SIGKILL while a step runs: the next worker resumes and every message is logged once", async () => {
    const box = await w.mailbox("google", { count: 60 });
    // Slow answers, so that a step is surely running when the worker dies.
    w.emulator("google").faults.set(box.email, { latencyMs: 100 });
    const dying = worker();

    // Wait until some mail is logged and a step is running, not all of it.
    let killedWith = -1;
    for (let i = 0; i < 300 && killedWith < 0; i++) {
      const a = await w.audit(box);
      const state = await readState(w.server.ctx.db, box.connectionId);
      if (a.expected - a.missing.length > 0 && state?.stepStartedAt) killedWith = a.missing.length;
      else await sleep(100);
    }
    expect(killedWith, "the kill came while mail was still to be logged").toBeGreaterThan(0);
    dying.kill("SIGKILL");
    await new Promise((r) => dying.once("exit", r));
    const state = await readState(w.server.ctx.db, box.connectionId);
    expect(state?.stepStartedAt, "the dead worker left its step marked as running").not.toBeNull();

    w.emulator("google").faults.clear(box.email);
    worker();
    for (let i = 0; i < 300; i++) {
      const a = await w.audit(box);
      if (a.missing.length === 0) break;
      await sleep(100);
    }
    expect(await w.audit(box)).toEqual(clean(18));
    // And the sync comes to rest: its first sync over, up to date.
    for (let i = 0; i < 100; i++) {
      if ((await readState(w.server.ctx.db, box.connectionId))?.status === "up_to_date") break;
      await sleep(100);
    }
    expect(await readState(w.server.ctx.db, box.connectionId)).toMatchObject({
      status: "up_to_date",
      stepStartedAt: null,
    });
  }, 60_000);

  it("a worker with CONCILIA_METRICS_PORT serves the sync metrics it counts", async () => {
    // This worker alone works the queue, so what it counts is the whole sync.
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    const port = await services.freePort();
    worker({ CONCILIA_METRICS_PORT: String(port), HOST: "127.0.0.1" });
    const box = await w.mailbox("microsoft", { count: 20 });
    // The worker's start-up takes a while on a busy machine.
    for (let i = 0; i < 900 && (await w.audit(box)).missing.length > 0; i++) await sleep(100);
    expect(await w.audit(box)).toEqual(clean(6));
    let text = "";
    for (let i = 0; i < 50 && !text.includes('provider="microsoft",outcome="stored"'); i++) {
      text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
        (r) => r.text(),
        () => "",
      );
      if (!text.includes('provider="microsoft",outcome="stored"')) await sleep(100);
    }
    const stored = Number(
      /^concilia_sync_items_total\{provider="microsoft",outcome="stored"\} (\S+)$/m.exec(text)?.[1] ?? 0,
    );
    expect(stored).toBeGreaterThanOrEqual(6);
    expect(text).toMatch(/^concilia_sync_lag_seconds/m);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  }, 120_000);
});
