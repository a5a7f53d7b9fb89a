// R-SB-7 sign-in: the dialog's login page and its one-time code, the code-for-token exchange, and the
// signed-in user's view of themself and of their tokens. No answer carries a secret or a hash.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { linkedIdentity } from "../../shared/api/identities.js";
import { type Locale, locales, pickLocale } from "../../shared/i18n.js";
import { type VerifiedIdentity, verifyIdToken } from "../auth/id-tokens.js";
import { identityDto } from "../auth/identities.js";
import { createLoginCode, linkWithLoginCode, redeemLoginCode } from "../auth/login-codes.js";
import { loginMessages } from "../auth/login-messages.js";
import { renderCodePage, renderLoginPage } from "../auth/login-page.js";
import { pageHeaders } from "../auth/own-page.js";
import { signInWithPassword } from "../auth/sign-in.js";
import { signInThrottle } from "../auth/throttle.js";
import { listApiTokens, revokeApiToken } from "../auth/tokens.js";
import type { AppContext } from "../context.js";
import { apiTokens, users } from "../db/schema.js";
import { HttpProblem, notFound } from "./problem.js";
import { route } from "./route.js";

const signedInUser = z.object({ id: z.string(), email: z.string(), name: z.string(), locale: z.string() });
const tokenGrant = z.object({
  token: z.string(),
  tokenId: z.string(),
  expiresAt: z.string().nullable(),
  user: signedInUser,
  /** The account of the presented ID token, now linked to this user. */
  linked: linkedIdentity.nullable(),
  /** Why the presented ID token's account was not linked (the sign-in itself succeeded). */
  linkRefused: z.string().nullable(),
});
const me = signedInUser.extend({
  role: z.enum(["admin", "member"]),
  timeZone: z.string(),
  aliases: z.array(z.string()),
  scopes: z.array(z.string()),
  /** How this request was signed in: `token:<id>` or the ID token's issuer. */
  via: z.string(),
});
const tokenInfo = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  /** True for the token this request was made with. */
  current: z.boolean(),
});
// Named components of the OpenAPI document.
tokenGrant.register(z.globalRegistry, { id: "TokenGrant" });
me.register(z.globalRegistry, { id: "Me" });
tokenInfo.register(z.globalRegistry, { id: "TokenInfo" });

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const tokenIdOf = (via: string) => (via.startsWith("token:") ? via.slice("token:".length) : null);

function pageContext(req: FastifyRequest) {
  const q = (req.query ?? {}) as Record<string, unknown>;
  // The sidebars pass their own language (`es`, or Office's `es-ES`): it wins over the browser's.
  const lang = typeof q.lang === "string" ? q.lang.trim().toLowerCase().split(/[-_]/)[0] : "";
  return {
    locale: (locales as readonly string[]).includes(lang)
      ? (lang as Locale)
      : pickLocale(req.headers["accept-language"]),
    host: q.host === "office" ? ("office" as const) : undefined,
    nonce: randomBytes(16).toString("base64"),
  };
}

function sendPage(reply: FastifyReply, status: number, nonce: string, html: string) {
  return reply.code(status).headers(pageHeaders(nonce)).send(html);
}

export function authRoutes(app: FastifyInstance, ctx: AppContext): void {
  const throttle = signInThrottle(ctx.db);

  app.get("/auth/login", async (req, reply) => {
    const o = pageContext(req);
    return sendPage(reply, 200, o.nonce, renderLoginPage(o));
  });

  app.post("/auth/login", async (req, reply) => {
    const o = pageContext(req);
    const m = loginMessages[o.locale];
    const form = (req.body ?? {}) as Record<string, unknown>;
    // No address holds U+0000 (and PostgreSQL text cannot): such an email is no email at all.
    const given = typeof form.email === "string" ? form.email.trim().toLowerCase() : "";
    const email = given.includes("\u0000") ? "" : given;
    const password = typeof form.password === "string" ? form.password : "";
    if (!email || !password)
      return sendPage(reply, 400, o.nonce, renderLoginPage({ ...o, email, error: m.missing }));

    // req.ip is the client's address, also behind a proxy named in CONCILIA_TRUST_PROXY.
    const wait = await throttle.check(email, req.ip);
    if (wait > 0) {
      reply.header("retry-after", String(Math.ceil(wait / 1000)));
      const error = m.throttled(Math.ceil(wait / 60_000));
      return sendPage(reply, 429, o.nonce, renderLoginPage({ ...o, email, error }));
    }
    const user = await signInWithPassword(ctx.db, email, password);
    if (!user) {
      await throttle.fail(email, req.ip);
      req.log.warn({ email }, "password sign-in refused");
      return sendPage(reply, 401, o.nonce, renderLoginPage({ ...o, email, error: m.wrong }));
    }
    await throttle.succeed(email, req.ip);
    const code = await createLoginCode(ctx.db, user.id);
    req.log.info({ userId: user.id }, "password sign-in: one-time code issued");
    return sendPage(reply, 200, o.nonce, renderCodePage({ ...o, code }));
  });

  route(app, {
    method: "POST",
    url: "/auth/token",
    summary: "Exchange the sign-in dialog's one-time code for an API token",
    tag: "auth",
    public: true,
    errors: [401],
    body: z.strictObject({
      code: z.string().min(1).max(64),
      /** Shown in the user's token list, e.g. "Outlook on Mac". */
      name: z.string().trim().min(1).max(100).optional(),
      /**
       * The sidebar's Entra or Google ID token that the server refused as not linked: its account
       * is linked to the user who signed in, so that it signs in by itself from then on.
       */
      idToken: z.string().min(1).max(20_000).optional(),
    }),
    response: tokenGrant,
    handler: async ({ body, req }) => {
      let identity: VerifiedIdentity | undefined;
      let linkRefused: string | null = null;
      if (body.idToken)
        try {
          identity = await verifyIdToken(ctx, body.idToken);
        } catch (err) {
          if (!(err instanceof HttpProblem)) throw err;
          linkRefused = err.detail;
        }
      const grant = await redeemLoginCode(ctx.db, body.code, body.name ?? "Sign-in dialog", identity);
      const linked = grant.linked;
      req.log.info(
        { userId: grant.user.id, tokenId: grant.id, linkedIdentity: linked?.id },
        "sign-in code exchanged for a token",
      );
      const u = grant.user;
      return {
        token: grant.token,
        tokenId: grant.id,
        expiresAt: iso(grant.expiresAt),
        user: { id: u.id, email: u.email, name: u.name, locale: u.locale },
        linked: linked ? identityDto(linked) : null,
        linkRefused: linkRefused ?? grant.linkRefused,
      };
    },
  });

  route(app, {
    method: "POST",
    url: "/auth/link",
    summary: "Link the account of an ID token to the user of a sign-in dialog's one-time code",
    tag: "auth",
    public: true,
    body: z.strictObject({
      code: z.string().min(1).max(64),
      /** The sidebar's Google or Entra ID token, refused so far as not linked. */
      idToken: z.string().min(1).max(20_000),
    }),
    response: z.object({ user: signedInUser, linked: linkedIdentity }),
    errors: [401, 409, 422],
    handler: async ({ body, req }) => {
      const identity = await verifyIdToken(ctx, body.idToken);
      const { user: u, linked } = await linkWithLoginCode(ctx.db, body.code, identity);
      req.log.info({ userId: u.id, linkedIdentity: linked.id }, "sign-in code spent to link an account");
      return {
        user: { id: u.id, email: u.email, name: u.name, locale: u.locale },
        linked: identityDto(linked),
      };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/me",
    summary: "The signed-in user",
    tag: "auth",
    response: me,
    handler: async ({ user }) => {
      const [u] = await ctx.db.select().from(users).where(eq(users.id, user.id));
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        locale: u.locale,
        role: u.role,
        timeZone: u.timeZone,
        aliases: u.aliases,
        scopes: user.scopes,
        via: user.via,
      };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/tokens",
    summary: "The signed-in user's API tokens (never the token itself)",
    tag: "auth",
    response: z.object({ items: z.array(tokenInfo) }),
    handler: async ({ user }) => {
      const current = tokenIdOf(user.via);
      const rows = await listApiTokens(ctx.db, user.id);
      return {
        items: rows.map((t) => ({
          id: t.id,
          name: t.name,
          scopes: t.scopes,
          createdAt: t.createdAt.toISOString(),
          lastUsedAt: iso(t.lastUsedAt),
          expiresAt: iso(t.expiresAt),
          revokedAt: iso(t.revokedAt),
          current: t.id === current,
        })),
      };
    },
  });

  route(app, {
    method: "DELETE",
    url: "/api/v1/tokens/{id}",
    summary: "Revoke one of the signed-in user's API tokens",
    tag: "auth",
    params: z.strictObject({ id: z.string().min(1).max(100) }),
    status: 204,
    handler: async ({ user, params }) => {
      if (await revokeApiToken(ctx.db, user.id, params.id)) return undefined;
      // Revoking twice is not an error; a token of someone else is as unknown as a missing one.
      const [own] = await ctx.db
        .select({ id: apiTokens.id })
        .from(apiTokens)
        .where(and(eq(apiTokens.id, params.id), eq(apiTokens.userId, user.id)));
      if (!own) throw notFound(`Token ${params.id}`);
      return undefined;
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/auth/sign-out",
    summary: "Revoke the token this request was made with (ID tokens simply expire)",
    tag: "auth",
    status: 204,
    handler: async ({ user }) => {
      const tokenId = tokenIdOf(user.via);
      if (tokenId) await revokeApiToken(ctx.db, user.id, tokenId);
      return undefined;
    },
  });
}
