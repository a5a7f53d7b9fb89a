// Who may see and act on a connection's sync: its owner does everything, an admin may read its status,
// anyone else is told it does not exist (404, problem+json), and nothing they send changes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

type Actor = "owner" | "other" | "admin";
const actors: Actor[] = ["owner", "other", "admin"];
/** The status each actor gets, in the order owner, other, admin. */
const matrix: Record<string, [method: "GET" | "POST", path: string, statuses: number[]]> = {
  "read the status": ["GET", "status", [200, 404, 200]],
  pause: ["POST", "pause", [200, 404, 404]],
  resume: ["POST", "resume", [200, 404, 404]],
  "retry failed items": ["POST", "retry-failed", [200, 404, 404]],
};

describe.each(engines)("sync status API access on %s", (engine) => {
  let s: TestServer;
  const tokens = {} as Record<Actor, string>;
  let connectionId: string;

  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
    const owner = await s.user("owner@acme.test");
    tokens.owner = owner.token;
    tokens.other = (await s.user("other@acme.test")).token;
    tokens.admin = (await s.user("admin@acme.test", { role: "admin" })).token;
    // A provider without an adapter here: steps the actions queue fail quietly, the access rules are the point.
    connectionId = (
      await createConnection(s.ctx.db, owner.id, { provider: "nowhere", accountAddress: "o@mail.test" })
    ).id;
  });
  afterAll(async () => {
    await s?.close();
  });

  const call = (method: "GET" | "POST", path: string, who: Actor | "nobody", id = connectionId) =>
    s.app.inject({
      method,
      url: `/api/v1/connections/${id}/${path}`,
      headers: who === "nobody" ? {} : { authorization: `Bearer ${tokens[who]}` },
    });

  for (const [action, [method, path, statuses]] of Object.entries(matrix))
    it(`R-CON-10: ${action} — owner ${statuses[0]}, another user ${statuses[1]}, admin ${statuses[2]}`, async () => {
      // Pausing as someone else must not pause it: read the status after each attempt.
      for (const [i, who] of actors.entries()) {
        const before = (await call("GET", "status", "owner")).json().status;
        const r = await call(method, path, who);
        expect(r.statusCode, `${who} ${action}`).toBe(statuses[i]);
        if (r.statusCode === 404) {
          expect(r.headers["content-type"]).toContain("application/problem+json");
          expect((await call("GET", "status", "owner")).json().status).toBe(before);
        }
      }
      expect((await call(method, path, "nobody")).statusCode).toBe(401);
      expect((await call(method, path, "owner", "0192f5a0-0000-7000-8000-000000000000")).statusCode).toBe(
        404,
      );
    });

  it("R-CON-10: the owner's pause shows in the status, and resume ends it", async () => {
    expect((await call("POST", "pause", "owner")).json()).toMatchObject({ status: "paused" });
    expect((await call("GET", "status", "admin")).json()).toMatchObject({ status: "paused", connectionId });
    expect((await call("POST", "resume", "owner")).json().status).not.toBe("paused");
  });

  it("R-P-1: CONCILIA_SYNC_TICK_SECONDS=0 switches the periodic sync off: no tick is ever queued", async () => {
    await new Promise((r) => setTimeout(r, 1_500));
    const { rows } = await s.ctx.database.query<{ n: number }>(
      "select count(*)::int as n from pgboss.job where name = 'sync.tick'",
    );
    expect(rows[0].n).toBe(0);
    const { rows: purge } = await s.ctx.database.query<{ n: number }>(
      "select count(*)::int as n from pgboss.job where name = 'auth.purge-expired'",
    );
    expect(purge[0].n).toBeGreaterThan(0); // the other periodic jobs still run
  });
});
