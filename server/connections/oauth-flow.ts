// R-CON-3, R-CON-8: connecting a Google or Microsoft account with the OAuth 2.0 authorization code
// flow, PKCE (S256) and state (oauth4webapi). Start stores the state (hashed) and the code verifier,
// bound to the user, for ten minutes and one use; the callback, a public page, finds the user by that
// state, exchanges the code, reads the account's address, and creates the connection or, for a
// reconnect, stores the new refresh token as a new version of the same connection's secret, so the
// sync engine carries on from its saved cursors.
import { createHash } from "node:crypto";
import { and, eq, lt } from "drizzle-orm";
import * as oauth from "oauth4webapi";
import type { ConnectionSyncs, OAuthResultMessage, OAuthStartInput } from "../../shared/api/connections.js";
import { pickLocale } from "../../shared/i18n.js";
import { HttpProblem, notFound, unprocessable } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { connectionSecrets, oauthStates } from "../db/schema.js";
import { putSecret, SecretVersionConflict } from "../secrets/store.js";
import { URGENT } from "../sync/priority.js";
import { queueSync } from "../sync/trigger.js";
import {
  type Connection,
  connectionForAccount,
  getConnection,
  insertConnection,
  SECRET,
  updateConnection,
} from "./connections.js";
import { exchangeScopesFor } from "./exchange-consent.js";
import type { OAuthFailure } from "./oauth-page.js";
import { accountOf, missingScopes, type OAuthSetup, oauthSetup, redirectUri } from "./oauth-providers.js";

export const STATE_LIFETIME_MS = 10 * 60 * 1000;

const hashState = (state: string) => createHash("sha256").update(state).digest("hex");

function setupOrUnavailable(ctx: AppContext, provider: OAuthStartInput["provider"]) {
  const setup = oauthSetup(ctx.config, provider);
  if (!setup)
    throw new HttpProblem(
      503,
      "Service unavailable",
      `This server is not set up to connect ${provider === "google" ? "Google" : "Microsoft"} accounts: an admin must register the application and set ${provider.toUpperCase()}_OAUTH_CLIENT_ID and ${provider.toUpperCase()}_OAUTH_CLIENT_SECRET (docs/providers.md).`,
    );
  return setup;
}

export async function startOAuth(
  ctx: AppContext,
  user: AuthUser,
  input: OAuthStartInput,
): Promise<{ authorizationUrl: string; dialogUrl: string; expiresAt: string }> {
  const setup = setupOrUnavailable(ctx, input.provider);
  let reconnect: Connection | null = null;
  if (input.connectionId) {
    reconnect = await getConnection(ctx.db, user.id, input.connectionId);
    if (!reconnect) throw notFound(`Connection ${input.connectionId}`);
    if (reconnect.provider !== input.provider)
      throw unprocessable(
        `Connection ${reconnect.id} is a ${reconnect.provider} account, not ${input.provider}.`,
        [{ path: "body.provider", message: `must be ${reconnect.provider} for this connection` }],
      );
  }
  const syncs = input.syncs ?? reconnect?.syncs ?? "both";
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const expiresAt = new Date(Date.now() + STATE_LIFETIME_MS);
  // Sign-ins that were never finished are forgotten as new ones start.
  await ctx.db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date()));
  await ctx.db.insert(oauthStates).values({
    stateHash: hashState(state),
    userId: user.id,
    provider: input.provider,
    syncs,
    connectionId: reconnect?.id ?? null,
    codeVerifier,
    opener: input.opener,
    locale: pickLocale(user.locale),
    expiresAt,
  });
  return {
    authorizationUrl: await authorizationUrl(ctx, setup, state, {
      syncs,
      codeVerifier,
      extraScopes: await exchangeScopesFor(ctx.db, ctx.config, reconnect),
      loginHint: reconnect?.accountAddress,
    }),
    dialogUrl: `${ctx.config.publicUrl}/connections/oauth/authorize?state=${encodeURIComponent(state)}`,
    expiresAt: expiresAt.toISOString(),
  };
}

async function authorizationUrl(
  ctx: AppContext,
  setup: OAuthSetup,
  state: string,
  o: { syncs: ConnectionSyncs; codeVerifier: string; loginHint?: string; extraScopes?: string[] },
): Promise<string> {
  const url = new URL(setup.as.authorization_endpoint!);
  const params: Record<string, string> = {
    client_id: setup.client.client_id,
    redirect_uri: redirectUri(ctx.config),
    response_type: "code",
    scope: [...setup.scopes(o.syncs), ...(o.extraScopes ?? [])].join(" "),
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(o.codeVerifier),
    code_challenge_method: "S256",
    ...setup.authorizationParams,
    ...(o.loginHint ? { login_hint: o.loginHint } : {}),
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/**
 * The provider's authorization URL of a sign-in under way, from Concilia's own origin: an Outlook
 * dialog must open on the add-in's domain before it may go elsewhere. Null for an unknown, used or
 * expired state. The state is not used up here: the callback does that.
 */
export async function authorizationUrlOfState(ctx: AppContext, state: string): Promise<string | null> {
  const [row] = await ctx.db
    .select()
    .from(oauthStates)
    .where(eq(oauthStates.stateHash, hashState(state)));
  if (!row || row.expiresAt.getTime() <= Date.now()) return null;
  const setup = oauthSetup(ctx.config, row.provider);
  if (!setup) return null;
  const reconnect = row.connectionId ? await getConnection(ctx.db, row.userId, row.connectionId) : null;
  return authorizationUrl(ctx, setup, state, {
    syncs: row.syncs,
    codeVerifier: row.codeVerifier,
    extraScopes: await exchangeScopesFor(ctx.db, ctx.config, reconnect),
    loginHint: reconnect?.accountAddress,
  });
}

export interface OAuthOutcome {
  status: number;
  locale: ReturnType<typeof pickLocale>;
  opener: "web" | "office";
  message: OAuthResultMessage;
  signedInAs?: string;
  expected?: string;
}

/** The page for a sign-in that is unknown, used up or expired (the row, if any, gives the language). */
export function unknownSignIn(
  locale: string | null | undefined,
  opener: "web" | "office" = "web",
): OAuthOutcome {
  return {
    status: 400,
    locale: pickLocale(locale),
    opener,
    message: { type: "concilia:connection", ok: false, error: "invalid_state" },
  };
}

/** Takes the state's row away: a state works once, for its user, before it expires. */
async function consumeState(ctx: AppContext, state: string) {
  const [row] = await ctx.db
    .delete(oauthStates)
    .where(eq(oauthStates.stateHash, hashState(state)))
    .returning();
  return row && row.expiresAt.getTime() > Date.now() ? row : null;
}

/** Stores the refresh token as the next version of the connection's secret, whatever version is there now. */
async function storeRefreshToken(ctx: AppContext, connectionId: string, token: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const [current] = await ctx.db
      .select({ version: connectionSecrets.version })
      .from(connectionSecrets)
      .where(
        and(
          eq(connectionSecrets.connectionId, connectionId),
          eq(connectionSecrets.name, SECRET.refreshToken),
        ),
      );
    try {
      await putSecret(ctx, connectionId, SECRET.refreshToken, token, current?.version ?? null);
      return;
    } catch (err) {
      // A worker refreshed the old token meanwhile: the new consent still wins.
      if (!(err instanceof SecretVersionConflict) || attempt >= 2) throw err;
    }
  }
}

/** The callback: what to show on the page. Never throws for what the provider or the user did. */
export async function finishOAuth(ctx: AppContext, query: Record<string, unknown>): Promise<OAuthOutcome> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (typeof v === "string") params.set(k, v);
  const state = params.get("state");
  const row = state ? await consumeState(ctx, state) : null;
  const fail = (error: OAuthFailure, extra: Partial<OAuthOutcome> = {}): OAuthOutcome => ({
    status: 400,
    locale: pickLocale(row?.locale),
    opener: row?.opener ?? "web",
    message: { type: "concilia:connection", ok: false, error },
    ...extra,
  });
  if (!state || !row) {
    ctx.log.warn({ hasState: !!state }, "OAuth callback with an unknown, used or expired state");
    return fail("invalid_state");
  }
  const setup = oauthSetup(ctx.config, row.provider);
  if (!setup) return fail("provider_error");

  let tokens: oauth.TokenEndpointResponse;
  try {
    const callback = oauth.validateAuthResponse(setup.as, setup.client, params, state);
    const response = await oauth.authorizationCodeGrantRequest(
      setup.as,
      setup.client,
      setup.clientAuth,
      callback,
      redirectUri(ctx.config),
      row.codeVerifier,
      setup.options,
    );
    tokens = await oauth.processAuthorizationCodeResponse(setup.as, setup.client, response);
  } catch (err) {
    const code =
      err instanceof oauth.AuthorizationResponseError || err instanceof oauth.ResponseBodyError
        ? err.error
        : "";
    ctx.log.warn(
      { userId: row.userId, provider: row.provider, error: code || (err as Error).message },
      "OAuth sign-in for a connection failed",
    );
    if (code === "access_denied") return fail("access_denied");
    if (code === "invalid_grant") return fail("invalid_grant");
    return fail("provider_error");
  }
  if (!tokens.refresh_token) return fail("no_refresh_token");
  const account = await accountOf(setup, tokens).catch(() => null);
  if (!account) return fail("provider_error");

  const grantedScopes = tokens.scope ? tokens.scope.split(" ") : setup.scopes(row.syncs);
  // Google lets the user untick a permission on the consent screen.
  if (missingScopes(row.provider, grantedScopes, row.syncs).length) return fail("missing_permissions");
  let connection = row.connectionId ? await getConnection(ctx.db, row.userId, row.connectionId) : null;
  if (row.connectionId && !connection) return fail("invalid_state");
  if (connection && connection.accountAddress !== account.address)
    return fail("account_mismatch", { signedInAs: account.address, expected: connection.accountAddress });
  // Connecting an account that is already connected renews that connection: never a second one.
  connection ??= await connectionForAccount(ctx.db, row.userId, row.provider, account.address);
  const created = connection
    ? null
    : await ctx.db.transaction(async (tx) => {
        const inserted = await insertConnection(tx, row.userId, {
          provider: row.provider,
          accountAddress: account.address,
          displayName: account.name,
          syncs: row.syncs,
          grantedScopes,
        });
        if (!inserted) return inserted;
        await putSecret(
          { db: tx, secrets: ctx.secrets },
          inserted.id,
          SECRET.refreshToken,
          tokens.refresh_token!,
          null,
        );
        // The first sync starts now, not at the next tick.
        await queueSync(ctx, tx, inserted.id);
        return inserted;
      });
  const renewed = !created;
  // Another sign-in may have connected the account at this very moment: renew that one.
  connection =
    created ?? connection ?? (await connectionForAccount(ctx.db, row.userId, row.provider, account.address))!;
  if (renewed) {
    await updateConnection(ctx.db, row.userId, connection.id, { syncs: row.syncs, grantedScopes });
    await storeRefreshToken(ctx, connection.id, tokens.refresh_token);
    // A sync waiting for the user to reconnect resumes now, from its saved cursors.
    const id = connection.id;
    await ctx.db.transaction((tx) => queueSync(ctx, tx, id, URGENT));
  }
  ctx.log.info(
    { userId: row.userId, connectionId: connection.id, provider: row.provider, renewed },
    renewed ? "connection re-authorised" : "connection created",
  );
  return {
    status: 200,
    locale: pickLocale(row.locale),
    opener: row.opener,
    message: {
      type: "concilia:connection",
      ok: true,
      connectionId: connection.id,
      accountAddress: account.address,
    },
  };
}
