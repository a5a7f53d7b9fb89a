import { basicCredentials, htmlPage, json, randomId, readForm } from "../shared/http.js";
import { htmlEscape } from "../shared/mail.js";
import type { OAuthClient, OAuthGrants } from "../shared/oauth-grants.js";
import type { Route } from "../shared/router.js";
import { type AadstsError, CODE_REDEMPTION_ERRORS, REVOCATION_ERRORS } from "./aadsts.js";
import { aadError } from "./errors.js";

/**
 * Microsoft identity platform v2.0 for a web app: `/{tenant}/oauth2/v2.0/authorize` and `/token`
 * with PKCE. A refresh token is only issued when `offline_access` was requested; every refresh
 * returns a new one (rotation) and the superseded one stays usable for `rotationGraceMs` only
 * ([UNV]: real old tokens live on until they expire; a short grace catches clients that do not
 * store the rotated token). Revocations answer `invalid_grant` with the AADSTS code of their cause.
 */
export type ConsentMode = "approve" | "deny" | "prompt";
export type RevocationCause = "consent" | "password" | "inactivity";

export type MicrosoftOAuthState = {
  grants: OAuthGrants;
  clients: Map<string, OAuthClient>;
  consent(): ConsentMode;
  defaultAccount(): string | null;
  hasAccount(email: string): boolean;
  accessTtlMs: number;
  rotationGraceMs: number;
};

const PATH = "/([^/]+)/oauth2/v2\\.0";

function authorize(state: MicrosoftOAuthState, url: URL): Response {
  const q = url.searchParams;
  const clientId = q.get("client_id") ?? "";
  const client = state.clients.get(clientId);
  if (!client) {
    return htmlPage(
      400,
      "AADSTS700016",
      `<p>Application with identifier '${htmlEscape(clientId)}' was not found in the directory.</p>`,
    );
  }
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!redirectUri || (client.redirectUris && !client.redirectUris.includes(redirectUri))) {
    return htmlPage(
      400,
      "AADSTS50011",
      "<p>The redirect URI specified in the request does not match the redirect URIs configured for the application.</p>",
    );
  }
  const back = new URL(redirectUri);
  const fail = (error: string, description: string) => {
    back.searchParams.set("error", error);
    back.searchParams.set("error_description", description);
    if (q.has("state")) back.searchParams.set("state", q.get("state")!);
    return new Response(null, { status: 302, headers: { location: back.toString() } });
  };
  if (q.get("response_type") !== "code")
    return fail(
      "unsupported_response_type",
      "AADSTS700054: response_type 'id_token' is not enabled for the application.",
    );
  const scope = q.get("scope");
  if (!scope)
    return fail(
      "invalid_request",
      "AADSTS900144: The request body must contain the following parameter: 'scope'.",
    );
  const challenge = q.get("code_challenge");
  const method = challenge ? (q.get("code_challenge_method") ?? "plain") : null;
  if (method && method !== "S256" && method !== "plain")
    return fail("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.");
  const account = (q.get("login_hint") ?? state.defaultAccount() ?? "").toLowerCase();
  if (!state.hasAccount(account))
    return htmlPage(400, "AADSTS50034", `<p>The user account ${htmlEscape(account)} does not exist.</p>`);

  const decision = q.get("emulator_consent") ?? (state.consent() === "prompt" ? null : state.consent());
  if (decision === null) {
    const link = (d: string) => {
      const to = new URL(url);
      to.searchParams.set("emulator_consent", d);
      return to.toString();
    };
    return htmlPage(
      200,
      "Permissions requested",
      `<p>${htmlEscape(account)}</p><p>${htmlEscape(scope)}</p><a id="approve" href="${htmlEscape(link("approve"))}">Accept</a> <a id="deny" href="${htmlEscape(link("deny"))}">Cancel</a>`,
    );
  }
  if (decision !== "approve")
    return fail("access_denied", "AADSTS65004: User declined to consent to access the app.");
  const { grant } = state.grants.grantFor(account, clientId, scope);
  const offline = scope.split(" ").includes("offline_access");
  const code = state.grants.issueCode(grant, redirectUri, challenge, method, offline);
  back.searchParams.set("code", code);
  if (q.has("state")) back.searchParams.set("state", q.get("state")!);
  back.searchParams.set("session_state", randomId(16));
  return new Response(null, { status: 302, headers: { location: back.toString() } });
}

const invalidGrant = ([code, description, suberror]: AadstsError) =>
  aadError("invalid_grant", code, description, 400, suberror);

async function token(state: MicrosoftOAuthState, request: Request): Promise<Response> {
  const form = await readForm(request);
  const basic = basicCredentials(request);
  const clientId = basic?.id ?? form.get("client_id") ?? "";
  const client = state.clients.get(clientId);
  if (!client)
    return aadError(
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory.`,
    );
  const secret = basic?.secret ?? form.get("client_secret");
  if (client.clientSecret !== undefined && client.clientSecret !== secret) {
    return aadError("invalid_client", 7000215, "Invalid client secret provided.", 401);
  }
  const issue = (grant: Parameters<OAuthGrants["issueAccess"]>[0], withRefresh: boolean) => {
    const access = state.grants.issueAccess(grant);
    const seconds = Math.floor(state.accessTtlMs / 1000);
    const scope = grant.scope
      .split(" ")
      .filter((s) => s !== "offline_access")
      .join(" ");
    const body: Record<string, unknown> = {
      token_type: "Bearer",
      scope,
      expires_in: seconds,
      ext_expires_in: seconds,
      access_token: access.token,
    };
    if (withRefresh) body.refresh_token = state.grants.issueRefresh(grant).token;
    return json(body);
  };
  const grantType = form.get("grant_type");
  if (grantType === "authorization_code") {
    const code = form.get("code");
    if (!code)
      return aadError(
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'code'.",
      );
    const result = state.grants.redeemCode(
      code,
      clientId,
      form.get("redirect_uri") ?? "",
      form.get("code_verifier"),
    );
    if (!result.ok) return invalidGrant(CODE_REDEMPTION_ERRORS[result.reason]);
    return issue(result.grant, result.offline);
  }
  if (grantType === "refresh_token") {
    const refresh = form.get("refresh_token");
    if (!refresh)
      return aadError(
        "invalid_request",
        900144,
        "The request body must contain the following parameter: 'refresh_token'.",
      );
    const check = state.grants.checkRefresh(refresh, state.rotationGraceMs);
    if (!check.ok) {
      const cause =
        check.reason === "revoked"
          ? (state.grants.grantOfToken(refresh)?.revoked ?? "revoked")
          : check.reason === "expired"
            ? "inactivity"
            : "malformed";
      return invalidGrant(REVOCATION_ERRORS[cause] ?? REVOCATION_ERRORS.revoked);
    }
    if (check.entry.grant.clientId !== clientId) return invalidGrant(REVOCATION_ERRORS.malformed);
    state.grants.supersede(check.entry);
    return issue(check.entry.grant, true);
  }
  return aadError(
    "unsupported_grant_type",
    70003,
    `The app requested an unsupported grant type '${grantType ?? ""}'.`,
  );
}

export function microsoftOAuthRoutes(state: MicrosoftOAuthState): Route<never>[] {
  return [
    {
      method: "GET",
      path: new RegExp(`^${PATH}/authorize$`),
      endpoint: "oauth.authorize",
      auth: false,
      handle: ({ url }) => authorize(state, url),
    },
    {
      method: "POST",
      path: new RegExp(`^${PATH}/token$`),
      endpoint: "oauth.token",
      auth: false,
      handle: ({ request }) => token(state, request),
    },
  ];
}
