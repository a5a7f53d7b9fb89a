import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueDevToken } from "../../server/auth/dev-token.js";
import { createApiToken } from "../../server/auth/tokens.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("R-SB-7 Concilia API tokens on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  const as = (token: string, method: "GET" | "DELETE" | "POST", url: string) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@acme.test");
    await s.user("bruno@acme.test");
  });
  afterAll(() => s?.close());

  it("R-SB-7: GET /api/v1/me answers the signed-in user and no secret", async () => {
    const r = await as(ana.token, "GET", "/api/v1/me");
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      id: ana.id,
      email: "ana@acme.test",
      name: "ana",
      locale: "en",
      role: "member",
      timeZone: "UTC",
      aliases: [],
      scopes: ["crm", "admin"],
      via: expect.stringMatching(/^token:/),
    });
    expect(r.body).not.toMatch(/hash|scrypt|cnc_/i);
  });

  it("R-SB-7: without a token the API answers 401", async () => {
    const r = await s.app.inject({ url: "/api/v1/me" });
    expect(r.statusCode).toBe(401);
    expect(r.headers["www-authenticate"]).toMatch(/Bearer/);
  });

  it("R-SB-7: a user lists their own tokens with last use, never the token or its hash", async () => {
    const dev = await issueDevToken(s.ctx, "ana@acme.test");
    await as(dev.token, "GET", "/api/v1/me");
    const r = await as(dev.token, "GET", "/api/v1/tokens");
    expect(r.statusCode).toBe(200);
    const items = r.json().items;
    expect(items.map((t: { name: string }) => t.name).sort()).toEqual(["Dev token", "test"]);
    const current = items.find((t: { id: string }) => t.id === dev.tokenId);
    expect(current).toMatchObject({ current: true, scopes: ["crm"], revokedAt: null });
    expect(Date.parse(current.lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(r.body).not.toContain(dev.token);
    expect(r.body).not.toContain(ana.token);
    expect(r.body).not.toMatch(/hash/i);
  });

  it("R-SB-7: a revoked Concilia token is refused", async () => {
    const dev = await issueDevToken(s.ctx, "ana@acme.test");
    expect((await as(dev.token, "GET", "/api/v1/me")).statusCode).toBe(200);
    expect((await as(ana.token, "DELETE", `/api/v1/tokens/${dev.tokenId}`)).statusCode).toBe(204);
    const r = await as(dev.token, "GET", "/api/v1/me");
    expect(r.statusCode).toBe(401);
    expect(r.json().detail).toMatch(/unknown, expired or revoked/);
    const listed = (await as(ana.token, "GET", "/api/v1/tokens")).json().items;
    expect(listed.find((t: { id: string }) => t.id === dev.tokenId).revokedAt).not.toBeNull();
  });

  it("R-SB-7: nobody revokes someone else's token", async () => {
    const bruno = await issueDevToken(s.ctx, "bruno@acme.test");
    expect((await as(ana.token, "DELETE", `/api/v1/tokens/${bruno.tokenId}`)).statusCode).toBe(404);
    expect((await as(bruno.token, "GET", "/api/v1/me")).statusCode).toBe(200);
  });

  it("R-SB-7: sign-out revokes the token it was sent with, and only that one", async () => {
    const a = await issueDevToken(s.ctx, "ana@acme.test");
    const b = await issueDevToken(s.ctx, "ana@acme.test");
    expect((await as(a.token, "POST", "/api/v1/auth/sign-out")).statusCode).toBe(204);
    expect((await as(a.token, "GET", "/api/v1/me")).statusCode).toBe(401);
    expect((await as(b.token, "GET", "/api/v1/me")).statusCode).toBe(200);
  });

  it("R-SB-7: an expired Concilia token is refused", async () => {
    const { token } = await createApiToken(s.ctx.db, ana.id, {
      name: "old",
      expiresAt: new Date(Date.now() - 1000),
    });
    expect((await as(token, "GET", "/api/v1/me")).statusCode).toBe(401);
  });

  it("R-SB-7: a token that expires while the server remembers it is refused from its expiry on", async () => {
    const expiresAt = new Date(Date.now() + 4000);
    const { token } = await createApiToken(s.ctx.db, ana.id, { name: "short", expiresAt });
    expect((await as(token, "GET", "/api/v1/me")).statusCode).toBe(200);
    // The server's clock is moved to the expiry instead of waiting for it: only Date is faked, timers
    // and the database run as they do, and the token is still within the cache's 10 s.
    vi.useFakeTimers({ toFake: ["Date"], now: expiresAt.getTime() - 1 });
    try {
      expect((await as(token, "GET", "/api/v1/me")).statusCode).toBe(200);
      vi.setSystemTime(expiresAt);
      expect((await as(token, "GET", "/api/v1/me")).statusCode).toBe(401);
    } finally {
      vi.useRealTimers();
    }
  });

  it("R-SB-7: dev tokens exist only in dev mode, and only for known users", async () => {
    await expect(issueDevToken(s.ctx, "nobody@acme.test")).rejects.toThrow(
      /No Concilia user has the address/,
    );
    const prod = { ...s.ctx, config: { ...s.ctx.config, CONCILIA_DEV: false } };
    await expect(issueDevToken(prod, "ana@acme.test")).rejects.toThrow(/CONCILIA_DEV=1/);
  });
});
