// R-CON-11: credentials never reach the logs, the API's answers or the database in clear. A whole
// connection lifecycle runs (Google and Microsoft connected through OAuth, an IMAP mailbox and a Yahoo
// account with their passwords, sync steps that refresh tokens and fail against unreachable servers,
// an explicit refresh, the status and list views, stop), every log line and every API answer is kept,
// and then every column of every table, every line and every answer is searched for each secret the run
// handled, as written and base64-encoded.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshAccessToken } from "../../server/connections/oauth-refresh.js";
import { fakeGoogle, fakeMicrosoft, OAUTH_ENV } from "../connections/fake-oauth.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { rows } from "../harness/db-snapshot.js";

const google = fakeGoogle();
const microsoft = fakeMicrosoft();
const msw = setupServer(...google.handlers(), ...microsoft.handlers());
beforeAll(() => msw.listen({ onUnhandledRequest: "bypass" }));
afterAll(() => msw.close());

const IMAP_PASSWORD = "imap-Pässword-7f3c9a1e2b";
const YAHOO_PASSWORD = "yahooapppasswordqwxz";

describe.each(engines)("R-CON-11 secrets across a connection lifecycle on %s", (engine) => {
  let s: TestServer;
  const logLines: string[] = [];
  const answers: string[] = [];
  let ana: { id: string; token: string };

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      logLines,
      env: {
        ...OAUTH_ENV,
        // Nothing listens there: sync steps get a token, then fail to reach the mailbox.
        GOOGLE_API_URL: "http://127.0.0.1:9",
        GRAPH_URL: "http://127.0.0.1:9/v1.0",
        // No retries of the unreachable mailbox: each step fails at once instead of after 15 s of backoff.
        CONCILIA_PROVIDER_RETRIES: "0",
      },
      imapTester: async (account) =>
        account.password === IMAP_PASSWORD || account.password === YAHOO_PASSWORD
          ? { ok: true }
          : { ok: false, step: "login", message: "AUTHENTICATIONFAILED" },
    });
    ana = await s.user("ana@acme.test", { aliases: ["ana.ruiz@yahoo.test"] });
  });
  afterAll(() => s?.close());

  async function api(method: string, url: string, body?: unknown) {
    const r = await s.app.inject({
      method: method as "GET",
      url,
      headers: { authorization: `Bearer ${ana.token}` },
      ...(body ? { payload: body as object } : {}),
    });
    answers.push(`${method} ${url} ${r.statusCode} ${JSON.stringify(r.headers)} ${r.body}`);
    return r;
  }

  async function connectOAuth(provider: "google" | "microsoft", account: string) {
    (provider === "google" ? google : microsoft).signInAs = account;
    const start = await api("POST", "/api/v1/connections/oauth/start", { provider, syncs: "email" });
    expect(start.statusCode).toBe(200);
    const back = await fetch(start.json().authorizationUrl, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    const page = await s.app.inject({ url: callback.pathname + callback.search });
    answers.push(`callback ${page.statusCode} ${page.body}`);
    expect(page.statusCode).toBe(200);
    return page.body.match(/"connectionId":"([^"]+)"/)![1];
  }

  it("R-CON-11: no secret of the run is in any table, log line or API answer", async () => {
    const googleId = await connectOAuth("google", "ana.ruiz@gmail.test");
    const microsoftId = await connectOAuth("microsoft", "ana@contoso.test");
    const imap = await api("POST", "/api/v1/connections", {
      provider: "imap",
      accountAddress: "ana@acme-iberia.example",
      syncs: "email",
      host: "mail.acme-iberia.example",
      port: 993,
      tls: "implicit",
      username: "ana@acme-iberia.example",
      password: IMAP_PASSWORD,
    });
    expect(imap.statusCode).toBe(201);
    const yahoo = await api("POST", "/api/v1/connections", {
      provider: "yahoo",
      accountAddress: "ana.ruiz@yahoo.test",
      password: YAHOO_PASSWORD,
      syncs: "email",
    });
    expect(yahoo.statusCode).toBe(201);
    // A wrong password is refused without being echoed.
    expect(
      (
        await api("POST", "/api/v1/connections/test", {
          host: "mail.acme-iberia.example",
          port: 993,
          tls: "implicit",
          username: "ana",
          password: `${IMAP_PASSWORD}-wrong`,
        })
      ).statusCode,
    ).toBe(200);

    // Sync steps run (the worker is on): tokens are refreshed, the mailboxes are unreachable.
    const ids = [googleId, microsoftId, imap.json().id, yahoo.json().id];
    const deadline = Date.now() + 20_000;
    for (const id of ids)
      for (;;) {
        const st = (await api("GET", `/api/v1/connections/${id}/status`)).json();
        if (st.lastError || st.lastSyncedAt) break;
        expect(Date.now(), `connection ${id} never ran a step`).toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 200));
      }
    // And one refresh on purpose, which a rotating provider answers with a new refresh token.
    await freshAccessToken(s.ctx, { id: microsoftId, provider: "microsoft" });
    await api("GET", "/api/v1/connections");
    for (const id of ids) await api("GET", `/api/v1/connections/${id}`);
    for (const id of ids) expect((await api("DELETE", `/api/v1/connections/${id}`)).statusCode).toBe(200);

    const secrets = [
      ...google.issuedSecrets(),
      ...microsoft.issuedSecrets(),
      IMAP_PASSWORD,
      `${IMAP_PASSWORD}-wrong`,
      YAHOO_PASSWORD,
      OAUTH_ENV.GOOGLE_OAUTH_CLIENT_SECRET,
      OAUTH_ENV.MICROSOFT_OAUTH_CLIENT_SECRET,
      s.ctx.config.CONCILIA_SECRET_KEY!,
      ana.token,
    ];
    expect(google.issuedSecrets().length).toBeGreaterThanOrEqual(3);
    expect(microsoft.issuedSecrets().length).toBeGreaterThanOrEqual(3);
    const spellings = secrets.flatMap((v) => [
      v,
      Buffer.from(v).toString("base64"),
      Buffer.from(v).toString("base64url"),
      Buffer.from(v).toString("hex"),
      encodeURIComponent(v),
    ]);
    const tables = await rows(s.ctx.db, []);
    const stored = [...tables].flatMap(([t, rs]) => [...rs].map((r) => `${t}: ${r}`));
    const leaks = (where: string, texts: string[]) =>
      texts.flatMap((text) =>
        spellings
          .filter((v) => text.includes(v))
          .map((v) => `${where}: ${v.slice(0, 12)}… in ${text.slice(0, 160)}`),
      );
    expect(logLines.length).toBeGreaterThan(10);
    // The search finds a secret where there is one, in any of its spellings.
    expect(
      leaks("probe", [`{"p":"${Buffer.from(YAHOO_PASSWORD).toString("base64")}"}`]).length,
    ).toBeGreaterThan(0);
    expect(
      [...leaks("database", stored), ...leaks("log", logLines), ...leaks("answer", answers)].join("\n"),
    ).toBe("");
  }, 60_000);
});
