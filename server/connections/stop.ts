// R-CON-10: stopping a connection. What the provider lets us revoke is revoked (Google's token
// revocation endpoint); Microsoft has no endpoint that revokes a refresh token, and an app password
// is revoked by the user at the provider. Then the connection and its credentials are deleted (its
// sync state goes with it); every item already synced stays in the CRM: activities and events do
// not belong to a connection. Before that, the provider is told to stop pushing (stop-push.ts).
import * as oauth from "oauth4webapi";
import type { ConnectionStopped } from "../../shared/api/connections.js";
import type { AppContext } from "../context.js";
import { getSecret } from "../secrets/store.js";
import { type Connection, deleteConnection, SECRET } from "./connections.js";
import { oauthSetup } from "./oauth-providers.js";
import { appPasswordProfiles } from "./profiles.js";
import { type PushStop, stopPush } from "./stop-push.js";

type Revocation = ConnectionStopped["revocation"];

async function revokeAtGoogle(ctx: AppContext, c: Connection): Promise<Revocation> {
  const setup = oauthSetup(ctx.config, "google");
  if (!setup) return "failed";
  try {
    const secret = await getSecret(ctx, c.id, SECRET.refreshToken);
    if (!secret) return "failed";
    const response = await oauth.revocationRequest(
      setup.as,
      setup.client,
      setup.clientAuth,
      secret.value,
      setup.options,
    );
    await oauth.processRevocationResponse(response);
    return "revoked";
  } catch (err) {
    // invalid_token: the user revoked it already; either way the credentials are deleted below.
    const code = err instanceof oauth.ResponseBodyError ? err.error : (err as Error).message;
    if (code === "invalid_token") return "revoked";
    ctx.log.warn({ connectionId: c.id, error: code }, "Google did not revoke a stopped connection's token");
    return "failed";
  }
}

function pushNote(c: Connection, push: PushStop): string {
  if (push !== "failed") return "";
  return c.provider === "google"
    ? " Gmail could not be told to stop sending change notifications just now; they end by themselves within 7 days and are ignored."
    : " Microsoft could not be told to stop sending change notifications just now; they end by themselves within 3 days and are ignored.";
}

function message(c: Connection, revocation: Revocation, push: PushStop): string {
  const done = `Sync with ${c.accountAddress} stopped and its stored credentials were deleted; everything already synced stays in the CRM.${pushNote(c, push)}`;
  switch (revocation) {
    case "revoked":
      return `${done} Google's access for Concilia was revoked.`;
    case "failed":
      return `${done} Google could not revoke Concilia's access just now: remove it at https://myaccount.google.com/permissions.`;
    case "unsupported":
      return `${done} Microsoft offers apps no way to revoke their own access: remove Concilia at https://myapps.microsoft.com (work or school account) or https://account.live.com/consent/Manage (personal account).`;
    default: {
      const profile =
        c.provider === "icloud" || c.provider === "yahoo" ? appPasswordProfiles[c.provider] : null;
      if (profile)
        return `${done} The app password still works until you delete it (${profile.passwordHelp}).`;
      return c.provider === "caldav"
        ? `${done} Concilia no longer holds the calendar server's password; an app password made for Concilia still works until you delete it on that server.`
        : `${done} Concilia no longer holds the mail account's password.`;
    }
  }
}

/** Stops the user's connection; null when the user has no such connection. */
export async function stopConnection(
  ctx: AppContext,
  userId: string,
  connection: Connection,
): Promise<ConnectionStopped | null> {
  // Needs the token and the subscription rows, so it comes before the revocation and the deletion.
  const push = await stopPush(ctx, connection);
  const revocation: Revocation =
    connection.provider === "google"
      ? await revokeAtGoogle(ctx, connection)
      : connection.provider === "microsoft"
        ? "unsupported"
        : "not-applicable";
  if (!(await deleteConnection(ctx.db, userId, connection.id))) return null;
  return {
    id: connection.id,
    provider: connection.provider as ConnectionStopped["provider"],
    accountAddress: connection.accountAddress,
    credentialsDeleted: true,
    revocation,
    message: message(connection, revocation, push),
  };
}
