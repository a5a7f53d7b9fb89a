// R-SB-7: the accounts at identity providers linked to a user. Admins link and unlink them (the other
// way to link is the sign-in dialog, see /auth/token); every user sees their own.
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { identityLinkInput, linkedIdentity } from "../../shared/api/identities.js";
import { identitiesOf, identityDto, linkIdentity, unlinkIdentity } from "../auth/identities.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import { users } from "../db/schema.js";
import { forbidden, notFound } from "./problem.js";
import { route } from "./route.js";

const list = z.object({ items: z.array(linkedIdentity) });
const userParams = z.strictObject({ id: z.string().min(1).max(100) });

function requireAdmin(user: AuthUser) {
  if (user.role !== "admin") throw forbidden("Only an admin can link sign-in accounts to users.");
}

export function identityRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function existingUser(id: string) {
    const [u] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.id, id));
    if (!u) throw notFound(`User ${id}`);
    return u.id;
  }

  route(app, {
    method: "GET",
    url: "/api/v1/me/identities",
    summary: "The Microsoft and Google accounts that sign in as the signed-in user",
    tag: "auth",
    response: list,
    handler: async ({ user }) => ({ items: await identitiesOf(ctx.db, user.id) }),
  });

  route(app, {
    method: "GET",
    url: "/api/v1/users/{id}/identities",
    summary: "The Microsoft and Google accounts that sign in as a user (admin)",
    tag: "auth",
    scope: "admin",
    errors: [403],
    params: userParams,
    response: list,
    handler: async ({ user, params }) => {
      requireAdmin(user);
      return { items: await identitiesOf(ctx.db, await existingUser(params.id)) };
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/users/{id}/identities",
    summary: "Link a Microsoft (tenant + object id) or Google (subject) account to a user (admin)",
    tag: "auth",
    scope: "admin",
    errors: [403],
    params: userParams,
    body: identityLinkInput,
    status: 201,
    response: linkedIdentity,
    handler: async ({ user, params, body, req }) => {
      requireAdmin(user);
      const userId = await existingUser(params.id);
      const row = await linkIdentity(ctx.db, userId, {
        provider: body.provider,
        tenantId: body.provider === "entra" ? body.tenantId : "",
        subject: body.subject,
      });
      req.log.info({ userId, identityId: row.id, by: user.id }, "sign-in account linked by an admin");
      return identityDto(row);
    },
  });

  route(app, {
    method: "DELETE",
    url: "/api/v1/users/{id}/identities/{identityId}",
    summary: "Unlink a sign-in account from a user (admin)",
    tag: "auth",
    scope: "admin",
    errors: [403],
    params: z.strictObject({ id: z.string().min(1).max(100), identityId: z.string().min(1).max(100) }),
    status: 204,
    handler: async ({ user, params, req }) => {
      requireAdmin(user);
      if (!(await unlinkIdentity(ctx.db, params.id, params.identityId)))
        throw notFound(`Linked account ${params.identityId} of user ${params.id}`);
      req.log.info(
        { userId: params.id, identityId: params.identityId, by: user.id },
        "sign-in account unlinked",
      );
      return undefined;
    },
  });
}
