// R-SB-7: ID tokens of Google (Gmail add-on) and Entra ID (Outlook single sign-on) are verified
// against the issuer's published keys (JWKS URL from configuration, so tests use local keys): RS256
// only, issuer, audience and expiry checked. Which issuer's rules apply is decided by the token's
// unverified `iss`, and then everything is verified against that issuer's own keys and settings.
// What comes out is the account's stable key (Entra: tenant + object id; Google: subject); the
// address claims are kept for display only, never used to choose a user.
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
} from "jose";
import { HttpProblem, unauthorized } from "../api/problem.js";
import type { Config } from "../config.js";
import type { AppContext } from "../context.js";

export interface VerifiedIdentity {
  provider: "entra" | "google";
  /** Entra's `tid`; "" for Google. */
  tenantId: string;
  /** Entra's `oid`, Google's `sub`: what a link is keyed by. */
  subject: string;
  /** The address the token names, lower-cased; display only. */
  email: string | null;
  /** Whether the provider vouches for `email` (Google's email_verified; never for Entra). */
  emailVerified: boolean;
  issuer: string;
}

const ALGORITHMS = ["RS256"];
/** Small allowance for clocks that disagree; a token is never accepted a minute past expiry. */
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_TOKEN_AGE = "1 day";
const ENTRA_ISSUER = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/;
/** The tenant of personal Microsoft accounts, which "organizations" excludes. */
const CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** One remote key set per URL, so keys are fetched once and refreshed only for an unknown `kid`. */
function keySet(url: string) {
  let set = keySets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    keySets.set(url, set);
  }
  return set;
}

interface IssuerRules {
  name: string;
  jwksUrl: string;
  audiences: string[];
  notConfigured: string;
  identity(claims: JWTPayload, issuer: string): VerifiedIdentity;
}

const addressIn = (...claims: unknown[]) => {
  for (const c of claims) if (typeof c === "string" && c.includes("@")) return c.toLowerCase();
  return null;
};

function googleRules(config: Config): IssuerRules {
  return {
    name: "Google",
    jwksUrl: config.GOOGLE_JWKS_URL,
    audiences: config.GOOGLE_CLIENT_IDS,
    notConfigured: "Google sign-in is not configured on this server (GOOGLE_CLIENT_IDS is empty).",
    identity(claims, issuer) {
      return {
        provider: "google",
        tenantId: "",
        subject: claims.sub as string,
        email: addressIn(claims.email),
        // Google has sent email_verified both as a boolean and as a string.
        emailVerified: claims.email_verified === true || claims.email_verified === "true",
        issuer,
      };
    },
  };
}

function entraRules(config: Config): IssuerRules {
  return {
    name: "Microsoft Entra ID",
    jwksUrl: config.ENTRA_JWKS_URL,
    audiences: config.ENTRA_CLIENT_IDS,
    notConfigured: "Microsoft sign-in is not configured on this server (ENTRA_CLIENT_IDS is empty).",
    identity(claims, issuer) {
      if (typeof claims.tid !== "string" || typeof claims.oid !== "string")
        throw unauthorized("The Microsoft Entra ID token carries no tenant (tid) or object id (oid).");
      const tid = claims.tid.toLowerCase();
      // Multi-tenant issuers carry the tenant twice; a token whose `tid` disagrees is not genuine.
      const issuerTenant = ENTRA_ISSUER.exec(issuer)?.[1];
      if (issuerTenant && tid !== issuerTenant)
        throw unauthorized("Wrong issuer: the token's tenant does not match its issuer.");
      if (!tenantAccepted(config, tid))
        throw unauthorized(`Wrong tenant: accounts of the Entra tenant ${tid} are not accepted here.`);
      return {
        provider: "entra",
        tenantId: tid,
        subject: claims.oid.toLowerCase(),
        email: addressIn(claims.preferred_username, claims.email, claims.upn),
        emailVerified: false,
        issuer,
      };
    },
  };
}

/** Whether ENTRA_TENANT_IDS lets accounts of this tenant sign in. */
function tenantAccepted(config: Config, tenant: string): boolean {
  // Without a list, ENTRA_ISSUER (checked before this) names the one tenant.
  if (config.entraTenants.length === 0) return Boolean(config.ENTRA_ISSUER);
  return config.entraTenants.some(
    (t) => t === tenant || t === "common" || (t === "organizations" && tenant !== CONSUMER_TENANT),
  );
}

/** The Entra issuer this server accepts for `iss`, or null when the tenant is not allowed. */
function acceptedEntraIssuer(config: Config, iss: string): string | null {
  if (config.ENTRA_ISSUER) return iss === config.ENTRA_ISSUER ? iss : null;
  const tenant = ENTRA_ISSUER.exec(iss)?.[1];
  return tenant && tenantAccepted(config, tenant) ? iss : null;
}

function rulesFor(config: Config, iss: string): { rules: IssuerRules; issuer: string } {
  if (config.GOOGLE_ISSUERS.includes(iss)) return { rules: googleRules(config), issuer: iss };
  const entra = acceptedEntraIssuer(config, iss);
  if (entra) return { rules: entraRules(config), issuer: entra };
  throw unauthorized(`Wrong issuer: tokens issued by '${iss}' are not accepted here.`);
}

/** Reads the unverified header and payload only to choose the rules; nothing here is trusted yet. */
function peek(token: string): { alg: unknown; iss: string } {
  try {
    const header = decodeProtectedHeader(token);
    const payload = decodeJwt(token);
    if (typeof payload.iss !== "string") throw new Error("no iss");
    return { alg: header.alg, iss: payload.iss };
  } catch {
    throw unauthorized(
      "The bearer token is neither a Concilia token nor a well-formed ID token with an issuer.",
    );
  }
}

function explain(err: unknown, rules: IssuerRules): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof errors.JWTExpired) return unauthorized("The ID token has expired. Sign in again.");
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud")
      return unauthorized(`Wrong audience: this ${rules.name} token was issued for another application.`);
    if (err.claim === "iss") return unauthorized(`Wrong issuer for a ${rules.name} token.`);
    if (err.claim === "nbf" || err.claim === "iat") return unauthorized("The ID token is not valid yet.");
    return unauthorized(`The ID token's '${err.claim}' claim is invalid: ${err.reason}.`);
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported)
    return unauthorized("Unsupported algorithm: ID tokens must be signed with RS256.");
  if (err instanceof errors.JWKSNoMatchingKey)
    return unauthorized(`Unknown signing key: ${rules.name} does not publish the key this token names.`);
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return unauthorized(`The ID token's signature does not verify against ${rules.name}'s keys.`);
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid)
    return unauthorized("The ID token is malformed.");
  // Fetching the keys failed (network, timeout, bad JWKS): not the caller's fault, so not a 401.
  return new HttpProblem(
    503,
    "Service unavailable",
    `${rules.name}'s signing keys could not be fetched; try again shortly.`,
  );
}

export async function verifyIdToken(ctx: AppContext, token: string): Promise<VerifiedIdentity> {
  const { alg, iss } = peek(token);
  if (alg !== "RS256")
    throw unauthorized(`Unsupported algorithm '${String(alg)}': ID tokens must be signed with RS256.`);
  const { rules, issuer } = rulesFor(ctx.config, iss);
  if (rules.audiences.length === 0) throw unauthorized(rules.notConfigured);
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(token, keySet(rules.jwksUrl), {
      algorithms: ALGORITHMS,
      issuer,
      audience: rules.audiences,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      // Also refuses a token issued in the future (iat ahead of the clock beyond the tolerance); both
      // issuers' tokens live about an hour, so a day is only an upper bound.
      maxTokenAge: MAX_TOKEN_AGE,
      requiredClaims: ["exp", "sub", "iat"],
    }));
  } catch (err) {
    const problem = explain(err, rules);
    if (problem.status >= 500) ctx.log.warn({ err, jwksUrl: rules.jwksUrl }, "ID token keys unavailable");
    throw problem;
  }
  return rules.identity(claims, issuer);
}
