// A local identity provider's key endpoint for tests: serves the JWKS of a fresh RSA key on
// 127.0.0.1 and signs ID tokens with it, so the server verifies real signatures against real keys
// (pass `url` as GOOGLE_JWKS_URL or ENTRA_JWKS_URL to startTestServer).
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from "jose";

export interface SignOptions {
  /** Seconds until expiry (negative: already expired). Default one hour. */
  expiresIn?: number;
  /** Overrides the `kid` in the header. */
  kid?: string;
}

export interface Jwks {
  /** The JWKS URL to configure. */
  url: string;
  kid: string;
  /** How many times the key set was fetched. */
  fetches: number;
  /** Signs an RS256 token with the served key; `iat` and `exp` are filled in unless given. */
  signIdToken(claims: JWTPayload, opts?: SignOptions): Promise<string>;
  /** Signs with a key this JWKS does not publish (under a kid it does not know either). */
  signWithUnknownKey(claims: JWTPayload, opts?: SignOptions): Promise<string>;
  /** An unsigned token (`alg: none`), as an attacker would forge it. */
  signAlgNone(claims: JWTPayload): string;
  /** An HS256 token whose HMAC secret is the given string. */
  signHs256(claims: JWTPayload, secret: string): Promise<string>;
  /** The published key as PEM and as the JWKS lists it: what an attacker uses as an HMAC secret. */
  publicPem: string;
  publicJwk: Record<string, unknown>;
  close(): Promise<void>;
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

function withTimes(claims: JWTPayload, expiresIn = 3600): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { iat: now, exp: now + expiresIn, ...claims };
}

async function sign(
  key: CryptoKey,
  kid: string,
  claims: JWTPayload,
  opts: SignOptions = {},
): Promise<string> {
  return new SignJWT(withTimes(claims, opts.expiresIn))
    .setProtectedHeader({ alg: "RS256", kid: opts.kid ?? kid, typ: "JWT" })
    .sign(key);
}

export async function startJwks(): Promise<Jwks> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { extractable: true });
  const stranger = await generateKeyPair("RS256");
  const kid = randomUUID();
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const server = http.createServer((_req, res) => {
    jwks.fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const jwks: Jwks = {
    url: `http://127.0.0.1:${port}/keys`,
    kid,
    fetches: 0,
    signIdToken: (claims, opts) => sign(privateKey, kid, claims, opts),
    signWithUnknownKey: (claims, opts) => sign(stranger.privateKey, randomUUID(), claims, opts),
    signAlgNone: (claims) => `${b64url({ alg: "none", typ: "JWT" })}.${b64url(withTimes(claims))}.`,
    publicPem: await exportSPKI(publicKey),
    publicJwk: jwk,
    signHs256: (claims, secret) =>
      new SignJWT(withTimes(claims))
        .setProtectedHeader({ alg: "HS256", kid })
        .sign(new TextEncoder().encode(secret)),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return jwks;
}
