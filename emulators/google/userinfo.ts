import { json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import type { GmailCaller } from "./gmail-account.js";

/**
 * OpenID Connect's userinfo endpoint (`/oauth2/v3/userinfo`): where a client that got no ID token
 * reads the signed-in account's address, as Concilia's connect flow does. Any valid access token
 * answers, as with Google once `openid email` was granted.
 */
export function googleUserinfoRoute(): Route<GmailCaller> {
  return {
    method: "GET",
    path: /^\/oauth2\/v3\/userinfo$/,
    endpoint: "oauth.userinfo",
    auth: true,
    handle: ({ account }) =>
      json({
        sub: account!.email,
        email: account!.email,
        email_verified: true,
        name: account!.mailbox.displayName,
      }),
  };
}
