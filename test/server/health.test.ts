import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("operations on %s", (engine) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ engine });
  });
  afterAll(() => s?.close());

  it("R-P-1: /readyz reports the database reachable and migrations applied", async () => {
    const r = await s.app.inject({ url: "/readyz" });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: "ready", checks: { database: "ok", migrations: "ok" } });
  });

  it("R-P-4: an unknown route answers problem+json", async () => {
    const r = await s.app.inject({ url: "/api/v1/nothing-here" });
    expect(r.statusCode).toBe(404);
    expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
  });
});
