// R-CON-3: Google and Microsoft as OAuth 2.0 authorization servers (oauth4webapi), from
// configuration only, so that the real services and the emulators take one code path: endpoints,
// client, the scopes each choice of R-CON-2 needs, and how the account's address is read.
import * as oauth from "oauth4webapi";
import type { ConnectionSyncs, OAuthProvider } from "../../shared/api/connections.js";
import type { Config } from "../config.js";

export interface OAuthSetup {
  provider: OAuthProvider;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** For every request to the provider: plain http only where the configuration says so (an emulator). */
  options: { [oauth.allowInsecureRequests]?: boolean };
  /** The scopes to ask for: sign-in (the account's address), offline access, and the data of `syncs`. */
  scopes(syncs: ConnectionSyncs): string[];
  /** Parameters of the authorization request beyond the protocol's own. */
  authorizationParams: Record<string, string>;
  /** Where the account's address is read when the ID token has none. */
  profileUrl: string;
  /** Google revokes a token at its revocation endpoint; Microsoft has none for a refresh token. */
  revokes: boolean;
}

export const GOOGLE_ISSUER = "https://accounts.google.com";
const GOOGLE_SCOPE = "https://www.googleapis.com/auth/";

/** The data scopes `syncs` needs, by their short names (what follows the last "/"). */
export function dataScopes(provider: OAuthProvider, syncs: ConnectionSyncs): string[] {
  const mail = syncs !== "calendar";
  const calendar = syncs !== "email";
  if (provider === "google") return [...(mail ? ["gmail.readonly"] : []), ...(calendar ? ["calendar"] : [])];
  return [...(mail ? ["Mail.Read"] : []), ...(calendar ? ["Calendars.ReadWrite"] : [])];
}

const shortScope = (s: string) => s.slice(s.lastIndexOf("/") + 1).toLowerCase();

/** The data scopes `syncs` needs that were not granted: a new consent (reconnect) is needed first. */
export function missingScopes(provider: OAuthProvider, granted: string[], syncs: ConnectionSyncs): string[] {
  const have = new Set(granted.map(shortScope));
  return dataScopes(provider, syncs).filter((s) => !have.has(shortScope(s)));
}

const insecure = (...urls: string[]) =>
  urls.some((u) => u.startsWith("http:")) ? { [oauth.allowInsecureRequests]: true as const } : {};

function google(config: Config): OAuthSetup | null {
  if (!config.GOOGLE_OAUTH_CLIENT_ID || !config.GOOGLE_OAUTH_CLIENT_SECRET) return null;
  const as: oauth.AuthorizationServer = {
    issuer: GOOGLE_ISSUER,
    authorization_endpoint: config.GOOGLE_AUTH_URL,
    token_endpoint: config.GOOGLE_TOKEN_URL,
    revocation_endpoint: config.GOOGLE_REVOKE_URL,
    userinfo_endpoint: `${config.GOOGLE_API_URL}/oauth2/v3/userinfo`,
  };
  return {
    provider: "google",
    as,
    client: { client_id: config.GOOGLE_OAUTH_CLIENT_ID },
    clientAuth: oauth.ClientSecretPost(config.GOOGLE_OAUTH_CLIENT_SECRET),
    options: insecure(
      config.GOOGLE_AUTH_URL,
      config.GOOGLE_TOKEN_URL,
      config.GOOGLE_REVOKE_URL,
      config.GOOGLE_API_URL,
    ),
    scopes: (syncs) => ["openid", "email", ...dataScopes("google", syncs).map((s) => GOOGLE_SCOPE + s)],
    // A refresh token comes only with offline access, and again on a new consent only with prompt=consent.
    authorizationParams: { access_type: "offline", prompt: "consent" },
    profileUrl: `${config.GOOGLE_API_URL}/oauth2/v3/userinfo`,
    revokes: true,
  };
}

const TENANT_ALIASES = new Set(["common", "organizations", "consumers"]);

function microsoft(config: Config): OAuthSetup | null {
  if (!config.MICROSOFT_OAUTH_CLIENT_ID || !config.MICROSOFT_OAUTH_CLIENT_SECRET) return null;
  const authority = config.MICROSOFT_LOGIN_URL;
  const tenant = authority.slice(authority.lastIndexOf("/") + 1).toLowerCase();
  const origin = new URL(authority).origin;
  const as: oauth.AuthorizationServer = {
    issuer: `${authority}/v2.0`,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    token_endpoint: `${authority}/oauth2/v2.0/token`,
  };
  // Through a multi-tenant authority (common, organizations, consumers) the ID token is issued by the
  // account's own tenant: oauth4webapi's hook for such issuers (what openid-client uses for Entra).
  if (TENANT_ALIASES.has(tenant))
    (as as unknown as Record<symbol, unknown>)[
      (oauth as unknown as { _expectedIssuer: symbol })._expectedIssuer
    ] = (result: { claims: Record<string, unknown> }) =>
      `${origin}/${String(result.claims.tid ?? tenant)}/v2.0`;
  return {
    provider: "microsoft",
    as,
    client: { client_id: config.MICROSOFT_OAUTH_CLIENT_ID },
    clientAuth: oauth.ClientSecretPost(config.MICROSOFT_OAUTH_CLIENT_SECRET),
    options: insecure(authority, config.GRAPH_URL),
    scopes: (syncs) => ["openid", "email", "profile", "offline_access", ...dataScopes("microsoft", syncs)],
    authorizationParams: { prompt: "select_account" },
    profileUrl: `${config.GRAPH_URL}/me`,
    revokes: false,
  };
}

/** The provider's OAuth set-up; null when the server has no client for it (see docs/providers.md). */
export function oauthSetup(config: Config, provider: OAuthProvider): OAuthSetup | null {
  return provider === "google" ? google(config) : microsoft(config);
}

export const redirectUri = (config: Config) => `${config.publicUrl}/connections/oauth/callback`;

/** The account's address and name: from the ID token, else from the provider's profile endpoint. */
export async function accountOf(
  setup: OAuthSetup,
  tokens: oauth.TokenEndpointResponse,
): Promise<{ address: string; name: string } | null> {
  const claims = oauth.getValidatedIdTokenClaims(tokens) as Record<string, unknown> | undefined;
  const fromClaims =
    setup.provider === "google"
      ? claims?.email_verified === false
        ? undefined
        : claims?.email
      : (claims?.email ?? claims?.preferred_username);
  if (typeof fromClaims === "string" && fromClaims.includes("@"))
    return { address: fromClaims.toLowerCase(), name: typeof claims?.name === "string" ? claims.name : "" };
  const res = await oauth.protectedResourceRequest(
    tokens.access_token,
    "GET",
    new URL(setup.profileUrl),
    new Headers({ accept: "application/json" }),
    null,
    setup.options,
  );
  if (!res.ok) return null;
  const profile = (await res.json()) as Record<string, unknown>;
  const address =
    setup.provider === "google"
      ? profile.email_verified === false
        ? undefined
        : profile.email
      : (profile.mail ?? profile.userPrincipalName);
  if (typeof address !== "string" || !address.includes("@")) return null;
  const name = typeof profile.name === "string" ? profile.name : profile.displayName;
  return { address: address.toLowerCase(), name: typeof name === "string" ? name : "" };
}
