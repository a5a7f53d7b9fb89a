// R-CON: the signed-in user's connections to mail and calendar providers. Every query is scoped to
// that user: another user's connection is not found, for admins too (credentials are personal).
// Credentials go in and never come back out (R-CON-11). Google and Microsoft connect through OAuth
// (POST …/oauth/start, then the public callback page); the others with a password.
import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import {
  caldavAccountInput,
  caldavTestResult,
  connection,
  connectionInput,
  connectionPatch,
  connectionStopped,
  imapAccountInput,
  imapTestResult,
  oauthStart,
  oauthStartInput,
} from "../../shared/api/connections.js";
import { pageHeaders } from "../auth/own-page.js";
import { addPasswordConnection } from "../connections/add-account.js";
import { testCaldavAccount } from "../connections/add-caldav.js";
import { connectionDto, getConnection, listConnections, toDto } from "../connections/connections.js";
import { editConnection } from "../connections/edit.js";
import { testImapAccount } from "../connections/imap-test.js";
import {
  authorizationUrlOfState,
  finishOAuth,
  type OAuthOutcome,
  startOAuth,
  unknownSignIn,
} from "../connections/oauth-flow.js";
import { renderOAuthPage } from "../connections/oauth-page.js";
import { refusePop3 } from "../connections/refusals.js";
import { stopConnection } from "../connections/stop.js";
import type { AppContext } from "../context.js";
import { notFound } from "./problem.js";
import { route } from "./route.js";

const idParams = z.strictObject({ id: z.string().min(1).max(100) });

const IMAP_EXAMPLE = {
  host: "mail.acme-iberia.example",
  port: 993,
  tls: "implicit" as const,
  username: "ana@acme-iberia.example",
  password: "mail-account-password",
};

const CALDAV_EXAMPLE = {
  serverUrl: "https://dav.acme-iberia.example/remote.php/dav",
  username: "ana",
  password: "app-password-from-the-server",
};

export function connectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function owned(userId: string, id: string) {
    const c = await getConnection(ctx.db, userId, id);
    if (!c) throw notFound(`Connection ${id}`);
    return c;
  }

  route(app, {
    method: "GET",
    url: "/api/v1/connections",
    summary: "The signed-in user's connected mail and calendar accounts",
    tag: "connections",
    response: z.object({ items: z.array(connection) }),
    handler: async ({ user }) => ({ items: (await listConnections(ctx.db, user.id)).map(toDto) }),
  });

  route(app, {
    method: "GET",
    url: "/api/v1/connections/{id}",
    summary: "One of the signed-in user's connections",
    tag: "connections",
    params: idParams,
    response: connection,
    handler: async ({ user, params }) => connectionDto(ctx.db, await owned(user.id, params.id)),
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections",
    summary:
      "Connect an iCloud or Yahoo account (app-specific password), an IMAP mailbox (mail only) or an Other CalDAV server (calendars only); the connectivity test runs first",
    tag: "connections",
    body: connectionInput,
    status: 201,
    response: connection,
    errors: [409, 422],
    example: {
      provider: "imap",
      accountAddress: "ana@acme-iberia.example",
      syncs: "email",
      ...IMAP_EXAMPLE,
    },
    handler: async ({ user, body, req }) => {
      const created = await addPasswordConnection(ctx, user, body);
      req.log.info({ connectionId: created.id, provider: created.provider }, "connection created");
      return connectionDto(ctx.db, created);
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/test",
    summary: "R-CON-6: test an IMAP account before saving it: green, or red with the failing step",
    tag: "connections",
    body: imapAccountInput,
    response: imapTestResult,
    errors: [422],
    example: IMAP_EXAMPLE,
    handler: async ({ body }) => {
      refusePop3(body);
      const { protocol: _, ...account } = body;
      return testImapAccount(ctx.imapTester, account);
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/caldav-test",
    summary:
      "R-CON-6: test an Other CalDAV server account before saving it: green with its calendars, or red naming the failing step (lookup, connection, discovery, login, calendar home)",
    tag: "connections",
    body: caldavAccountInput,
    response: caldavTestResult,
    example: CALDAV_EXAMPLE,
    handler: async ({ body }) => testCaldavAccount(ctx, body),
  });

  route(app, {
    method: "PATCH",
    url: "/api/v1/connections/{id}",
    summary: "Change what a connection syncs, which calendars, where new meetings go, how far back",
    tag: "connections",
    params: idParams,
    body: connectionPatch,
    response: connection,
    errors: [409, 422],
    example: { syncs: "email", backfillDays: 60 },
    handler: async ({ user, params, body }) => {
      const updated = await editConnection(ctx.db, user.id, await owned(user.id, params.id), body);
      return connectionDto(ctx.db, updated);
    },
  });

  route(app, {
    method: "DELETE",
    url: "/api/v1/connections/{id}",
    summary:
      "R-CON-10: stop syncing: revoke what the provider allows, delete the credentials; synced items stay",
    tag: "connections",
    params: idParams,
    response: connectionStopped,
    handler: async ({ user, params, req }) => {
      const stopped = await stopConnection(ctx, user.id, await owned(user.id, params.id));
      if (!stopped) throw notFound(`Connection ${params.id}`);
      req.log.info(
        { connectionId: stopped.id, provider: stopped.provider, revocation: stopped.revocation },
        "connection stopped",
      );
      return stopped;
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/oauth/start",
    summary:
      "Start connecting (or reconnecting) a Google or Microsoft account: open the answer's URL in a popup or the Outlook dialog",
    tag: "connections",
    body: oauthStartInput,
    response: oauthStart,
    errors: [404, 422, 503],
    example: { provider: "google", syncs: "both" },
    handler: async ({ user, body }) => startOAuth(ctx, user, body),
  });

  // The Outlook dialog opens here (the add-in's domain) and goes on to the provider.
  // Their URLs carry the state and the authorization code: kept out of the request log lines.
  const quiet = { logLevel: "warn" as const };
  app.get("/connections/oauth/authorize", quiet, async (req, reply) => {
    const state = (req.query as Record<string, unknown>)?.state;
    const target = typeof state === "string" ? await authorizationUrlOfState(ctx, state) : null;
    if (target) return reply.header("cache-control", "no-store").redirect(target, 302);
    // An unknown, used or expired sign-in: the callback's page says so in plain words.
    return sendOAuthPage(reply, unknownSignIn(req.headers["accept-language"]));
  });

  // The provider sends the browser back here: a page, not an API call, so it is public and the user
  // is the one who started the sign-in with this state.
  app.get("/connections/oauth/callback", quiet, async (req, reply) => {
    const outcome = await finishOAuth(ctx, (req.query ?? {}) as Record<string, unknown>);
    return sendOAuthPage(reply, outcome);
  });

  function sendOAuthPage(reply: FastifyReply, outcome: OAuthOutcome) {
    const nonce = randomBytes(16).toString("base64");
    return reply
      .code(outcome.status)
      .headers(pageHeaders(nonce))
      .send(
        renderOAuthPage({
          locale: outcome.locale,
          opener: outcome.opener,
          nonce,
          targetOrigin: new URL(ctx.config.publicUrl).origin,
          message: outcome.message,
          signedInAs: outcome.signedInAs,
          expected: outcome.expected,
        }),
      );
  }
}
