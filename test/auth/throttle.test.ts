import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { failureThrottle, purgeSignInFailures } from "../../server/auth/throttle.js";
import { signInFailures } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const MIN = 60_000;

describe.each(engines)("R-SB-7 sign-in throttle on %s", (engine) => {
  let s: TestServer;
  let clock = Date.parse("2026-11-24T10:00:00Z");
  const now = () => clock;
  beforeAll(async () => {
    s = await startTestServer({ engine });
  });
  afterAll(() => s?.close());

  it("R-SB-7: failures counted by one server process lock the address in every other", async () => {
    const first = failureThrottle(s.ctx.db, { now });
    const second = failureThrottle(s.ctx.db, { now });
    for (let i = 0; i < 3; i++) await first.fail("ana@acme.test|10.0.0.1");
    for (let i = 0; i < 2; i++) await second.fail("ana@acme.test|10.0.0.1");
    expect(await first.blockedFor("ana@acme.test|10.0.0.1")).toBe(15 * MIN);
    expect(await second.blockedFor("ana@acme.test|10.0.0.1")).toBe(15 * MIN);
    // Another client, or another address, is not held back.
    expect(await second.blockedFor("ana@acme.test|10.0.0.2")).toBe(0);
    expect(await second.blockedFor("bea@acme.test|10.0.0.1")).toBe(0);
  });

  it("R-SB-7: failures that arrive at the same moment all count", async () => {
    const throttles = Array.from({ length: 5 }, () => failureThrottle(s.ctx.db, { now }));
    await Promise.all(throttles.map((t) => t.fail("carla@acme.test|10.0.0.1")));
    expect(await throttles[0].blockedFor("carla@acme.test|10.0.0.1")).toBeGreaterThan(0);
  });

  it("R-SB-7: a lock ends after its time, and failures older than the window are forgotten", async () => {
    const t = failureThrottle(s.ctx.db, { now });
    for (let i = 0; i < 5; i++) await t.fail("dario@acme.test|10.0.0.1");
    clock += 15 * MIN;
    expect(await t.blockedFor("dario@acme.test|10.0.0.1")).toBe(0);

    for (let i = 0; i < 4; i++) await t.fail("eva@acme.test|10.0.0.1");
    clock += 16 * MIN;
    await t.fail("eva@acme.test|10.0.0.1"); // the fifth, but the first four are too old
    expect(await t.blockedFor("eva@acme.test|10.0.0.1")).toBe(0);
  });

  it("R-SB-7: a successful sign-in clears the count", async () => {
    const t = failureThrottle(s.ctx.db, { now });
    for (let i = 0; i < 4; i++) await t.fail("fede@acme.test|10.0.0.1");
    await t.succeed("fede@acme.test|10.0.0.1");
    await t.fail("fede@acme.test|10.0.0.1");
    expect(await t.blockedFor("fede@acme.test|10.0.0.1")).toBe(0);
  });

  it("R-SB-7: no address or IP address is stored, and the purge keeps only what still counts", async () => {
    await s.ctx.db.delete(signInFailures); // only this test's rows
    const t = failureThrottle(s.ctx.db, { now });
    for (let i = 0; i < 5; i++) await t.fail("gina@acme.test|10.0.0.9");
    await t.fail("hugo@acme.test|10.0.0.9");
    const rows = await s.ctx.db.select().from(signInFailures);
    expect(JSON.stringify(rows)).not.toMatch(/acme\.test|10\.0\.0/);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.keyHash))).toBe(true);

    await purgeSignInFailures(s.ctx.db, clock + 14 * MIN);
    expect(await t.blockedFor("gina@acme.test|10.0.0.9")).toBeGreaterThan(0);
    expect((await s.ctx.db.select().from(signInFailures)).length).toBe(2);

    await purgeSignInFailures(s.ctx.db, clock + 16 * MIN);
    expect(await s.ctx.db.select().from(signInFailures)).toEqual([]);
  });
});
