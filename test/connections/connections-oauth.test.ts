// R-CON-3, R-CON-8, R-CON-10, R-CON-11: connecting Google and Microsoft accounts through OAuth 2.0
// (authorization code, PKCE S256, state) against faithful fakes of their endpoints, on the same
// configuration path as the real services.
import { createHash } from "node:crypto";
import { eq, ne } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.js";
import { freshAccessToken, ReconnectNeeded } from "../../server/connections/oauth-refresh.js";
import { connectionSecrets, connections, oauthStates } from "../../server/db/schema.js";
import { purgeExpired } from "../../server/jobs/handlers.js";
import { getSecret } from "../../server/secrets/store.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { api as apiOn } from "../sync/mail-e2e.js";
import { CONTOSO_TENANT, fakeGoogle, fakeMicrosoft, OAUTH_ENV } from "./fake-oauth.js";
import { logMartasEmail } from "./logged-email.js";

const google = fakeGoogle();
const microsoft = fakeMicrosoft();
/** An emulator on plain http, for one tenant: reached through configuration only. */
const EMULATOR_AUTHORITY = `http://login.emulator.test/${CONTOSO_TENANT}`;
const emulated = fakeMicrosoft(EMULATOR_AUTHORITY);
const msw = setupServer(...google.handlers(), ...microsoft.handlers(), ...emulated.handlers());

beforeAll(() => msw.listen({ onUnhandledRequest: "error" }));
afterAll(() => msw.close());
beforeEach(() => {
  google.consent = "approve";
  microsoft.consent = "approve";
  google.untick = [];
  google.signInAs = "ana.ruiz@gmail.test";
  microsoft.signInAs = "ana@contoso.test";
});

describe.each(engines)("connecting Google and Microsoft accounts with OAuth on %s", (engine) => {
  let s: TestServer;
  const logLines: string[] = [];
  let ana: { id: string; token: string };
  let marco: { id: string; token: string };

  const api = (who: { token: string }, method: string, url: string, body?: unknown) =>
    apiOn(s, who, method, url, body);

  /** What the popup does: open the authorization URL, follow the provider back to Concilia's page. */
  async function consent(authorizationUrl: string): Promise<URL> {
    const back = await fetch(authorizationUrl, { redirect: "manual" });
    expect(back.status).toBe(302);
    return new URL(back.headers.get("location")!);
  }
  const openCallback = (callback: URL) => s.app.inject({ url: callback.pathname + callback.search });

  async function start(who: { token: string }, body: Record<string, unknown>) {
    const r = await api(who, "POST", "/api/v1/connections/oauth/start", body);
    expect(r.statusCode).toBe(200);
    return r.json() as { authorizationUrl: string; dialogUrl: string; expiresAt: string };
  }

  async function connect(who: { token: string }, body: Record<string, unknown>) {
    const callback = await consent((await start(who, body)).authorizationUrl);
    return { callback, page: await openCallback(callback) };
  }

  const list = async (who: { token: string }) => (await api(who, "GET", "/api/v1/connections")).json().items;
  const refreshTokenOf = async (connectionId: string) =>
    (await getSecret(s.ctx, connectionId, "refresh-token"))!;

  beforeAll(async () => {
    s = await startTestServer({ engine, env: OAUTH_ENV, logLines });
    ana = await s.user("ana@acme.test");
    marco = await s.user("marco@acme.test", { locale: "it" });
  });
  afterAll(() => s?.close());

  let googleId: string;

  it("R-CON-3, R-CON-11: Google start → consent → callback creates the connection; its refresh token is sealed, never answered nor logged", async () => {
    const { authorizationUrl, expiresAt } = await start(ana, { provider: "google", syncs: "both" });
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe("https://accounts.google.com/o/oauth2/v2/auth");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: OAUTH_ENV.GOOGLE_OAUTH_CLIENT_ID,
      redirect_uri: "https://concilia.test/connections/oauth/callback",
      response_type: "code",
      code_challenge_method: "S256",
      access_type: "offline",
      scope:
        "openid email https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/calendar",
    });
    expect(url.searchParams.get("state")!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(9 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(10 * 60_000);

    const callback = await consent(authorizationUrl);
    const page = await openCallback(callback);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain("ana.ruiz@gmail.test is connected");
    // The web popup tells Concilia's own page; office.js is not loaded outside Outlook.
    expect(page.body).toContain('window.opener.postMessage(result, "https://concilia.test")');
    expect(page.body).not.toContain("appsforoffice");

    const items = await list(ana);
    expect(items).toHaveLength(1);
    const c = items[0];
    googleId = c.id;
    expect(c).toMatchObject({
      provider: "google",
      accountAddress: "ana.ruiz@gmail.test",
      displayName: "Ana Ruiz",
      syncs: "both",
      imapServer: null,
      secrets: [{ name: "refresh-token", version: 1 }],
    });
    expect(page.body).toContain(`"connectionId":"${googleId}"`);

    const stored = await refreshTokenOf(googleId);
    expect(google.refreshTokenWorks(stored.value)).toBe(true);
    const everything = [
      page.body,
      JSON.stringify(items),
      (await api(ana, "GET", `/api/v1/connections/${googleId}`)).body,
      JSON.stringify(await s.ctx.db.select().from(connectionSecrets)),
      ...logLines,
    ].join("\n");
    expect(logLines.some((l) => l.includes("connection created"))).toBe(true);
    expect(everything).not.toContain(stored.value);
    // Nor the one-time code and state of the callback's URL.
    expect(logLines.join("\n")).not.toContain(callback.searchParams.get("code")!);
    expect(logLines.join("\n")).not.toContain(url.searchParams.get("state")!);
    for (const access of google.accessTokens.keys()) expect(everything).not.toContain(access);
  });

  it("R-CON-8: a replayed callback, an unknown state and an expired state are refused on the page; nothing changes", async () => {
    const { callback, page } = await connect(ana, { provider: "google", syncs: "email" });
    expect(page.statusCode).toBe(200);
    const version = (await refreshTokenOf(googleId)).version;

    const replay = await openCallback(callback);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain("This sign-in has expired or was already used.");
    expect(replay.body).toContain('"error":"invalid_state"');

    const forged = new URL(callback);
    forged.searchParams.set("state", "a-state-this-server-never-issued");
    expect((await openCallback(forged)).body).toContain("This sign-in has expired or was already used.");

    const late = await consent((await start(ana, { provider: "google" })).authorizationUrl);
    await s.ctx.db.update(oauthStates).set({ expiresAt: new Date(Date.now() - 1000) });
    expect((await openCallback(late)).body).toContain("This sign-in has expired or was already used.");

    const dialog = new URL((await start(ana, { provider: "google" })).dialogUrl);
    await s.ctx.db.update(oauthStates).set({ expiresAt: new Date(Date.now() - 1000) });
    const expiredDialog = await s.app.inject({
      url: dialog.pathname + dialog.search,
      headers: { "accept-language": "es-ES,es;q=0.9" },
    });
    expect(expiredDialog.statusCode).toBe(400);
    expect(expiredDialog.body).toContain("Este inicio de sesión ha caducado o ya se ha usado.");

    expect((await refreshTokenOf(googleId)).version).toBe(version);
    expect(await list(ana)).toHaveLength(1);
  });

  it("sign-ins never finished are purged once expired; those under way stay", async () => {
    await s.ctx.db.delete(oauthStates);
    await start(ana, { provider: "google" });
    await s.ctx.db.update(oauthStates).set({ expiresAt: new Date(Date.now() - 1000) });
    const live = new URL((await start(ana, { provider: "google" })).authorizationUrl).searchParams.get(
      "state",
    )!;
    // Starting also forgets expired ones; add one again to see the periodic purge do it.
    await start(ana, { provider: "google" });
    await s.ctx.db
      .update(oauthStates)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(ne(oauthStates.stateHash, createHash("sha256").update(live).digest("hex")));
    expect(await s.ctx.db.select().from(oauthStates)).toHaveLength(2);
    await purgeExpired(s.ctx, {}, { signal: new AbortController().signal });
    const left = await s.ctx.db.select().from(oauthStates);
    expect(left.map((r) => r.stateHash)).toEqual([createHash("sha256").update(live).digest("hex")]);
  });

  it("R-CON-8: a code from one sign-in with the state of another fails PKCE at the provider: invalid_grant, in plain words", async () => {
    const first = await consent((await start(ana, { provider: "google" })).authorizationUrl);
    const second = await consent((await start(ana, { provider: "google" })).authorizationUrl);
    const crossed = new URL(second);
    crossed.searchParams.set("code", first.searchParams.get("code")!);
    const page = await openCallback(crossed);
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain("The provider did not accept the sign-in");
    expect(page.body).toContain('"error":"invalid_grant"');
  });

  it("R-CON-8: a declined consent shows the page's message in the user's language and connects nothing", async () => {
    google.consent = "deny";
    const { callback, page } = await connect(marco, { provider: "google" });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('<html lang="it">');
    expect(page.body).toContain("Non hai consentito a Concilia di accedere all&#39;account");
    expect(page.body).toContain('"error":"access_denied"');
    expect(await list(marco)).toEqual([]);
  });

  it("R-CON-2: a permission unticked on Google's consent screen connects nothing and says why", async () => {
    google.untick = ["calendar"];
    const { page } = await connect(marco, { provider: "google", syncs: "both" });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain("Non hai concesso tutti i permessi che servono a Concilia");
    expect(await list(marco)).toEqual([]);
  });

  it("a state is bound to its user: Marco's sign-in cannot reconnect Ana's connection", async () => {
    const r = await api(marco, "POST", "/api/v1/connections/oauth/start", {
      provider: "google",
      connectionId: googleId,
    });
    expect(r.statusCode).toBe(404);
  });

  it("reconnecting stores the new refresh token as a new version of the same connection's secret", async () => {
    const before = await refreshTokenOf(googleId);
    // Without a new choice, a reconnect asks again for what the connection syncs now (email, since the last sign-in).
    const { authorizationUrl } = await start(ana, { provider: "google", connectionId: googleId });
    const url = new URL(authorizationUrl);
    expect(url.searchParams.get("login_hint")).toBe("ana.ruiz@gmail.test");
    expect(url.searchParams.get("scope")).toBe("openid email https://www.googleapis.com/auth/gmail.readonly");
    const page = await openCallback(await consent(authorizationUrl));
    expect(page.statusCode).toBe(200);
    const after = await refreshTokenOf(googleId);
    expect(after.version).toBe(before.version + 1);
    expect(after.value).not.toBe(before.value);
    expect((await list(ana)).map((c: { id: string; syncs: string }) => [c.id, c.syncs])).toEqual([
      [googleId, "email"],
    ]);
  });

  it("reconnecting with another account is refused and keeps the connection's token", async () => {
    const before = await refreshTokenOf(googleId);
    google.signInAs = "someone.else@gmail.test";
    const { page } = await connect(ana, { provider: "google", connectionId: googleId });
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain(
      "You signed in as someone.else@gmail.test, but this connection is for ana.ruiz@gmail.test.",
    );
    expect(await refreshTokenOf(googleId)).toEqual(before);
  });

  let microsoftId: string;

  it("R-CON-3: Microsoft through the Outlook dialog: Graph scopes, the tenant's ID token, the address from preferred_username", async () => {
    const { authorizationUrl, dialogUrl } = await start(ana, {
      provider: "microsoft",
      syncs: "both",
      opener: "office",
    });
    // The Outlook dialog opens on Concilia's origin and is sent on to the provider.
    const dialog = new URL(dialogUrl);
    expect(dialog.origin + dialog.pathname).toBe("https://concilia.test/connections/oauth/authorize");
    const hop = await s.app.inject({ url: dialog.pathname + dialog.search });
    expect(hop.statusCode).toBe(302);
    expect(hop.headers.location).toBe(authorizationUrl);
    const url = new URL(authorizationUrl);
    expect(url.origin + url.pathname).toBe("https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
    expect(url.searchParams.get("scope")).toBe(
      "openid email profile offline_access Mail.Read Calendars.ReadWrite",
    );
    const page = await openCallback(await consent(authorizationUrl));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<script src="https://appsforoffice.microsoft.com/lib/1/hosted/office.js">');
    expect(page.body).toContain("Office.context.ui.messageParent(JSON.stringify(result))");
    const c = (await list(ana)).find((i: { provider: string }) => i.provider === "microsoft");
    microsoftId = c.id;
    expect(c).toMatchObject({
      accountAddress: "ana@contoso.test",
      secrets: [{ name: "refresh-token", version: 1 }],
    });
  });

  it("refreshing a rotating refresh token stores its successor; the access token works at the provider", async () => {
    const before = await refreshTokenOf(microsoftId);
    const fresh = await freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" });
    expect(microsoft.accessTokens.get(fresh.accessToken)?.account).toBe("ana@contoso.test");
    expect(fresh.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    const after = await refreshTokenOf(microsoftId);
    expect(after.version).toBe(before.version + 1);
    expect(after.value).not.toBe(before.value);
    expect(microsoft.refreshTokenWorks(after.value)).toBe(true);
  });

  it("two workers refreshing at once keep one newer token: one write wins, the other carries on with it", async () => {
    const before = await refreshTokenOf(microsoftId);
    // Microsoft answers slowly, so that both have read the stored token before either answer comes:
    // on a busy machine the second could otherwise start after the first had finished.
    microsoft.refreshDelayMs = 1500;
    const [a, b] = await Promise.all([
      freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" }),
      freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" }),
    ]).finally(() => {
      microsoft.refreshDelayMs = 0;
    });
    for (const t of [a, b]) expect(microsoft.accessTokens.has(t.accessToken)).toBe(true);
    const after = await refreshTokenOf(microsoftId);
    expect(after.version).toBe(before.version + 1);
    expect(after.value).not.toBe(before.value);
    expect(microsoft.refreshTokenWorks(after.value)).toBe(true);
    // The stored token carries on: the next refresh starts from it.
    await freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" });
    expect((await refreshTokenOf(microsoftId)).version).toBe(after.version + 1);
  });

  it("Google keeps its refresh token: a refresh answers an access token and leaves the stored token untouched", async () => {
    const before = await refreshTokenOf(googleId);
    const fresh = await freshAccessToken(s.ctx, { id: googleId, provider: "google" });
    expect(google.accessTokens.get(fresh.accessToken)?.account).toBe("ana.ruiz@gmail.test");
    // Not even rewritten: the version moves only when the provider hands out a new token.
    expect(await refreshTokenOf(googleId)).toEqual(before);
  });

  it("a revoked grant answers invalid_grant: the refresh throws ReconnectNeeded (an auth error) and keeps the token", async () => {
    microsoft.revokeAccount("ana@contoso.test");
    const before = await refreshTokenOf(microsoftId);
    const err = await freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" }).catch((e) => e);
    expect(err).toBeInstanceOf(ReconnectNeeded);
    expect(err).toMatchObject({ kind: "auth", connectionId: microsoftId, providerError: "invalid_grant" });
    expect(err.message).toBe(
      "Microsoft no longer accepts Concilia's access to this account (it was withdrawn, expired, or the password changed): reconnect it.",
    );
    expect(await refreshTokenOf(microsoftId)).toEqual(before);
  });

  it("R-CON-10: stopping Microsoft deletes the credentials and says Microsoft cannot revoke them", async () => {
    const r = await api(ana, "DELETE", `/api/v1/connections/${microsoftId}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      provider: "microsoft",
      revocation: "unsupported",
      credentialsDeleted: true,
    });
    expect(r.json().message).toMatch(/Microsoft offers apps no way to revoke their own access/);
    expect(
      await s.ctx.db.select().from(connectionSecrets).where(eq(connectionSecrets.connectionId, microsoftId)),
    ).toEqual([]);
  });

  it("R-CON-10: stopping Google revokes the token at Google, deletes the credentials, and a logged email stays", async () => {
    const activityId = await logMartasEmail(s, ana);
    const refresh = (await refreshTokenOf(googleId)).value;

    const r = await api(ana, "DELETE", `/api/v1/connections/${googleId}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      id: googleId,
      provider: "google",
      accountAddress: "ana.ruiz@gmail.test",
      credentialsDeleted: true,
      revocation: "revoked",
      message:
        "Sync with ana.ruiz@gmail.test stopped and its stored credentials were deleted; everything already synced stays in the CRM. Google's access for Concilia was revoked.",
    });
    expect(google.revocations).toContain(refresh);
    expect(google.refreshTokenWorks(refresh)).toBe(false);
    expect(r.body).not.toContain(refresh);
    expect(
      await s.ctx.db.select().from(connectionSecrets).where(eq(connectionSecrets.connectionId, googleId)),
    ).toEqual([]);
    expect(await list(ana)).toEqual([]);
    const activity = await api(ana, "GET", `/api/v1/activities/${activityId}`);
    expect(activity.statusCode).toBe(200);
  });
});

describe("a server without OAuth clients", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it("R-CON-3: says which configuration is missing (503) instead of sending the user to a provider", async () => {
    const u = await s.user("ana@acme.test");
    const r = await s.app.inject({
      method: "POST",
      url: "/api/v1/connections/oauth/start",
      headers: { authorization: `Bearer ${u.token}`, "content-type": "application/json" },
      payload: JSON.stringify({ provider: "microsoft" }),
    });
    expect(r.statusCode).toBe(503);
    expect(r.json().detail).toMatch(/MICROSOFT_OAUTH_CLIENT_ID and MICROSOFT_OAUTH_CLIENT_SECRET/);
  });
});

describe("OAuth configuration", () => {
  it("R-CON-3: the real services are the defaults; a client id without its secret stops the server with the variables named", () => {
    const c = loadConfig({});
    expect([c.GOOGLE_AUTH_URL, c.GOOGLE_TOKEN_URL, c.GOOGLE_REVOKE_URL, c.GOOGLE_API_URL]).toEqual([
      "https://accounts.google.com/o/oauth2/v2/auth",
      "https://oauth2.googleapis.com/token",
      "https://oauth2.googleapis.com/revoke",
      "https://www.googleapis.com",
    ]);
    expect([c.MICROSOFT_LOGIN_URL, c.GRAPH_URL]).toEqual([
      "https://login.microsoftonline.com/common",
      "https://graph.microsoft.com/v1.0",
    ]);
    expect(() => loadConfig({ GOOGLE_OAUTH_CLIENT_ID: "1234.apps.googleusercontent.com" })).toThrow(
      /GOOGLE_OAUTH_CLIENT_ID and GOOGLE_OAUTH_CLIENT_SECRET: give both/,
    );
    expect(() => loadConfig({ MICROSOFT_LOGIN_URL: "login.microsoftonline.com/common" })).toThrow(
      ConfigError,
    );
  });

  describe.each(engines)(
    "an emulator for one tenant on plain http, set in MICROSOFT_LOGIN_URL, on %s",
    (engine) => {
      let s: TestServer;
      beforeAll(async () => {
        s = await startTestServer({
          engine,
          env: {
            ...OAUTH_ENV,
            MICROSOFT_LOGIN_URL: `${EMULATOR_AUTHORITY}/`,
            GRAPH_URL: "http://graph.emulator.test/v1.0",
          },
        });
      });
      afterAll(() => s?.close());

      it("takes the same code path: the flow runs against it and refreshes there", async () => {
        const ana = await s.user("ana@acme.test");
        emulated.signInAs = "ana@contoso.test";
        const start = await s.app.inject({
          method: "POST",
          url: "/api/v1/connections/oauth/start",
          headers: { authorization: `Bearer ${ana.token}`, "content-type": "application/json" },
          payload: JSON.stringify({ provider: "microsoft", syncs: "email" }),
        });
        const url = new URL(start.json().authorizationUrl);
        expect(url.origin + url.pathname).toBe(`${EMULATOR_AUTHORITY}/oauth2/v2.0/authorize`);
        expect(url.searchParams.get("scope")).toBe("openid email profile offline_access Mail.Read");
        const back = new URL((await fetch(url, { redirect: "manual" })).headers.get("location")!);
        const page = await s.app.inject({ url: back.pathname + back.search });
        expect(page.statusCode).toBe(200);
        const [c] = await s.ctx.db.select().from(connections);
        expect(c.accountAddress).toBe("ana@contoso.test");
        const fresh = await freshAccessToken(s.ctx, c);
        expect(emulated.accessTokens.has(fresh.accessToken)).toBe(true);
      });
    },
  );
});
