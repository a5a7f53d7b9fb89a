import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeCode } from "../../server/auth/login-codes.js";
import { hashToken } from "../../server/auth/tokens.js";
import { createUser } from "../../server/crm/users.js";
import { loginCodes, users } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const PASSWORD = "correct horse battery staple";

describe.each(engines)("R-SB-7 sign-in dialog on %s", (engine) => {
  let s: TestServer;
  let base: string;

  /** Submits the login form as a browser does: a real HTTP POST of a urlencoded form. */
  const submit = (email: string, password: string, query = "lang=en") =>
    fetch(`${base}/auth/login?${query}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password }),
    });
  const codeIn = (html: string) => /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(html)?.[1];
  const signIn = async (email: string) => {
    const r = await submit(email, PASSWORD);
    expect(r.status).toBe(200);
    return codeIn(await r.text())!;
  };
  const exchange = (code: string) =>
    fetch(`${base}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, name: "Outlook test" }),
    });

  beforeAll(async () => {
    s = await startTestServer({ engine });
    base = await s.listen();
    await createUser(s.ctx.db, {
      email: "ana@acme.test",
      name: "Ana Ruiz",
      password: PASSWORD,
      locale: "es",
    });
    await createUser(s.ctx.db, { email: "carla@acme.test", name: "Carla", password: PASSWORD });
    await createUser(s.ctx.db, { email: "dario@acme.test", name: "Dario", password: PASSWORD });
  });
  afterAll(() => s?.close());

  it("R-SB-7: the sign-in page and the OAuth outcome page run only their own nonce-tagged code and are never cached", async () => {
    for (const url of [
      `${base}/auth/login?lang=en`,
      `${base}/connections/oauth/callback?state=unknown&code=x`,
    ]) {
      const r = await fetch(url);
      const nonce = /script-src 'nonce-([^']+)'/.exec(r.headers.get("content-security-policy") ?? "")?.[1];
      expect(nonce, url).toMatch(/^[A-Za-z0-9+/_=-]{16,}$/);
      const html = await r.text();
      // Every inline script and style carries this response's nonce: nothing else on the page may run.
      const inline = (html.match(/<(?:script|style)\b[^>]*>/g) ?? []).filter((tag) => !/\bsrc=/.test(tag));
      expect(inline.length, url).toBeGreaterThan(0);
      for (const tag of inline) expect(tag, url).toContain(`nonce="${nonce}"`);
      // A new nonce for every answer: one seen once is worth nothing to an injected script.
      const again = await fetch(url);
      expect(again.headers.get("content-security-policy"), url).not.toContain(`'nonce-${nonce}'`);
      expect(r.headers.get("content-type"), url).toBe("text/html; charset=utf-8");
      expect(r.headers.get("cache-control"), url).toBe("no-store");
      expect(r.headers.get("referrer-policy"), url).toBe("no-referrer");
      expect(r.headers.get("x-content-type-options"), url).toBe("nosniff");
    }
  });

  it("R-SB-7: login, one-time code, token: the whole dialog flow signs the sidebar in", async () => {
    const page = await fetch(`${base}/auth/login?host=office`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<label for="email">Email</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('action="/auth/login?lang=en&amp;host=office"');

    const r = await submit("Ana@Acme.test", PASSWORD, "lang=en&host=office");
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("no-store");
    const success = await r.text();
    const code = codeIn(success)!;
    expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    // Inside Office the page hands the code to the add-in; office.js comes from Microsoft's CDN.
    expect(success).toContain("https://appsforoffice.microsoft.com/lib/1/hosted/office.js");
    expect(success).toContain("Office.context.ui.messageParent(JSON.stringify({ code: code }))");

    const t = await exchange(code);
    expect(t.status).toBe(200);
    const grant = await t.json();
    expect(grant.user).toEqual({
      id: expect.any(String),
      email: "ana@acme.test",
      name: "Ana Ruiz",
      locale: "es",
    });
    expect(grant.token).toMatch(/^cnc_/);
    const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${grant.token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      email: "ana@acme.test",
      scopes: ["crm"],
      via: `token:${grant.tokenId}`,
    });
  });

  it("R-SB-7: outside Office the code is shown to copy, without loading office.js", async () => {
    const html = await (await submit("carla@acme.test", PASSWORD)).text();
    expect(codeIn(html)).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    expect(html).not.toContain("appsforoffice.microsoft.com/lib");
    expect(html).toContain("Your one-time code");
  });

  it("R-SB-7: the login page speaks Spanish and Italian (by ?lang= or Accept-Language)", async () => {
    const es = await (await fetch(`${base}/auth/login?lang=es`)).text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain("Inicia sesión en Concilia");
    expect(es).toContain('<label for="password">Contraseña</label>');
    const it_ = await (
      await fetch(`${base}/auth/login`, { headers: { "accept-language": "it-IT,it;q=0.9,en;q=0.5" } })
    ).text();
    expect(it_).toContain('<html lang="it">');
    expect(it_).toContain("Accedi a Concilia");
    const wrong = await (await submit("ana@acme.test", "nope", "lang=it")).text();
    expect(wrong).toContain("L&#39;indirizzo email o la password non sono corretti.");
  });

  it("R-SB-7: the sidebars' language tag (Office's es-ES, Gmail's it-IT) picks the page's language over the browser's, and stays through the form", async () => {
    const es = await (
      await fetch(`${base}/auth/login?lang=es-ES&host=office`, { headers: { "accept-language": "en-US" } })
    ).text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain('action="/auth/login?lang=es&amp;host=office"');
    const it_ = await (
      await fetch(`${base}/auth/login?lang=it-IT`, { headers: { "accept-language": "en-US" } })
    ).text();
    expect(it_).toContain("Accedi a Concilia");
    // An unsupported language falls back to the browser's.
    const fr = await (
      await fetch(`${base}/auth/login?lang=fr-FR`, { headers: { "accept-language": "es" } })
    ).text();
    expect(fr).toContain('<html lang="es">');
  });

  it("R-SB-7: a wrong password or an unknown address is refused alike, with no code", async () => {
    for (const [email, password] of [
      ["dario@acme.test", "wrong password"],
      ["nobody@acme.test", PASSWORD],
    ]) {
      const r = await submit(email, password);
      expect(r.status).toBe(401);
      const html = await r.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain("The email address or the password is wrong.");
      expect(codeIn(html)).toBeUndefined();
    }
  });

  it("R-SB-7: repeated failures for one address from one client are slowed, even with the right password next", async () => {
    await createUser(s.ctx.db, { email: "eva@acme.test", name: "Eva", password: PASSWORD });
    for (let i = 0; i < 3; i++) expect((await submit("eva@acme.test", `guess ${i}`)).status).toBe(401);
    const r = await submit("eva@acme.test", PASSWORD);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await r.text()).toMatch(/Too many failed attempts/);
  });

  it("R-SB-7: a code works once; the second exchange is refused", async () => {
    const code = await signIn("carla@acme.test");
    expect((await exchange(code)).status).toBe(200);
    const again = await exchange(code);
    expect(again.status).toBe(401);
    expect((await again.json()).detail).toMatch(/used already/);
  });

  it("R-SB-7: a code older than 3 minutes is refused", async () => {
    const code = await signIn("dario@acme.test");
    await s.ctx.db
      .update(loginCodes)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(loginCodes.codeHash, hashToken(normalizeCode(code))));
    const r = await exchange(code);
    expect(r.status).toBe(401);
    expect((await r.json()).detail).toMatch(/expired/);
  });

  it("R-SB-7: a fresh code expires 3 minutes after sign-in and is stored only as a hash", async () => {
    const code = await signIn("dario@acme.test");
    const rows = await s.ctx.db
      .select()
      .from(loginCodes)
      .where(eq(loginCodes.codeHash, hashToken(normalizeCode(code))));
    expect(rows).toHaveLength(1);
    const ttl = rows[0].expiresAt.getTime() - rows[0].createdAt.getTime();
    expect(ttl).toBeGreaterThan(170_000);
    expect(ttl).toBeLessThanOrEqual(181_000);
    expect(JSON.stringify(rows)).not.toContain(normalizeCode(code));
  });

  it("R-SB-7: an unknown code is refused; a malformed body is a clear 400", async () => {
    const r = await exchange("AAAAA-BBBBB-CCCCC");
    expect(r.status).toBe(401);
    expect((await r.json()).detail).toMatch(/unknown/);
    const bad = await fetch(`${base}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toMatch(/body\.code/);
  });

  it("R-SB-7: passwords are stored as scrypt hashes, never in clear", async () => {
    const [u] = await s.ctx.db.select().from(users).where(eq(users.email, "ana@acme.test"));
    expect(u.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(u.passwordHash).not.toContain(PASSWORD);
  });

  it("R-SB-7: the sign-in endpoints appear in the OpenAPI document", async () => {
    const doc = (await s.app.inject({ url: "/api/v1/openapi.json" })).json();
    expect(doc.paths["/auth/token"].post.security).toEqual([]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/me", "/api/v1/tokens", "/api/v1/tokens/{id}"]),
    );
  });
});
