// The sign-in throttle behind the TLS reverse proxy that Office add-ins require: every request
// reaches the server from the proxy's address, and only CONCILIA_TRUST_PROXY lets the server see
// the client's address in X-Forwarded-For.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../server/app.js";
import { closeContext, createContext } from "../../server/bootstrap.js";
import { loadConfig } from "../../server/config.js";
import { createUser } from "../../server/crm/users.js";
import { createLogger } from "../../server/log.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { pgliteTemplate } from "../harness/pglite-template.js";

const PASSWORD = "correct horse battery staple";
const PROXY = "10.20.0.5";

describe.each(engines)("R-SB-7 sign-in behind a reverse proxy on %s", (engine) => {
  let behindProxy: TestServer;
  let direct: TestServer;

  /** One login form post as the proxy forwards it; `client` goes into X-Forwarded-For. */
  const attempt = (s: TestServer, email: string, password: string, from: string, forwardedFor?: string) =>
    s.app.inject({
      method: "POST",
      url: "/auth/login?lang=en",
      remoteAddress: from,
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
      },
      payload: new URLSearchParams({ email, password }).toString(),
    });
  /** `n` wrong passwords at once: how many the server checked (401) and how many it refused (429). */
  async function guesses(n: number, send: (i: number) => ReturnType<typeof attempt>) {
    const codes: number[] = [];
    for (let i = 0; i < n; i++) codes.push((await send(i)).statusCode);
    return { checked: codes.filter((c) => c === 401).length, refused: codes.filter((c) => c === 429).length };
  }

  beforeAll(async () => {
    [behindProxy, direct] = await Promise.all([
      startTestServer({ engine, env: { CONCILIA_TRUST_PROXY: "10.20.0.0/16" } }),
      startTestServer({ engine }),
    ]);
    for (const s of [behindProxy, direct])
      for (const email of ["ana@acme.test", "bea@acme.test", "carla@acme.test"])
        await createUser(s.ctx.db, { email, name: email, password: PASSWORD });
  });
  afterAll(async () => {
    await behindProxy?.close();
    await direct?.close();
  });

  it("R-SB-7: an attacker's wrong passwords through the proxy do not stop the user signing in from another address", async () => {
    const attack = await guesses(20, () =>
      attempt(behindProxy, "ana@acme.test", "guess", PROXY, "203.0.113.66"),
    );
    // Guessing is slowed: three guesses are checked, the rest refused unread.
    expect(attack.checked).toBeLessThanOrEqual(4);
    expect(attack.refused).toBe(20 - attack.checked);
    const refused = await attempt(behindProxy, "ana@acme.test", PASSWORD, PROXY, "203.0.113.66");
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);

    // Ana, through the same proxy from her own address, signs in at once.
    const ana = await attempt(behindProxy, "ana@acme.test", PASSWORD, PROXY, "198.51.100.7");
    expect(ana.statusCode).toBe(200);
    expect(ana.body).toContain("Your one-time code");
  });

  it("R-SB-7: a proxy chain: the client is the address the trusted proxy saw, not what the client wrote", async () => {
    // The attacker writes a fresh X-Forwarded-For on each request; the proxy appends the real address.
    const attack = await guesses(10, (i) =>
      attempt(behindProxy, "bea@acme.test", "guess", PROXY, `192.0.2.${i + 1}, 203.0.113.77`),
    );
    expect(attack.checked).toBeLessThanOrEqual(4);
    expect((await attempt(behindProxy, "bea@acme.test", PASSWORD, PROXY, "198.51.100.8")).statusCode).toBe(
      200,
    );
  });

  it("R-SB-7: X-Forwarded-For from an address that is no trusted proxy is ignored", async () => {
    for (const [s, from] of [
      [direct, "203.0.113.90"],
      [behindProxy, "203.0.113.91"], // reaching the server around the proxy
    ] as const) {
      const attack = await guesses(10, (i) =>
        attempt(s, "carla@acme.test", "guess", from, `198.51.100.${i + 20}`),
      );
      expect(attack.checked).toBeLessThanOrEqual(4);
      expect(attack.refused).toBe(10 - attack.checked);
    }
    // Without CONCILIA_TRUST_PROXY the proxy is the client, as before: its address is what counts.
    expect(
      (await attempt(direct, "carla@acme.test", PASSWORD, "192.0.2.200", "203.0.113.90")).statusCode,
    ).toBe(200);
  });
});

describe("R-SB-7 CONCILIA_TRUST_PROXY", () => {
  it("R-SB-7: off by default; a hop count or addresses and CIDRs; anything else names the variable", () => {
    expect(loadConfig({}).CONCILIA_TRUST_PROXY).toBe(false);
    expect(loadConfig({ CONCILIA_TRUST_PROXY: "off" }).CONCILIA_TRUST_PROXY).toBe(false);
    expect(loadConfig({ CONCILIA_TRUST_PROXY: "1" }).CONCILIA_TRUST_PROXY).toBe(1);
    expect(loadConfig({ CONCILIA_TRUST_PROXY: "10.0.0.0/8, ::1, loopback" }).CONCILIA_TRUST_PROXY).toEqual([
      "10.0.0.0/8",
      "::1",
      "loopback",
    ]);
    expect(() => loadConfig({ CONCILIA_TRUST_PROXY: "true" })).toThrow(/CONCILIA_TRUST_PROXY: must be off/);
    expect(() => loadConfig({ CONCILIA_TRUST_PROXY: "10.0.0.0/33" })).toThrow(/not: 10\.0\.0\.0\/33/);
    expect(() => loadConfig({ CONCILIA_TRUST_PROXY: "proxy.internal" })).toThrow(/not: proxy\.internal/);
  });
});

describe("R-SB-7 a proxy the server was not told about", () => {
  it("R-SB-7: requests with X-Forwarded-For while CONCILIA_TRUST_PROXY is off get one warning in the log", async () => {
    const lines: string[] = [];
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-proxy-"));
    const config = loadConfig({ CONCILIA_DATA: dataDir, CONCILIA_LOG_LEVEL: "warn" });
    const ctx = await createContext(
      config,
      createLogger("warn", { write: (l: string) => void lines.push(l) }),
      // The migrated database the test servers start from, not a new one migrated here.
      { memory: true, loadDataDir: await pgliteTemplate() },
    );
    const app = await buildApp(ctx);
    try {
      await app.inject({ url: "/healthz" });
      expect(lines.join("")).not.toContain("CONCILIA_TRUST_PROXY");
      for (let i = 0; i < 3; i++)
        await app.inject({
          url: "/healthz",
          remoteAddress: PROXY,
          headers: { "x-forwarded-for": "198.51.100.7" },
        });
      const warnings = lines.filter((l) => l.includes("CONCILIA_TRUST_PROXY is off"));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0]).level).toBe(40);
    } finally {
      await app.close();
      await closeContext(ctx);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
