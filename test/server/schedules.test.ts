// Periodic jobs run on both engines, with no one calling them: here the purge of expired sign-in codes,
// its interval shortened to 2 seconds.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loginCodes } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { until } from "../harness/until.js";

describe.each(engines)("schedules on %s", (engine) => {
  let s: TestServer;
  let userId: string;
  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_PURGE_INTERVAL_SECONDS: "2" } });
    userId = (await s.user(`sched-${engine}@acme.test`)).id;
  });
  afterAll(() => s?.close());

  const code = async (expiresInMs: number) => {
    const codeHash = randomBytes(16).toString("hex");
    await s.ctx.db
      .insert(loginCodes)
      .values({ codeHash, userId, scopes: ["crm"], expiresAt: new Date(Date.now() + expiresInMs) });
    return codeHash;
  };
  const exists = async (codeHash: string) =>
    (await s.ctx.db.select().from(loginCodes).where(eq(loginCodes.codeHash, codeHash))).length > 0;

  it("R-P-1, R-P-2: the periodic purge runs by itself, again and again, and keeps what is still valid", async () => {
    const first = await code(-60_000);
    const valid = await code(10 * 60_000);
    expect(await until(async () => !(await exists(first)), 10_000)).toBe(true);
    // A later slot runs it again: an expired code added after the first purge goes too.
    const second = await code(-60_000);
    expect(await until(async () => !(await exists(second)), 10_000)).toBe(true);
    expect(await exists(valid)).toBe(true);
    // One job per slot, however many offers: about one purge per 2 s since the server started.
    const { rows } = await s.ctx.database.query<{ n: number }>(
      "select count(*)::int as n from pgboss.job where name = 'auth.purge-expired' and singleton_on is not null",
    );
    expect(rows[0].n).toBeGreaterThanOrEqual(2);
    expect(rows[0].n).toBeLessThanOrEqual(12);
  }, 30_000);
});
