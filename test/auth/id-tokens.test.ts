import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyIdToken } from "../../server/auth/id-tokens.js";
import { linkIdentity } from "../../server/auth/identities.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

const GOOGLE_CLIENT = "123-gmail-addon.apps.googleusercontent.com";
const ENTRA_CLIENT = "api://concilia.test/0b7c2a55-52d3-4b0e-9a43-6f3c2c0d9e11";
const TENANT = "4a1d4c8e-6f53-4e57-9d3a-0c5f0e2b7a10";
const ENTRA_ISS = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const BRUNO_OID = "6d0a9d8e-2c4b-4f1e-8a7d-3b5c9e1f2a40";
const ANA_SUB = "10987654321";

describe.each(engines)("R-SB-7 ID tokens on %s", (engine) => {
  let s: TestServer;
  let google: Jwks;
  let entra: Jwks;

  const googleClaims = (over: Record<string, unknown> = {}) => ({
    iss: "https://accounts.google.com",
    aud: GOOGLE_CLIENT,
    sub: ANA_SUB,
    email: "ana@acme.test",
    email_verified: true,
    ...over,
  });
  const entraClaims = (over: Record<string, unknown> = {}) => ({
    iss: ENTRA_ISS,
    aud: ENTRA_CLIENT,
    sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
    tid: TENANT,
    oid: BRUNO_OID,
    preferred_username: "Bruno@Acme.test",
    ...over,
  });
  const me = (token: string) =>
    s.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
  const refusal = async (token: string) => {
    const r = await me(token);
    expect(r.statusCode).toBe(401);
    expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
    return r.json().detail as string;
  };

  beforeAll(async () => {
    [google, entra] = await Promise.all([startJwks(), startJwks()]);
    s = await startTestServer({
      engine,
      env: {
        GOOGLE_JWKS_URL: google.url,
        GOOGLE_CLIENT_IDS: `other-client.apps.googleusercontent.com,${GOOGLE_CLIENT}`,
        ENTRA_JWKS_URL: entra.url,
        ENTRA_CLIENT_IDS: ENTRA_CLIENT,
        ENTRA_TENANT_ID: TENANT,
      },
    });
    const ana = await s.user("ana@acme.test", { name: "Ana" });
    const bruno = await s.user("bruno@acme.test", { name: "Bruno" });
    await linkIdentity(s.ctx.db, ana.id, { provider: "google", tenantId: "", subject: ANA_SUB });
    await linkIdentity(s.ctx.db, bruno.id, { provider: "entra", tenantId: TENANT, subject: BRUNO_OID });
  });
  afterAll(async () => {
    await s?.close();
    await Promise.all([google?.close(), entra?.close()]);
  });

  it("R-SB-7: a Google ID token signed by the configured keys signs in as the user its account is linked to", async () => {
    const r = await me(await google.signIdToken(googleClaims()));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      email: "ana@acme.test",
      name: "Ana",
      via: "https://accounts.google.com",
    });
  });

  it("R-SB-7: an Entra ID token signs in as the user its tenant and object id are linked to", async () => {
    const r = await me(await entra.signIdToken(entraClaims()));
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ email: "bruno@acme.test", via: ENTRA_ISS, scopes: ["crm"] });
  });

  it("R-SB-7: the issuer's keys are fetched once, not on every request", async () => {
    for (let i = 0; i < 3; i++)
      expect((await me(await google.signIdToken(googleClaims()))).statusCode).toBe(200);
    expect(google.fetches).toBe(1);
  });

  it("R-SB-7: an expired ID token is refused; a few seconds of clock skew are tolerated", async () => {
    expect(await refusal(await google.signIdToken(googleClaims(), { expiresIn: -120 }))).toMatch(/expired/);
    expect((await me(await google.signIdToken(googleClaims(), { expiresIn: -5 }))).statusCode).toBe(200);
  });

  it("R-SB-7: a token issued for another application (wrong audience) is refused", async () => {
    const detail = await refusal(
      await google.signIdToken(googleClaims({ aud: "someone-else.apps.googleusercontent.com" })),
    );
    expect(detail).toMatch(/Wrong audience/);
    expect(await refusal(await entra.signIdToken(entraClaims({ aud: "api://other-app" })))).toMatch(
      /Wrong audience/,
    );
  });

  it("R-SB-7: a token of an unknown issuer, or of another Entra tenant, is refused", async () => {
    expect(await refusal(await google.signIdToken(googleClaims({ iss: "https://evil.example" })))).toMatch(
      /Wrong issuer/,
    );
    const otherTenant = "99999999-6f53-4e57-9d3a-0c5f0e2b7a10";
    const foreign = entraClaims({
      iss: `https://login.microsoftonline.com/${otherTenant}/v2.0`,
      tid: otherTenant,
    });
    expect(await refusal(await entra.signIdToken(foreign))).toMatch(/Wrong issuer/);
  });

  it("R-SB-7: a Google token signed with the Entra keys does not verify", async () => {
    expect(await refusal(await entra.signIdToken(googleClaims()))).toMatch(/Unknown signing key/);
  });

  it("R-SB-7: an unsigned token (alg none) and an HS256 token are refused", async () => {
    expect(await refusal(google.signAlgNone(googleClaims()))).toMatch(/Unsupported algorithm/);
    expect(await refusal(await google.signHs256(googleClaims(), "guessable"))).toMatch(
      /Unsupported algorithm/,
    );
  });

  it("R-SB-7: a token signed with a key the issuer does not publish is refused", async () => {
    expect(await refusal(await google.signWithUnknownKey(googleClaims()))).toMatch(/Unknown signing key/);
    // Same kid as the published key, different private key: the signature itself fails.
    const forged = await google.signWithUnknownKey(googleClaims(), { kid: google.kid });
    expect(await refusal(forged)).toMatch(/signature does not verify/);
  });

  it("R-SB-7: a valid token of an account linked to no user is refused", async () => {
    const detail = await refusal(
      await google.signIdToken(googleClaims({ sub: "555", email: "stranger@elsewhere.test" })),
    );
    expect(detail).toMatch(/Google account \(stranger@elsewhere\.test\) is not linked to a Concilia user/);
  });

  it("R-SB-7: an Entra token without tenant or object id is refused", async () => {
    expect(await refusal(await entra.signIdToken(entraClaims({ oid: undefined })))).toMatch(
      /no tenant \(tid\) or object id \(oid\)/,
    );
  });

  it("R-SB-7: garbage in the bearer is refused with a clear message", async () => {
    expect(await refusal("not-a-token")).toMatch(/neither a Concilia token nor a well-formed ID token/);
    expect(await refusal("cnc_made-up")).toMatch(/unknown, expired or revoked/);
  });

  it("R-SB-7: a sign-in method without configured client ids refuses every token", async () => {
    const token = await google.signIdToken(googleClaims());
    const ctx = { ...s.ctx, config: { ...s.ctx.config, GOOGLE_CLIENT_IDS: [] } };
    await expect(verifyIdToken(ctx, token)).rejects.toThrow(/Google sign-in is not configured/);
  });
});
