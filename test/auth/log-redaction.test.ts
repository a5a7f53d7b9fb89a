// The server's own logger, captured: whatever a request carried (password, one-time code, tokens) or
// the server handled (stored credentials, its key) must not appear in any log line.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../server/app.js";
import { linkIdentity } from "../../server/auth/identities.js";
import { closeContext, createContext } from "../../server/bootstrap.js";
import { loadConfig } from "../../server/config.js";
import { createConnection } from "../../server/connections/connections.js";
import type { AppContext } from "../../server/context.js";
import { createUser } from "../../server/crm/users.js";
import { createLogger } from "../../server/log.js";
import { getSecret, putSecret, refreshSecret } from "../../server/secrets/store.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

const PASSWORD = "Tr0ub4dor&3-never-logged";
const WRONG_PASSWORD = "wrong-but-also-never-logged";
const REFRESH = "1//0g-refresh-token-never-logged";
const CLIENT = "log-test.apps.googleusercontent.com";

describe("R-CON-11 secrets never reach the logs", () => {
  const lines: string[] = [];
  const key = randomBytes(32).toString("base64");
  let dataDir: string;
  let ctx: AppContext;
  let app: FastifyInstance;
  let jwks: Jwks;

  beforeAll(async () => {
    jwks = await startJwks();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-log-"));
    const config = loadConfig({
      CONCILIA_DATA: dataDir,
      CONCILIA_LOG_LEVEL: "trace",
      CONCILIA_SECRET_KEY: key,
      GOOGLE_JWKS_URL: jwks.url,
      GOOGLE_CLIENT_IDS: CLIENT,
    });
    const log = createLogger("trace", { write: (line: string) => void lines.push(line) });
    ctx = await createContext(config, log, { memory: true });
    app = await buildApp(ctx);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    if (ctx) await closeContext(ctx);
    await jwks?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("R-CON-11: passwords, codes, tokens, credentials and the key are redacted from every log line", async () => {
    const ana = await createUser(ctx.db, { email: "ana@acme.test", name: "Ana", password: PASSWORD });
    const form = (password: string) => ({
      method: "POST" as const,
      url: "/auth/login?lang=en",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ email: "ana@acme.test", password }).toString(),
    });
    expect((await app.inject(form(WRONG_PASSWORD))).statusCode).toBe(401);
    const page = await app.inject(form(PASSWORD));
    const code = /id="code"[^>]*value="([0-9A-Z-]+)"/.exec(page.body)![1];
    const grant = (await app.inject({ method: "POST", url: "/auth/token", payload: { code } })).json();
    const bearer = (token: string) => ({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    expect((await app.inject(bearer(grant.token))).statusCode).toBe(200);
    const idToken = await jwks.signIdToken({
      iss: "https://accounts.google.com",
      aud: CLIENT,
      sub: "1",
      email: "ana@acme.test",
      email_verified: true,
    });
    await linkIdentity(ctx.db, ana.id, { provider: "google", tenantId: "", subject: "1" });
    const me = await app.inject(bearer(idToken));
    expect(me.statusCode).toBe(200);
    const google = await createConnection(ctx.db, ana.id, {
      provider: "google",
      accountAddress: "ana@gmail.test",
    });
    await putSecret(ctx, google.id, "refresh-token", REFRESH, null);
    expect((await getSecret(ctx, google.id, "refresh-token"))?.value).toBe(REFRESH);
    await refreshSecret(ctx, google.id, "refresh-token", async () => `${REFRESH}-rotated`);
    // A worker that lost a refresh race logs the conflict as it is.
    const lost = await putSecret(ctx, google.id, "refresh-token", `${REFRESH}-lost`, 1).catch((e) => e);
    ctx.log.warn({ err: lost }, "refresh token changed meanwhile");
    const connections = await app.inject({ ...bearer(grant.token), url: "/api/v1/connections" });
    expect(connections.statusCode).toBe(200);
    // A careless log call with whole objects: redaction still holds.
    ctx.log.info(
      { config: ctx.config, body: { password: PASSWORD, code }, user: { token: grant.token } },
      "oops",
    );

    const output = lines.join("");
    expect(output).toContain("password sign-in refused");
    expect(output).toContain("request completed");
    expect(output).toContain("[redacted]");
    expect(output).toContain("refresh-token secret was changed meanwhile (now version 2)");
    for (const secret of [
      PASSWORD,
      WRONG_PASSWORD,
      code,
      code.replace(/-/g, ""),
      grant.token,
      idToken,
      REFRESH,
      key,
    ])
      expect(output).not.toContain(secret);
    // And the API's answers carry none of them either.
    expect(me.body).not.toContain(REFRESH);
    expect(me.body).not.toMatch(/scrypt|password/i);
    expect(connections.body).toContain('"name":"refresh-token","version":2');
    expect(connections.body).not.toContain(REFRESH);
  });
});
