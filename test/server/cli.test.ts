// The `concilia` command as an operator meets it: a real process, real signals, real output.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../../scripts/services.mjs";
import { loadConfig } from "../../server/config.js";

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ["bin/concilia.mjs", ...args], {
    encoding: "utf8",
    env: { ...process.env, CONCILIA_LOG_LEVEL: "warn", ...env },
    timeout: 150_000,
  });

describe("the concilia command", () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-cli-"));
    dirs.push(d);
    return d;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("R-P-1: `concilia --help` explains every command", () => {
    const r = cli(["--help"]);
    expect(r.status).toBe(0);
    for (const c of [
      "serve",
      "worker",
      "migrate",
      "seed-demo",
      "user add",
      "token",
      "rotate-key",
      "inspect-mail",
      "sync run",
      "connections list",
    ])
      expect(r.stdout).toContain(c);
    expect(cli(["frobnicate"]).status).toBe(2);
  });

  it("R-P-4: a wrong configuration value stops the start with a message naming the variable", () => {
    const r = cli(["migrate"], { PORT: "eighty", CONCILIA_DATA: tmp() });
    expect(r.status).toBe(78);
    expect(r.stderr).toContain("PORT");
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ CONCILIA_SECRET_KEY: "short" })).toThrow(
      /CONCILIA_SECRET_KEY: must be 32 bytes/,
    );
    expect(() => loadConfig({ CONCILIA_DEV: "maybe" })).toThrow(/CONCILIA_DEV/);
  });

  it("R-SB-7: `concilia token` works in dev mode only; `user add` adds a user who can then get one", () => {
    const data = tmp();
    const add = cli(
      ["user", "add", "--email", "Nora@Example.com", "--name", "Nora", "--password", "long-enough"],
      {
        CONCILIA_DATA: data,
      },
    );
    expect(add.status).toBe(0);
    expect(add.stdout).toContain("nora@example.com");
    const refused = cli(["token", "--user", "nora@example.com"], { CONCILIA_DATA: data, CONCILIA_DEV: "0" });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Dev tokens are switched off/);
    const ok = cli(["token", "--user", "nora@example.com"], { CONCILIA_DATA: data, CONCILIA_DEV: "1" });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toMatch(/^cnc_[A-Za-z0-9_-]{40,}$/);
  }, 240_000);

  it("R-P-1: `concilia serve` starts on the embedded database with the demo workspace, serves, and stops on SIGTERM", async () => {
    const port = await freePort();
    const data = tmp();
    const child = spawn(process.execPath, ["bin/concilia.mjs", "serve"], {
      env: {
        ...process.env,
        CONCILIA_DATA: data,
        PORT: String(port),
        CONCILIA_DEV: "1",
        CONCILIA_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    const started = Date.now();
    while (!out.includes("Dev token") && Date.now() - started < 150_000)
      await new Promise((r) => setTimeout(r, 200));
    expect(out).toContain(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    expect(out).toContain(`http://127.0.0.1:${port}/healthz`);
    const token = /cnc_[A-Za-z0-9_-]+/.exec(out)?.[0];
    expect(token).toMatch(/^cnc_[A-Za-z0-9_-]{40,}$/);
    expect(fs.existsSync(path.join(data, "secret.key"))).toBe(true);

    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const persons = await (
      await fetch(`${base}/api/v1/persons?limit=200`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(persons.items.length).toBeGreaterThanOrEqual(10);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain(
      'concilia_http_request_duration_seconds_count{method="GET",route="/api/v1/persons",status="200"} 1',
    );

    // Dev mode without an OAuth client: the emulators run beside it with the demo mailbox seeded.
    const google = /Google emulator:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(google).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const demoBox = `${google}/__emulator/accounts/sara%40concilia.demo/messages`;
    const seeded = (await (await fetch(demoBox)).json()).messages.length;
    expect(seeded).toBeGreaterThanOrEqual(30);
    const sent = await fetch(`${base}/playground/demo-mail`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(sent.status).toBe(201);
    expect((await (await fetch(demoBox)).json()).messages.length).toBe(seeded + 1);

    // A second process on the same data folder would lose writes: it is refused with the reason.
    const second = cli(["migrate"], { CONCILIA_DATA: data });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain(`Another Concilia process (pid ${child.pid})`);

    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(fs.existsSync(path.join(data, "pgdata", "concilia.pid"))).toBe(false);
    await expect(fetch(demoBox)).rejects.toThrow();
  }, 240_000);
});
