// The access-token getter of a Google or Microsoft connection, for its provider client: a token is
// reused until shortly before it expires (across steps), a refresh is forced after a 401, and a refresh
// token the provider no longer accepts, or none stored that can be read, is the engine's `auth` failure
// (status reconnect_needed).
import { type AccessToken, freshAccessToken, ReconnectNeeded } from "../connections/oauth-refresh.js";
import { SecretUnreadable } from "../secrets/store.js";
import { SyncError } from "../sync/errors.js";
import type { ProviderContext } from "../sync/provider.js";
import type { AccessTokenGetter } from "./http.js";

const MARGIN_MS = 60_000;
/**
 * Per connection and grant: a reconnect that granted more (the Exchange integration's scopes) must not
 * go on with a token made for the old grant until it expires.
 */
const cache = new Map<string, AccessToken>();
const keyOf = (c: ProviderContext["connection"]) => `${c.id} ${[...c.grantedScopes].sort().join(" ")}`;

export function oauthAccessToken(
  ctx: Pick<ProviderContext, "connection" | "db" | "secrets" | "config">,
): AccessTokenGetter {
  const { connection } = ctx;
  const key = keyOf(connection);
  return async (o) => {
    const held = cache.get(key);
    if (!o?.forceRefresh && held && held.expiresAt.getTime() - Date.now() > MARGIN_MS)
      return held.accessToken;
    cache.delete(key);
    try {
      const fresh = await freshAccessToken(
        { db: ctx.db, secrets: ctx.secrets, config: ctx.config },
        connection,
      );
      for (const k of cache.keys()) if (k.startsWith(`${connection.id} `)) cache.delete(k);
      cache.set(key, fresh);
      return fresh.accessToken;
    } catch (err) {
      if (err instanceof ReconnectNeeded) throw new SyncError("auth", err.message);
      // No refresh token stored (never connected, or removed), or one no configured key opens: only
      // signing in again gives the connection one (R-P-4: not an unclassified failure).
      if (err instanceof SecretUnreadable)
        throw new SyncError("auth", "The connection's sign-in cannot be read: sign in again.", {
          cause: err,
        });
      throw err;
    }
  };
}
