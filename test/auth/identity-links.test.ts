import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.js";
import { createUser } from "../../server/crm/users.js";
import { IDENTITY_NOT_LINKED } from "../../shared/problem-types.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

const GOOGLE_CLIENT = "123-gmail-addon.apps.googleusercontent.com";
const ENTRA_CLIENT = "api://concilia.test/0b7c2a55-52d3-4b0e-9a43-6f3c2c0d9e11";
const ACME = "4a1d4c8e-6f53-4e57-9d3a-0c5f0e2b7a10";
const ACME_EU = "5b2e5d9f-7064-4f68-8e4b-1d6f1f3c8b21";
const EVIL = "99999999-6f53-4e57-9d3a-0c5f0e2b7a10";
const PASSWORD = "correct horse battery staple";
const oid = (n: number) => `6d0a9d8e-2c4b-4f1e-8a7d-${String(n).padStart(12, "0")}`;

describe.each(engines)("R-SB-7 linked sign-in accounts on %s", (engine) => {
  let s: TestServer;
  let google: Jwks;
  let entra: Jwks;
  let admin: { id: string; token: string };

  const entraToken = (o: { tid?: string; oid: string; email?: string }) => {
    const tid = o.tid ?? ACME;
    return entra.signIdToken({
      iss: `https://login.microsoftonline.com/${tid}/v2.0`,
      aud: ENTRA_CLIENT,
      sub: `pairwise-${o.oid}`,
      tid,
      oid: o.oid,
      preferred_username: o.email ?? "someone@acme.test",
    });
  };
  const googleToken = (o: { sub: string; email: string; verified?: boolean }) =>
    google.signIdToken({
      iss: "https://accounts.google.com",
      aud: GOOGLE_CLIENT,
      sub: o.sub,
      email: o.email,
      email_verified: o.verified ?? true,
    });
  const me = (token: string) =>
    s.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
  const codeFor = async (email: string) => {
    const page = await s.app.inject({
      method: "POST",
      url: "/auth/login?lang=en",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ email, password: PASSWORD }).toString(),
    });
    return /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(page.body)![1];
  };
  /** The dialog: a password sign-in gives a one-time code, exchanged (with the sidebar's ID token). */
  const dialog = async (email: string, idToken?: string) => {
    const page = await s.app.inject({
      method: "POST",
      url: "/auth/login?lang=en",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ email, password: PASSWORD }).toString(),
    });
    expect(page.statusCode).toBe(200);
    const code = /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(page.body)![1];
    const r = await s.app.inject({ method: "POST", url: "/auth/token", payload: { code, idToken } });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  const asAdmin = (method: "GET" | "POST" | "DELETE", url: string, payload?: object, token = admin.token) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });

  beforeAll(async () => {
    [google, entra] = await Promise.all([startJwks(), startJwks()]);
    s = await startTestServer({
      engine,
      env: {
        GOOGLE_JWKS_URL: google.url,
        GOOGLE_CLIENT_IDS: GOOGLE_CLIENT,
        ENTRA_JWKS_URL: entra.url,
        ENTRA_CLIENT_IDS: ENTRA_CLIENT,
        ENTRA_TENANT_IDS: `${ACME}, ${ACME_EU.toUpperCase()}`,
      },
    });
    for (const email of ["ana@acme.test", "bruno@acme.test", "carla@acme.test", "dario@acme.test"])
      await createUser(s.ctx.db, { email, name: email.split("@")[0], password: PASSWORD });
    admin = await s.user("admin@acme.test", { role: "admin" });
  });
  afterAll(async () => {
    await s?.close();
    await Promise.all([google?.close(), entra?.close()]);
  });

  it("R-SB-7: an ID token of an unlinked account is refused with a problem that sends the sidebar to the dialog", async () => {
    const r = await me(await entraToken({ oid: oid(1), email: "ana@acme.test" }));
    expect(r.statusCode).toBe(401);
    expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
    const p = r.json();
    expect(p.type).toBe(IDENTITY_NOT_LINKED);
    expect(p.detail).toMatch(
      /This Microsoft account \(ana@acme\.test\) is not linked to a Concilia user yet\. Sign in once through Concilia's sign-in dialog/,
    );
  });

  it("R-SB-7: a token whose address claim names a user but whose object id is not linked is refused", async () => {
    await dialog("bruno@acme.test", await entraToken({ oid: oid(2), email: "bruno@acme.test" }));
    // Same tenant, same address claim, another object id: someone else's account, or a renamed one.
    const r = await me(await entraToken({ oid: oid(3), email: "bruno@acme.test" }));
    expect(r.statusCode).toBe(401);
    expect(r.json().type).toBe(IDENTITY_NOT_LINKED);
    const g = await me(await googleToken({ sub: "g-unlinked", email: "bruno@acme.test" }));
    expect(g.statusCode).toBe(401);
    expect(g.json().type).toBe(IDENTITY_NOT_LINKED);
  });

  it("R-SB-7: the dialog links the presented account; the same tid+oid then signs in even with a changed address", async () => {
    const before = await entraToken({ oid: oid(4), email: "ana@acme.test" });
    expect((await me(before)).statusCode).toBe(401);
    const grant = await dialog("ana@acme.test", before);
    expect(grant.linkRefused).toBeNull();
    expect(grant.linked).toMatchObject({
      provider: "entra",
      tenantId: ACME,
      subject: oid(4),
      email: "ana@acme.test",
    });
    const renamed = await me(await entraToken({ oid: oid(4), email: "ana.ruiz@acme-group.test" }));
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ email: "ana@acme.test", scopes: ["crm"] });
    // The link is keyed by tenant too: the same object id in the other accepted tenant is not Ana.
    expect((await me(await entraToken({ tid: ACME_EU, oid: oid(4) }))).statusCode).toBe(401);
    const mine = await s.app.inject({
      url: "/api/v1/me/identities",
      headers: { authorization: `Bearer ${grant.token}` },
    });
    expect(mine.json().items).toEqual([
      expect.objectContaining({ subject: oid(4), email: "ana.ruiz@acme-group.test" }),
    ]);
  });

  it("R-SB-7: tokens of a tenant outside ENTRA_TENANT_IDS are refused; each listed tenant is accepted", async () => {
    const foreign = await me(await entraToken({ tid: EVIL, oid: oid(5), email: "ana@acme.test" }));
    expect(foreign.statusCode).toBe(401);
    expect(foreign.json().detail).toMatch(/Wrong issuer/);
    // Nor can the dialog link an account of a foreign tenant.
    const grant = await dialog("carla@acme.test", await entraToken({ tid: EVIL, oid: oid(5) }));
    expect(grant.linked).toBeNull();
    expect(grant.linkRefused).toMatch(/Wrong issuer/);
    expect((await me(await entraToken({ tid: EVIL, oid: oid(5) }))).statusCode).toBe(401);

    const eu = await entraToken({ tid: ACME_EU, oid: oid(6) });
    expect((await dialog("carla@acme.test", eu)).linked).toMatchObject({ tenantId: ACME_EU });
    expect((await me(eu)).json()).toMatchObject({ email: "carla@acme.test" });
  });

  it("R-SB-7: a Google account with email_verified false is not linked; a verified one is, by its subject", async () => {
    const unverified = await googleToken({ sub: "g-dario", email: "dario@acme.test", verified: false });
    const refused = await dialog("dario@acme.test", unverified);
    expect(refused.token).toMatch(/^cnc_/); // the password sign-in itself stands
    expect(refused.linked).toBeNull();
    expect(refused.linkRefused).toMatch(/email address is not verified/);
    expect((await me(unverified)).statusCode).toBe(401);

    const verified = await googleToken({ sub: "g-dario", email: "dario@acme.test" });
    expect((await dialog("dario@acme.test", verified)).linked).toMatchObject({
      provider: "google",
      tenantId: "",
      subject: "g-dario",
    });
    const later = await me(await googleToken({ sub: "g-dario", email: "d.new@gmail.test" }));
    expect(later.json()).toMatchObject({ email: "dario@acme.test" });
  });

  it("R-SB-7: Gmail's way: the code of a password sign-in links the Google account without issuing a token", async () => {
    const link = (code: string, idToken: string) =>
      s.app.inject({ method: "POST", url: "/auth/link", payload: { code, idToken } });
    const code = await codeFor("ana@acme.test");
    const unverified = await googleToken({ sub: "g-ana", email: "ana@gmail.test", verified: false });
    const refused = await link(code, unverified);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toMatch(/not verified, so it cannot be linked/);
    // The refused link left the code unspent: the verified account can use it.
    const verified = await googleToken({ sub: "g-ana", email: "ana@gmail.test" });
    const ok = await link(code, verified);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      user: { email: "ana@acme.test" },
      linked: { provider: "google", subject: "g-ana" },
    });
    expect(JSON.stringify(ok.json())).not.toMatch(/cnc_/);
    expect((await me(verified)).json()).toMatchObject({ email: "ana@acme.test" });
    const again = await link(code, verified);
    expect(again.statusCode).toBe(401);
    expect(again.json().detail).toMatch(/used already/);
  });

  it("R-SB-7: an account linked to one user is not moved to another by the dialog", async () => {
    const anas = await entraToken({ oid: oid(4) });
    const grant = await dialog("bruno@acme.test", anas);
    expect(grant.linked).toBeNull();
    expect(grant.linkRefused).toMatch(/linked to another Concilia user/);
    expect((await me(anas)).json()).toMatchObject({ email: "ana@acme.test" });
  });

  it("R-SB-7: a garbled ID token along with the code does not spoil the password sign-in", async () => {
    const grant = await dialog("carla@acme.test", "not-a-jwt");
    expect(grant.token).toMatch(/^cnc_/);
    expect(grant.linkRefused).toMatch(/neither a Concilia token nor a well-formed ID token/);
  });

  it("R-SB-7: an admin links an account to a user and unlinks it; a member may not", async () => {
    const users = await s.ctx.db.query.users.findMany();
    const bruno = users.find((u) => u.email === "bruno@acme.test")!;
    const token = await entraToken({ oid: oid(7), email: "bruno@acme.test" });
    expect((await me(token)).statusCode).toBe(401);

    const linked = await asAdmin("POST", `/api/v1/users/${bruno.id}/identities`, {
      provider: "entra",
      tenantId: ACME.toUpperCase(),
      subject: oid(7),
    });
    expect(linked.statusCode).toBe(201);
    expect(linked.json()).toMatchObject({ provider: "entra", tenantId: ACME, subject: oid(7) });
    expect((await me(token)).json()).toMatchObject({ email: "bruno@acme.test" });
    const list = (await asAdmin("GET", `/api/v1/users/${bruno.id}/identities`)).json();
    expect(list.items.map((i: { subject: string }) => i.subject)).toEqual([oid(2), oid(7)]);

    const member = await s.user("member@acme.test");
    const denied = await asAdmin(
      "DELETE",
      `/api/v1/users/${bruno.id}/identities/${linked.json().id}`,
      undefined,
      member.token,
    );
    expect(denied.statusCode).toBe(403);
    expect((await me(token)).statusCode).toBe(200);

    const gone = await asAdmin("DELETE", `/api/v1/users/${bruno.id}/identities/${linked.json().id}`);
    expect(gone.statusCode).toBe(204);
    const after = await me(token);
    expect(after.statusCode).toBe(401);
    expect(after.json().type).toBe(IDENTITY_NOT_LINKED);

    const bad = await asAdmin("POST", `/api/v1/users/${bruno.id}/identities`, {
      provider: "entra",
      tenantId: "acme",
      subject: oid(7),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ path: "body.tenantId", message: "must be a GUID" });
    const taken = await asAdmin("POST", `/api/v1/users/${bruno.id}/identities`, {
      provider: "entra",
      tenantId: ACME,
      subject: oid(4),
    });
    expect(taken.statusCode).toBe(409);
    expect((await asAdmin("GET", "/api/v1/users/nobody/identities")).statusCode).toBe(404);
  });
});

describe("R-SB-7 Entra tenant configuration", () => {
  it("R-SB-7: Entra sign-in needs a list of accepted tenants; a wrong entry names the variable", () => {
    expect(() => loadConfig({ ENTRA_CLIENT_IDS: ENTRA_CLIENT })).toThrow(ConfigError);
    expect(() => loadConfig({ ENTRA_CLIENT_IDS: ENTRA_CLIENT })).toThrow(/ENTRA_TENANT_IDS: required/);
    expect(() => loadConfig({ ENTRA_CLIENT_IDS: ENTRA_CLIENT, ENTRA_TENANT_IDS: "acme.com" })).toThrow(
      /ENTRA_TENANT_IDS\.0: must be tenant ids/,
    );
    const both = loadConfig({ ENTRA_TENANT_IDS: `${ACME},organizations`, ENTRA_TENANT_ID: ACME_EU });
    expect(both.entraTenants).toEqual([ACME, "organizations", ACME_EU]);
    // The earlier single-tenant variable alone still works.
    expect(loadConfig({ ENTRA_CLIENT_IDS: ENTRA_CLIENT, ENTRA_TENANT_ID: ACME }).entraTenants).toEqual([
      ACME,
    ]);
  });
});
