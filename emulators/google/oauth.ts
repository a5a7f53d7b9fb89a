import { basicCredentials, htmlPage, json, readForm } from "../shared/http.js";
import { htmlEscape } from "../shared/mail.js";
import type { OAuthClient, OAuthGrants } from "../shared/oauth-grants.js";
import type { Route } from "../shared/router.js";
import { oauthError } from "./errors.js";

/**
 * Google OAuth 2.0 for a web server app: the authorization endpoint (auto-approving, denying or
 * showing a consent page, per `consent`), the token endpoint (authorization_code with PKCE,
 * refresh_token) and the revocation endpoint. A refresh token is only issued with
 * `access_type=offline`, and only on the first consent unless `prompt=consent` (the real rule).
 */
export type ConsentMode = "approve" | "deny" | "prompt";

export type GoogleOAuthState = {
  grants: OAuthGrants;
  clients: Map<string, OAuthClient>;
  consent(): ConsentMode;
  /** Chosen when the request has no login_hint (the signed-in browser user). */
  defaultAccount(): string | null;
  hasAccount(email: string): boolean;
  accessTtlMs: number;
  refreshTtlMs: number;
};

function redirect(to: URL): Response {
  return new Response(null, { status: 302, headers: { location: to.toString() } });
}

function authorize(state: GoogleOAuthState, url: URL): Response {
  const q = url.searchParams;
  const client = state.clients.get(q.get("client_id") ?? "");
  if (!client) return htmlPage(401, "Error 401: invalid_client", "<p>The OAuth client was not found.</p>");
  const redirectUri = q.get("redirect_uri") ?? "";
  if (!redirectUri || (client.redirectUris && !client.redirectUris.includes(redirectUri))) {
    return htmlPage(400, "Error 400: redirect_uri_mismatch");
  }
  const back = new URL(redirectUri);
  const fail = (error: string) => {
    if (q.has("state")) back.searchParams.set("state", q.get("state")!);
    back.searchParams.set("error", error);
    return redirect(back);
  };
  if (q.get("response_type") !== "code") return fail("unsupported_response_type");
  const scope = q.get("scope");
  if (!scope) return htmlPage(400, "Error 400: invalid_request", "<p>Missing required parameter: scope</p>");
  const challenge = q.get("code_challenge");
  const method = challenge ? (q.get("code_challenge_method") ?? "plain") : null;
  if (method && method !== "S256" && method !== "plain") return fail("invalid_request");
  const account = (q.get("login_hint") ?? state.defaultAccount() ?? "").toLowerCase();
  if (!state.hasAccount(account))
    return htmlPage(400, "Error 400: no such account", `<p>${htmlEscape(account)}</p>`);

  const decision = q.get("emulator_consent") ?? (state.consent() === "prompt" ? null : state.consent());
  if (decision === null) {
    const approve = new URL(url);
    approve.searchParams.set("emulator_consent", "approve");
    const deny = new URL(url);
    deny.searchParams.set("emulator_consent", "deny");
    return htmlPage(
      200,
      "Concilia Emulator wants to access your Google Account",
      `<p>${htmlEscape(account)}</p><p>${htmlEscape(scope)}</p><a id="approve" href="${htmlEscape(approve.toString())}">Allow</a> <a id="deny" href="${htmlEscape(deny.toString())}">Cancel</a>`,
    );
  }
  if (decision !== "approve") return fail("access_denied");

  const { grant, first } = state.grants.grantFor(account, client.clientId, scope);
  const prompts = (q.get("prompt") ?? "").split(" ");
  const offline = q.get("access_type") === "offline" && (first || prompts.includes("consent"));
  // Tokens carry what was asked for, plus earlier grants only with include_granted_scopes=true.
  const tokenScope = q.get("include_granted_scopes") === "true" ? grant.scope : scope.split(/\s+/).join(" ");
  const code = state.grants.issueCode(grant, redirectUri, challenge, method, offline, tokenScope);
  if (q.has("state")) back.searchParams.set("state", q.get("state")!);
  back.searchParams.set("iss", "https://accounts.google.com");
  back.searchParams.set("code", code);
  back.searchParams.set("scope", tokenScope);
  back.searchParams.set("authuser", "0");
  back.searchParams.set("prompt", first ? "consent" : "none");
  return redirect(back);
}

function authenticateClient(state: GoogleOAuthState, request: Request, form: URLSearchParams) {
  const basic = basicCredentials(request);
  const id = basic?.id ?? form.get("client_id") ?? "";
  const secret = basic?.secret ?? form.get("client_secret");
  const client = state.clients.get(id);
  if (!client) return oauthError("invalid_client", "The OAuth client was not found.", 401);
  if (client.clientSecret !== undefined && client.clientSecret !== secret) {
    return oauthError("invalid_client", "Unauthorized", 401);
  }
  return client;
}

async function token(state: GoogleOAuthState, request: Request): Promise<Response> {
  const form = await readForm(request);
  const client = authenticateClient(state, request, form);
  if (client instanceof Response) return client;
  const grantType = form.get("grant_type");
  const times = { expires_in: Math.floor(state.accessTtlMs / 1000), token_type: "Bearer" };
  if (grantType === "authorization_code") {
    const code = form.get("code");
    if (!code) return oauthError("invalid_request", "Missing required parameter: code");
    const result = state.grants.redeemCode(
      code,
      client.clientId,
      form.get("redirect_uri") ?? "",
      form.get("code_verifier"),
    );
    if (!result.ok) {
      if (result.reason === "redirect") return oauthError("redirect_uri_mismatch", "Bad Request");
      if (result.reason === "verifier-missing") return oauthError("invalid_grant", "Missing code verifier.");
      if (result.reason === "verifier") return oauthError("invalid_grant", "Invalid code verifier.");
      if (result.reason === "client") return oauthError("unauthorized_client", "Unauthorized");
      return oauthError(
        "invalid_grant",
        result.reason === "expired" ? "Token has been expired or revoked." : "Bad Request",
      );
    }
    const access = state.grants.issueAccess(result.grant, result.scope);
    const body: Record<string, unknown> = { access_token: access.token, ...times, scope: result.scope };
    if (result.offline) {
      body.refresh_token = state.grants.issueRefresh(result.grant, result.scope).token;
      if (Number.isFinite(state.refreshTtlMs))
        body.refresh_token_expires_in = Math.floor(state.refreshTtlMs / 1000);
    }
    return json(body);
  }
  if (grantType === "refresh_token") {
    const refresh = form.get("refresh_token");
    if (!refresh) return oauthError("invalid_request", "Missing required parameter: refresh_token");
    const check = state.grants.checkRefresh(refresh);
    if (!check.ok || check.entry.grant.clientId !== client.clientId) {
      return oauthError("invalid_grant", check.ok ? "Unauthorized" : "Token has been expired or revoked.");
    }
    const access = state.grants.issueAccess(check.entry.grant, check.entry.scope);
    return json({ access_token: access.token, ...times, scope: check.entry.scope });
  }
  return oauthError("unsupported_grant_type", `Invalid grant_type: ${grantType ?? ""}`);
}

async function revoke(state: GoogleOAuthState, request: Request, url: URL): Promise<Response> {
  const form = await readForm(request);
  const tokenValue = form.get("token") ?? url.searchParams.get("token") ?? "";
  const grant = state.grants.grantOfToken(tokenValue);
  if (!grant || grant.revoked) return oauthError("invalid_token", "Token expired or revoked");
  grant.revoked = "revoked";
  return json({});
}

export function googleOAuthRoutes(state: GoogleOAuthState): Route<never>[] {
  return [
    {
      method: "GET",
      path: /^\/o\/oauth2(?:\/v2)?\/auth$/,
      endpoint: "oauth.authorize",
      auth: false,
      handle: ({ url }) => authorize(state, url),
    },
    {
      method: "POST",
      path: /^\/token$/,
      endpoint: "oauth.token",
      auth: false,
      handle: ({ request }) => token(state, request),
    },
    {
      method: "POST",
      path: /^\/revoke$/,
      endpoint: "oauth.revoke",
      auth: false,
      handle: ({ request, url }) => revoke(state, request, url),
    },
  ];
}
