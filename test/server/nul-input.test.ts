// R-P-4: PostgreSQL text cannot hold U+0000, so a NUL in a path, a query or a body field would fail the
// query that reads it: found by the fuzz (test/fuzz/), it is refused first with a 400 naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("R-P-4 NUL characters in input on %s", (engine) => {
  let s: TestServer;
  let token: string;
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
    token = (await s.user("ana@acme.test")).token;
  });
  afterAll(() => s?.close());

  const call = (method: "GET" | "POST" | "DELETE", url: string, payload?: object) =>
    s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });

  it("R-P-4: a NUL in a body field, a path id or a query is a 400 naming where it is; nothing is stored", async () => {
    const body = await call("POST", "/api/v1/persons", { firstName: "Ana\u0000", lastName: "Nul" });
    expect(body.statusCode).toBe(400);
    expect(body.headers["content-type"]).toMatch(/problem\+json/);
    expect(body.json().errors).toEqual([
      { path: "body.firstName", message: "contains a NUL character (U+0000)" },
    ]);
    expect((await call("GET", "/api/v1/persons")).json().items).toEqual([]);

    const path = await call("DELETE", "/api/v1/connections/%00%3A");
    expect(path.statusCode).toBe(400);
    expect(path.json().detail).toMatch(/params\.id contains a NUL character/);

    const query = await call("GET", "/api/v1/search?q=a%00b");
    expect(query.statusCode).toBe(400);
    expect(query.json().errors[0].path).toBe("query.q");
  });

  it("R-P-4: a NUL in the sign-in form's address is a missing address (400), not a server error", async () => {
    const r = await s.app.inject({
      method: "POST",
      url: "/auth/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "email=ana%00%40acme.test&password=secret",
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers["content-type"]).toMatch(/text\/html/);
  });
});

describe.each(engines)("R-P-4 empty changes on %s", (engine) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
    admin = (await s.user("ada@acme.test", { role: "admin" })).token;
  });
  afterAll(() => s?.close());

  it("R-P-4: an empty change to an activity type answers the type as it is; an unknown one is 404 (found by the fuzz)", async () => {
    const patch = (key: string) =>
      s.app.inject({
        method: "PATCH",
        url: `/api/v1/activity-types/${key}`,
        headers: { authorization: `Bearer ${admin}` },
        payload: {},
      });
    const r = await patch("call");
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ key: "call" });
    expect((await patch("no-such-type")).statusCode).toBe(404);
  });
});
