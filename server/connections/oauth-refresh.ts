// A fresh access token for a Google or Microsoft connection, from its sealed refresh token. The
// refresh goes through refreshSecret: when the provider rotates the refresh token (Microsoft does)
// and two workers refresh at once, one write wins and the other carries on with the winner's token,
// so the newer token is never lost. A refresh token the provider no longer accepts (revoked, expired,
// password changed) raises ReconnectNeeded: the sync engine shows "reconnect needed" for it.
import * as oauth from "oauth4webapi";
import type { OAuthProvider } from "../../shared/api/connections.js";
import type { Config } from "../config.js";
import { refreshSecret, type SecretStoreContext } from "../secrets/store.js";
import { type Connection, SECRET } from "./connections.js";
import { oauthSetup } from "./oauth-providers.js";

/**
 * An authentication failure only the user can fix, by connecting the account again. Its message is
 * plain words, safe to show as the sync's reason (the sync engine's SyncError of kind "auth").
 */
export class ReconnectNeeded extends Error {
  readonly kind = "auth" as const;
  constructor(
    readonly connectionId: string,
    readonly provider: string,
    readonly providerError: string,
  ) {
    super(
      `${provider === "google" ? "Google" : "Microsoft"} no longer accepts Concilia's access to this account (it was withdrawn, expired, or the password changed): reconnect it.`,
    );
    this.name = "ReconnectNeeded";
  }
}

export interface AccessToken {
  accessToken: string;
  /** Use it until shortly before then; then ask again. */
  expiresAt: Date;
}

export async function freshAccessToken(
  ctx: SecretStoreContext & { config: Config },
  connection: Pick<Connection, "id" | "provider">,
): Promise<AccessToken> {
  const setup = oauthSetup(ctx.config, connection.provider as OAuthProvider);
  if (!setup)
    throw new Error(
      `Connection ${connection.id} is a ${connection.provider} account, but the server has no OAuth client for ${connection.provider}.`,
    );
  let answer: AccessToken | undefined;
  try {
    await refreshSecret(ctx, connection.id, SECRET.refreshToken, async (refreshToken) => {
      const response = await oauth.refreshTokenGrantRequest(
        setup.as,
        setup.client,
        setup.clientAuth,
        refreshToken,
        setup.options,
      );
      const tokens = await oauth.processRefreshTokenResponse(setup.as, setup.client, response);
      answer = {
        accessToken: tokens.access_token,
        expiresAt: new Date(Date.now() + (tokens.expires_in ?? 3600) * 1000),
      };
      // Google keeps the refresh token; a provider that rotates it answers its successor.
      return tokens.refresh_token ?? refreshToken;
    });
  } catch (err) {
    if (err instanceof oauth.ResponseBodyError && err.error === "invalid_grant")
      throw new ReconnectNeeded(connection.id, connection.provider, err.error);
    throw err;
  }
  return answer!;
}
