// R-SB-7: every kind of bearer token the server accepts, forged every way an attacker would try, is
// refused with 401 and a problem+json that says why. The kinds: Concilia's own tokens (the sign-in
// dialog's session token, API and dev tokens: opaque, random, looked up by hash, so only the forgeries
// that apply to an opaque token apply), Google ID tokens (Gmail add-on) and Entra ID tokens (Outlook
// single sign-on), both RS256 JWTs verified against the issuer's published keys.
import { type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginCode } from "../../server/auth/login-codes.js";
import { createApiToken } from "../../server/auth/tokens.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Jwks, startJwks } from "../harness/jwks.js";

const GOOGLE_CLIENT = "123-gmail-addon.apps.googleusercontent.com";
const ENTRA_CLIENT = "api://concilia.test/0b7c2a55-52d3-4b0e-9a43-6f3c2c0d9e11";
const TENANT = "4a1d4c8e-6f53-4e57-9d3a-0c5f0e2b7a10";
const ENTRA_ISS = `https://login.microsoftonline.com/${TENANT}/v2.0`;
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

type Forgery = (t: { jwks: Jwks; claims: JWTPayload; valid: string }) => Promise<string> | string;

/** Every forgery of an ID token, each expected to be refused. */
const jwtForgeries: Record<string, Forgery> = {
  expired: ({ jwks, claims }) => jwks.signIdToken(claims, { expiresIn: -3600 }),
  "not yet valid (nbf in an hour)": ({ jwks, claims }) => jwks.signIdToken({ ...claims, nbf: now() + 3600 }),
  "issued in the future (iat in an hour)": ({ jwks, claims }) =>
    jwks.signIdToken({ ...claims, iat: now() + 3600 }),
  "wrong audience": ({ jwks, claims }) => jwks.signIdToken({ ...claims, aud: "api://someone-else" }),
  "no audience": ({ jwks, claims }) => jwks.signIdToken({ ...claims, aud: undefined }),
  "wrong issuer": ({ jwks, claims }) => jwks.signIdToken({ ...claims, iss: "https://evil.example" }),
  "no expiry": async ({ claims }) => {
    // jose's signer leaves exp out when not set; signed by the right key through a fresh signer.
    return `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ ...claims, exp: undefined })}.x`;
  },
  "alg none": ({ jwks, claims }) => jwks.signAlgNone(claims),
  "alg none, signature kept": ({ valid }) => {
    const [, payload, signature] = valid.split(".");
    return `${b64({ alg: "none", typ: "JWT" })}.${payload}.${signature}`;
  },
  "HS256 with the public key (PEM) as secret": ({ jwks, claims }) => jwks.signHs256(claims, jwks.publicPem),
  "HS256 with the public JWK as secret": ({ jwks, claims }) =>
    jwks.signHs256(claims, JSON.stringify(jwks.publicJwk)),
  "RS512 header on an RS256 signature": ({ valid }) => {
    const [header, payload, signature] = valid.split(".");
    const h = JSON.parse(Buffer.from(header, "base64url").toString());
    return `${b64({ ...h, alg: "RS512" })}.${payload}.${signature}`;
  },
  "unknown kid": ({ jwks, claims }) => jwks.signWithUnknownKey(claims),
  "known kid, another key": ({ jwks, claims }) => jwks.signWithUnknownKey(claims, { kid: jwks.kid }),
  "tampered payload (another subject)": ({ valid }) => {
    const [header, payload, signature] = valid.split(".");
    const p = JSON.parse(Buffer.from(payload, "base64url").toString());
    return `${header}.${b64({ ...p, sub: "someone-else", oid: "6d0a9d8e-0000-4f1e-8a7d-3b5c9e1f2a40" })}.${signature}`;
  },
  "tampered payload (expiry pushed out)": ({ valid }) => {
    const [header, payload, signature] = valid.split(".");
    const p = JSON.parse(Buffer.from(payload, "base64url").toString());
    return `${header}.${b64({ ...p, exp: p.exp + 86_400 * 365 })}.${signature}`;
  },
  "signature stripped": ({ valid }) => `${valid.split(".").slice(0, 2).join(".")}.`,
  "embedded jwk header": async ({ claims }) => {
    const { generateKeyPair, exportJWK } = await import("jose");
    const own = await generateKeyPair("RS256", { extractable: true });
    return new SignJWT({ ...claims, exp: now() + 3600 })
      .setProtectedHeader({ alg: "RS256", jwk: await exportJWK(own.publicKey) })
      .sign(own.privateKey);
  },
  "jku header pointing elsewhere": async ({ jwks, claims }) => {
    const token = await jwks.signWithUnknownKey(claims);
    const [header, payload, signature] = token.split(".");
    const h = JSON.parse(Buffer.from(header, "base64url").toString());
    return `${b64({ ...h, jku: "https://evil.example/keys" })}.${payload}.${signature}`;
  },
};

describe.each(engines)("R-SB-7 token forgery matrix on %s", (engine) => {
  let s: TestServer;
  let google: Jwks;
  let entra: Jwks;
  let anaId: string;
  const kinds: Record<"Google ID token" | "Entra ID token", { jwks: () => Jwks; claims: JWTPayload }> = {
    "Google ID token": {
      jwks: () => google,
      claims: {
        iss: "https://accounts.google.com",
        aud: GOOGLE_CLIENT,
        sub: "10987654321",
        email: "ana@acme.test",
        email_verified: true,
      },
    },
    "Entra ID token": {
      jwks: () => entra,
      claims: {
        iss: ENTRA_ISS,
        aud: ENTRA_CLIENT,
        sub: "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ",
        tid: TENANT,
        oid: "6d0a9d8e-2c4b-4f1e-8a7d-3b5c9e1f2a40",
        preferred_username: "ana@acme.test",
      },
    },
  };

  beforeAll(async () => {
    [google, entra] = await Promise.all([startJwks(), startJwks()]);
    s = await startTestServer({
      engine,
      work: false,
      env: {
        GOOGLE_JWKS_URL: google.url,
        GOOGLE_CLIENT_IDS: GOOGLE_CLIENT,
        ENTRA_JWKS_URL: entra.url,
        ENTRA_CLIENT_IDS: ENTRA_CLIENT,
        ENTRA_TENANT_ID: TENANT,
      },
    });
    anaId = (await s.user("ana@acme.test", { name: "Ana" })).id;
    const { linkIdentity } = await import("../../server/auth/identities.js");
    await linkIdentity(s.ctx.db, anaId, { provider: "google", tenantId: "", subject: "10987654321" });
    await linkIdentity(s.ctx.db, anaId, {
      provider: "entra",
      tenantId: TENANT,
      subject: "6d0a9d8e-2c4b-4f1e-8a7d-3b5c9e1f2a40",
    });
  });
  afterAll(async () => {
    await s?.close();
    await Promise.all([google?.close(), entra?.close()]);
  });

  const me = (token: string) =>
    s.app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
  async function expectRefused(token: string, what: string) {
    const r = await me(token);
    expect({ what, status: r.statusCode }).toEqual({ what, status: 401 });
    expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect(r.json().detail).toEqual(expect.any(String));
  }

  for (const kind of ["Google ID token", "Entra ID token"] as const)
    it(`R-SB-7: ${kind}: the genuine token signs in; every forgery of it is refused with 401`, async () => {
      const { jwks, claims } = { jwks: kinds[kind].jwks(), claims: kinds[kind].claims };
      const valid = await jwks.signIdToken(claims);
      expect((await me(valid)).statusCode).toBe(200);
      for (const [name, forge] of Object.entries(jwtForgeries))
        await expectRefused(await forge({ jwks, claims, valid }), `${kind}, ${name}`);
    });

  it("R-SB-7: an ID token whose account was unlinked (the link revoked) is refused from then on", async () => {
    const { unlinkIdentity, identitiesOf } = await import("../../server/auth/identities.js");
    const token = await google.signIdToken(kinds["Google ID token"].claims);
    expect((await me(token)).statusCode).toBe(200);
    const link = (await identitiesOf(s.ctx.db, anaId)).find((i) => i.provider === "google");
    expect(await unlinkIdentity(s.ctx.db, anaId, link!.id)).toBe(true);
    await expectRefused(token, "unlinked Google account");
  });

  it("R-SB-7: the sign-in dialog's session token: tampered, truncated, unknown, revoked by sign-out, all refused", async () => {
    const code = await createLoginCode(s.ctx.db, anaId);
    const exchange = await s.app.inject({ method: "POST", url: "/auth/token", payload: { code } });
    expect(exchange.statusCode).toBe(200);
    const session: string = exchange.json().token;
    expect((await me(session)).statusCode).toBe(200);
    const flip = (t: string, i: number) => t.slice(0, i) + (t[i] === "A" ? "B" : "A") + t.slice(i + 1);
    await expectRefused(flip(session, session.length - 1), "session, last character changed");
    await expectRefused(flip(session, 5), "session, a character after the prefix changed");
    await expectRefused(session.slice(0, -1), "session, truncated");
    await expectRefused(`${session}A`, "session, lengthened");
    await expectRefused(`cnc_${"A".repeat(43)}`, "session, made up");
    await expectRefused(session.toUpperCase(), "session, upper-cased");
    const out = await s.app.inject({
      method: "POST",
      url: "/api/v1/auth/sign-out",
      headers: { authorization: `Bearer ${session}` },
    });
    expect(out.statusCode).toBe(204);
    // At once, although the server remembered the token a moment ago.
    await expectRefused(session, "session, revoked by sign-out");
  });

  it("R-SB-7: an API token past its expiry, or revoked, is refused; its hash is not a token", async () => {
    const expired = await createApiToken(s.ctx.db, anaId, {
      name: "old",
      expiresAt: new Date(Date.now() - 1000),
    });
    await expectRefused(expired.token, "API token, expired");
    const live = await createApiToken(s.ctx.db, anaId, { name: "live" });
    expect((await me(live.token)).statusCode).toBe(200);
    const { hashToken } = await import("../../server/auth/tokens.js");
    await expectRefused(hashToken(live.token), "the stored hash presented as the token");
    await expectRefused(`cnc_${hashToken(live.token)}`, "the stored hash with the prefix");
    const revoke = await s.app.inject({
      method: "DELETE",
      url: `/api/v1/tokens/${live.id}`,
      headers: { authorization: `Bearer ${live.token}` },
    });
    expect(revoke.statusCode).toBe(204);
    await expectRefused(live.token, "API token, revoked");
  });

  it("R-SB-7: a malformed Authorization header is refused, never taken as anonymous or as someone", async () => {
    for (const header of [
      "Bearer",
      "Bearer ",
      "Basic YW5hOnNlY3JldA==",
      "Bearer a b",
      "Token cnc_x",
      "Bearer \u0000",
    ]) {
      const r = await s.app.inject({ url: "/api/v1/me", headers: { authorization: header } });
      expect({ header, status: r.statusCode }).toEqual({ header, status: 401 });
    }
  });
});
