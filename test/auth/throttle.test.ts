import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  purgeSignInFailures,
  type SignInThrottle,
  signInThrottle,
  THROTTLE,
} from "../../server/auth/throttle.js";
import { signInFailures } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const SEC = 1000;
const MIN = 60 * SEC;

describe.each(engines)("R-SB-7 sign-in throttle on %s", (engine) => {
  let s: TestServer;
  // The test's clock starts at the real time: the server's periodic purge (real clock) runs meanwhile and
  // must not find the test's failures an hour old and forget them.
  let clock = Date.now();
  const now = () => clock;
  const throttle = () => signInThrottle(s.ctx.db, { now });
  /** `n` password guesses at this moment: how many were checked (and failed), how many refused. */
  async function guess(t: SignInThrottle, account: string, client: string, n: number) {
    let checked = 0;
    let refused = 0;
    for (let i = 0; i < n; i++) {
      if ((await t.check(account, client)) > 0) refused++;
      else {
        checked++;
        await t.fail(account, client);
      }
    }
    return { checked, refused };
  }

  beforeAll(async () => {
    s = await startTestServer({ engine });
  });
  afterAll(() => s?.close());

  it("R-SB-7: one client guessing one account gets three tries, then waits that double", async () => {
    const t = throttle();
    expect(await guess(t, "ana@acme.test", "203.0.113.9", 20)).toEqual({ checked: 3, refused: 17 });
    expect(await t.check("ana@acme.test", "203.0.113.9")).toBe(2 * SEC);
    clock += 2 * SEC;
    expect(await guess(t, "ana@acme.test", "203.0.113.9", 10)).toEqual({ checked: 1, refused: 9 });
    expect(await t.check("ana@acme.test", "203.0.113.9")).toBe(4 * SEC);
    // Over an hour of steady guessing the waits grow to their ceiling: a handful of guesses, not thousands.
    let checked = 0;
    for (let elapsed = 0; elapsed < 60 * MIN; elapsed += 10 * SEC) {
      clock += 10 * SEC;
      checked += (await guess(t, "ana@acme.test", "203.0.113.9", 1)).checked;
    }
    expect(checked).toBeLessThanOrEqual(12);
    expect(await t.check("ana@acme.test", "203.0.113.9")).toBeLessThanOrEqual(THROTTLE.maxWaitMs);
  });

  it("R-SB-7: an attack on an account from many addresses never stops its user, from a clean client, with the right password", async () => {
    const t = throttle();
    for (let i = 1; i <= 12; i++) await guess(t, "bea@acme.test", `198.51.100.${i}`, 3);
    // The user, at their own address, is not held back at all.
    expect(await t.check("bea@acme.test", "192.0.2.44")).toBe(0);
    // The attackers' addresses, and any client that failed during the attack, wait longer.
    expect(await t.check("bea@acme.test", "198.51.100.1")).toBeGreaterThanOrEqual(
      THROTTLE.accountFirstWaitMs,
    );
    expect(await guess(t, "bea@acme.test", "198.51.100.77", 5)).toEqual({ checked: 1, refused: 4 });
    expect(await t.check("bea@acme.test", "198.51.100.77")).toBe(THROTTLE.accountFirstWaitMs);
    // Another account is not under attack: the same address there keeps its free tries.
    expect(await guess(t, "carl@acme.test", "198.51.100.77", 3)).toEqual({ checked: 3, refused: 0 });
  });

  it("R-SB-7: one address trying many accounts waits on every account, other addresses do not", async () => {
    const t = throttle();
    for (let i = 0; i < THROTTLE.clientFreeTries; i++)
      await guess(t, `user${i}@acme.test`, "203.0.113.50", 1);
    expect(await t.check("someone-new@acme.test", "203.0.113.50")).toBe(THROTTLE.clientFirstWaitMs);
    expect(await t.check("someone-new@acme.test", "203.0.113.51")).toBe(0);
  });

  it("R-SB-7: failures counted by one server process hold in every other, also when they arrive at once", async () => {
    const [a, b] = [throttle(), throttle()];
    await Promise.all(
      Array.from({ length: 3 }, (_, i) => (i % 2 ? a : b).fail("dora@acme.test", "10.1.1.1")),
    );
    expect(await a.check("dora@acme.test", "10.1.1.1")).toBe(THROTTLE.pairFirstWaitMs);
    expect(await b.check("dora@acme.test", "10.1.1.1")).toBe(THROTTLE.pairFirstWaitMs);
  });

  it("R-SB-7: a successful sign-in clears the client's count; an hour without failures forgets it", async () => {
    const t = throttle();
    await guess(t, "fede@acme.test", "10.1.1.2", 2);
    await t.succeed("fede@acme.test", "10.1.1.2");
    expect(await guess(t, "fede@acme.test", "10.1.1.2", 3)).toEqual({ checked: 3, refused: 0 });
    clock += THROTTLE.forgetMs + SEC;
    expect(await guess(t, "fede@acme.test", "10.1.1.2", 3)).toEqual({ checked: 3, refused: 0 });
  });

  it("R-SB-7: no address or IP address is stored, and the purge keeps only what still counts", async () => {
    await s.ctx.db.delete(signInFailures); // only this test's rows
    const t = throttle();
    await guess(t, "gina@acme.test", "10.0.0.9", 3);
    const rows = await s.ctx.db.select().from(signInFailures);
    expect(rows).toHaveLength(3); // the pair, the account, the client
    expect(JSON.stringify(rows)).not.toMatch(/acme\.test|10\.0\.0/);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.keyHash))).toBe(true);

    await purgeSignInFailures(s.ctx.db, clock + THROTTLE.forgetMs - SEC);
    expect(await s.ctx.db.select().from(signInFailures)).toHaveLength(3);
    await purgeSignInFailures(s.ctx.db, clock + THROTTLE.forgetMs + SEC);
    expect(await s.ctx.db.select().from(signInFailures)).toEqual([]);
  });
});
