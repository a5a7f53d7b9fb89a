// Turns the Authorization header into the user the request acts as. Three kinds of bearer token are
// accepted: Concilia API tokens (cnc_…), Google ID tokens (Gmail add-on) and Entra ID tokens
// (Outlook single sign-on); the latter two are verified against the issuers' published keys and
// sign in as the user their account is linked to.
import { unauthorized } from "../api/problem.js";
import type { AppContext } from "../context.js";
import type { users } from "../db/schema.js";
import { verifyIdToken } from "./id-tokens.js";
import { userOfIdentity } from "./identities.js";
import { cachedToken, rememberToken } from "./token-cache.js";
import { findApiToken, hashToken, TOKEN_PREFIX, touchApiToken } from "./tokens.js";
import type { AuthUser } from "./user.js";

type UserRow = typeof users.$inferSelect;

export function toAuthUser(u: UserRow, scopes: string[], via: string): AuthUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    timeZone: u.timeZone,
    addresses: [u.email, ...u.aliases].map((a) => a.toLowerCase()),
    scopes,
    via,
  };
}

export async function authenticate(ctx: AppContext, header: string | undefined): Promise<AuthUser | null> {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized("The Authorization header must be 'Bearer <token>'.");
  const token = m[1];
  if (token.startsWith(TOKEN_PREFIX)) {
    const hash = hashToken(token);
    const cached = cachedToken(hash);
    // last_used_at is kept to the minute; a cached entry lives less than that.
    if (cached) return cached.user;
    const row = await findApiToken(ctx.db, token);
    if (!row) throw unauthorized("This token is unknown, expired or revoked. Sign in again.");
    await touchApiToken(ctx.db, row.token);
    const user = toAuthUser(row.user, row.token.scopes, `token:${row.token.id}`);
    rememberToken(hash, { user, tokenId: row.token.id, expiresAt: row.token.expiresAt });
    return user;
  }
  const identity = await verifyIdToken(ctx, token);
  return toAuthUser(await userOfIdentity(ctx.db, identity), ["crm"], identity.issuer);
}
