// The sidebars' context look-up has database sessions of its own (server/db/index.ts `sidebarQuery`):
// when every session of the process's main pool is taken (writes waiting for a sync step's row locks,
// pushes, long requests), a sidebar still answers. PostgreSQL only: PGlite has one session anyway.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/tokens.js";
import { seedDemo } from "../../server/crm/demo.js";
import { POOL_SESSIONS } from "../../server/db/index.js";
import type { ContextResponse } from "../../shared/api/context.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.skipIf(!engines.includes("postgres"))("context look-ups on PostgreSQL", () => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer({ engine: "postgres" });
    const { users } = await seedDemo(s.ctx);
    token = (await createApiToken(s.ctx.db, users.sales.id, { name: "t" })).token;
  });
  afterAll(() => s?.close());

  const context = async () => {
    const r = await s.app.inject({
      url: `/api/v1/context?address=${encodeURIComponent("jose.garcia@acme-iberia.example")}`,
      headers: { authorization: `Bearer ${token}` },
    });
    return { status: r.statusCode, body: r.json() as ContextResponse };
  };

  it("R-SB-8: the sidebar still gets its context while every session of the main pool is held", async () => {
    // The token is now known to this process (cached, last use recorded): authentication needs no session.
    expect((await context()).status).toBe(200);
    const held: pg.PoolClient[] = [];
    try {
      for (let i = 0; i < POOL_SESSIONS; i++) held.push(await s.ctx.database.pool!.connect());
      const answer = await Promise.race([
        context(),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
      ]);
      expect(answer?.status).toBe(200);
      expect(answer?.body.participants[0]).toMatchObject({ status: "known" });
    } finally {
      for (const c of held) c.release();
    }
  }, 30_000);
});
