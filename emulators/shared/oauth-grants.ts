import { createHash } from "node:crypto";
import { randomId } from "./http.js";

/**
 * Authorization codes, access tokens and refresh tokens of one identity provider, with PKCE.
 * Providers differ in what they answer (error codes, rotation), not in this bookkeeping.
 */
export type OAuthClient = { clientId: string; clientSecret?: string; redirectUris?: string[] };

export type Grant = {
  id: string;
  account: string;
  clientId: string;
  scope: string;
  revoked: string | null;
};

type Code = {
  grant: Grant;
  redirectUri: string;
  challenge: string | null;
  method: string | null;
  expiresAt: number;
  redeemed: boolean;
  offline: boolean;
  /** What the tokens from this code may do (a grant can hold more than one request asked for). */
  scope: string;
};

export type AccessToken = { token: string; grant: Grant; scope: string; expiresAt: number };
export type RefreshToken = {
  token: string;
  grant: Grant;
  scope: string;
  expiresAt: number;
  supersededAt: number | null;
};

export type GrantTimes = { codeTtlMs: number; accessTtlMs: number; refreshTtlMs: number };

export type CodeRedemption =
  | { ok: true; grant: Grant; offline: boolean; scope: string }
  | {
      ok: false;
      reason: "unknown" | "redeemed" | "expired" | "redirect" | "client" | "verifier-missing" | "verifier";
    };

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export class OAuthGrants {
  private readonly codes = new Map<string, Code>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, RefreshToken>();
  private readonly grants = new Map<string, Grant>();

  constructor(
    private readonly now: () => number,
    private readonly times: GrantTimes,
  ) {}

  /** The grant of this account to this client; consenting again after a revocation makes a new one. */
  grantFor(account: string, clientId: string, scope: string): { grant: Grant; first: boolean } {
    const key = `${account}\n${clientId}`;
    const existing = this.grants.get(key);
    if (existing && !existing.revoked) {
      existing.scope = [...new Set([...existing.scope.split(" "), ...scope.split(" ")])].join(" ");
      return { grant: existing, first: false };
    }
    const grant: Grant = { id: randomId(8), account, clientId, scope, revoked: null };
    this.grants.set(key, grant);
    return { grant, first: true };
  }

  issueCode(
    grant: Grant,
    redirectUri: string,
    challenge: string | null,
    method: string | null,
    offline: boolean,
    scope = grant.scope,
  ) {
    const code = `4/${randomId(24)}`;
    this.codes.set(code, {
      grant,
      redirectUri,
      challenge,
      method,
      offline,
      scope,
      expiresAt: this.now() + this.times.codeTtlMs,
      redeemed: false,
    });
    return code;
  }

  redeemCode(code: string, clientId: string, redirectUri: string, verifier: string | null): CodeRedemption {
    const entry = this.codes.get(code);
    if (!entry) return { ok: false, reason: "unknown" };
    if (entry.redeemed) return { ok: false, reason: "redeemed" };
    if (entry.expiresAt <= this.now()) return { ok: false, reason: "expired" };
    if (entry.grant.clientId !== clientId) return { ok: false, reason: "client" };
    if (entry.redirectUri !== redirectUri) return { ok: false, reason: "redirect" };
    if (entry.challenge) {
      if (!verifier) return { ok: false, reason: "verifier-missing" };
      const computed = entry.method === "plain" ? verifier : s256(verifier);
      if (!VERIFIER.test(verifier) || computed !== entry.challenge) return { ok: false, reason: "verifier" };
    }
    entry.redeemed = true;
    return { ok: true, grant: entry.grant, offline: entry.offline, scope: entry.scope };
  }

  issueAccess(grant: Grant, scope = grant.scope): AccessToken {
    const token: AccessToken = {
      scope,
      token: `ya29.${randomId(32)}`,
      grant,
      expiresAt: this.now() + this.times.accessTtlMs,
    };
    this.access.set(token.token, token);
    return token;
  }

  issueRefresh(grant: Grant, scope = grant.scope): RefreshToken {
    const token: RefreshToken = {
      scope,
      token: `1//${randomId(32)}`,
      grant,
      expiresAt: this.now() + this.times.refreshTtlMs,
      supersededAt: null,
    };
    this.refresh.set(token.token, token);
    return token;
  }

  /**
   * A valid access token's grant, or why it is not valid. Self-contained tokens (Entra JWTs) stay
   * valid after a revocation until they expire: pass `honourRevocation: false` for those.
   */
  checkAccess(
    token: string,
    honourRevocation = true,
  ): { ok: true; grant: Grant; scope: string } | { ok: false; reason: "unknown" | "expired" | "revoked" } {
    const entry = this.access.get(token);
    if (!entry) return { ok: false, reason: "unknown" };
    if (entry.grant.revoked && honourRevocation) return { ok: false, reason: "revoked" };
    if (entry.expiresAt <= this.now()) return { ok: false, reason: "expired" };
    return { ok: true, grant: entry.grant, scope: entry.scope };
  }

  /** Refresh tokens may be superseded (rotation): they then stay valid for `graceMs` only. */
  checkRefresh(
    token: string,
    graceMs = Number.POSITIVE_INFINITY,
  ):
    | { ok: true; entry: RefreshToken }
    | { ok: false; reason: "unknown" | "expired" | "revoked" | "superseded" } {
    const entry = this.refresh.get(token);
    if (!entry) return { ok: false, reason: "unknown" };
    if (entry.grant.revoked) return { ok: false, reason: "revoked" };
    if (entry.expiresAt <= this.now()) return { ok: false, reason: "expired" };
    if (entry.supersededAt !== null && entry.supersededAt + graceMs <= this.now()) {
      return { ok: false, reason: "superseded" };
    }
    return { ok: true, entry };
  }

  /** An access and a refresh token for `account`, without the browser dance (tests not about OAuth). */
  issueTokens(
    account: string,
    clientId: string,
    scope: string,
  ): { accessToken: string; refreshToken: string } {
    const { grant } = this.grantFor(account.toLowerCase(), clientId, scope);
    return {
      accessToken: this.issueAccess(grant, scope).token,
      refreshToken: this.issueRefresh(grant, scope).token,
    };
  }

  supersede(entry: RefreshToken): void {
    entry.supersededAt ??= this.now();
  }

  /** The grant a refresh or access token belongs to (for the revocation endpoint). */
  grantOfToken(token: string): Grant | null {
    return this.access.get(token)?.grant ?? this.refresh.get(token)?.grant ?? null;
  }

  accountOfCode(code: string): string | null {
    return this.codes.get(code)?.grant.account ?? null;
  }

  revokeAccount(account: string, reason: string): void {
    for (const grant of this.grants.values()) if (grant.account === account) grant.revoked = reason;
  }

  expireAccessTokens(account: string): void {
    for (const entry of this.access.values())
      if (entry.grant.account === account) entry.expiresAt = this.now();
  }

  expireRefreshTokens(account: string): void {
    for (const entry of this.refresh.values())
      if (entry.grant.account === account) entry.expiresAt = this.now();
  }
}
