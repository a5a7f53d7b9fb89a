import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queues } from "../../server/jobs/queues.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { until } from "../harness/until.js";

/** A blob no attachment uses: what a collection job removes. */
const putBlob = (s: TestServer, text: string) =>
  s.ctx.db.transaction((tx) => s.ctx.blobs.put(tx, Buffer.from(`${text} ${Math.random()}`)));

describe.each(engines)("jobs on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine });
  });
  afterAll(() => s?.close());

  it("R-P-1: a job queued in a transaction that rolls back never runs; one that commits runs", async () => {
    const kept = await putBlob(s, `kept ${engine}`);
    const gone = await putBlob(s, `gone ${engine}`);
    await expect(
      s.ctx.db.transaction(async (tx) => {
        await s.ctx.jobs.send(tx, "blobs.collect", { sha256: [kept] });
        throw new Error("the request failed after queuing");
      }),
    ).rejects.toThrow(/request failed/);
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "blobs.collect", { sha256: [gone] }));
    expect(await until(async () => !(await s.ctx.blobs.has(gone)), 10_000)).toBe(true);
    expect(await s.ctx.blobs.has(kept)).toBe(true);
  });
});

describe("workers on PostgreSQL", () => {
  let s: TestServer;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    // The server here does not work the queue: separate worker processes do.
    s = await startTestServer({ engine: "postgres", env: { CONCILIA_WORKER: "off" } });
    await s.ctx.jobs.stop();
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await s?.close().catch(() => {});
    for (const f of folders) fs.rmSync(f, { recursive: true, force: true });
  });

  const folders: string[] = [];
  // Each process its own data folder, as on separate hosts: nothing may pass between them but the database.
  const env = () => {
    folders.push(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-worker-")));
    return {
      ...process.env,
      DATABASE_URL: s.ctx.config.DATABASE_URL,
      CONCILIA_SECRET_KEY: s.ctx.config.CONCILIA_SECRET_KEY,
      CONCILIA_DATA: folders.at(-1),
      CONCILIA_LOG_LEVEL: "warn",
    };
  };
  const worker = () => {
    const c = spawn(process.execPath, ["bin/concilia.mjs", "worker"], { env: env(), stdio: "ignore" });
    children.push(c);
    return c;
  };

  it("R-P-1: several `concilia worker` processes share one queue and every job is done", async () => {
    worker();
    worker();
    const shas: string[] = [];
    for (let i = 0; i < 40; i++) shas.push(await putBlob(s, `shared queue ${i}`));
    for (const sha of shas)
      await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "blobs.collect", { sha256: [sha] }));
    const done = await until(async () => {
      for (const sha of shas) if (await s.ctx.blobs.has(sha)) return false;
      return true;
    }, 30_000);
    expect(done).toBe(true);
  }, 50_000);

  it("R-P-3: a job taken by a worker that is killed runs again within 30 seconds", async () => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    const sha = await putBlob(s, "orphaned");
    await s.ctx.db.transaction((tx) => s.ctx.jobs.send(tx, "blobs.collect", { sha256: [sha] }));
    // A worker takes the job (it becomes active) and dies before finishing it.
    const dying = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import PgBoss from "pg-boss";
         const boss = new PgBoss({ connectionString: process.env.DATABASE_URL, schema: "pgboss", supervise: false, schedule: false });
         await boss.start();
         const jobs = await boss.fetch("blobs.collect");
         console.log(jobs.length);`,
      ],
      { env: env(), stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(dying);
    const took = await new Promise<string>((resolve) =>
      dying.stdout!.once("data", (d) => resolve(String(d).trim())),
    );
    expect(took).toBe("1");
    dying.kill("SIGKILL");
    const killedAt = Date.now();
    worker();
    expect(await until(async () => !(await s.ctx.blobs.has(sha)), 30_000)).toBe(true);
    const seconds = (Date.now() - killedAt) / 1000;
    expect(seconds).toBeLessThan(30);
    // Not before its expiry: the job really was held by the dead worker (a margin for a slow pipe).
    expect(seconds).toBeGreaterThan(queues["blobs.collect"].expireInSeconds - 3);
  }, 45_000);
});
