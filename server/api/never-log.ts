// R-MAIL-7: the never-log lists — each user's own, and the workspace's (admin) — and the workspace's
// internal domains (admin). A list is read and replaced whole.
import type { FastifyInstance } from "fastify";
import { internalDomains, internalDomainsAnswer, neverLogList } from "../../shared/api/never-log.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import * as store from "../mail/never-log.js";
import { forbidden } from "./problem.js";
import { route } from "./route.js";

function requireAdmin(user: AuthUser, what: string) {
  if (user.role !== "admin") throw forbidden(`Only an admin can see or change ${what}.`);
}

const LIST_NOTE =
  "Automatic logging does not store mail whose CRM participants are all on the user's or the workspace's list; " +
  "mail with one unlisted CRM participant is stored. The Log email button still logs such a message by hand.";

export function neverLogRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: "GET",
    url: "/api/v1/never-log",
    tag: "mail",
    summary: `The signed-in user's never-log list: addresses and domains. ${LIST_NOTE}`,
    response: neverLogList,
    handler: async ({ user }) => ({ entries: await store.userNeverLog(ctx.db, user.id) }),
  });

  route(app, {
    method: "PUT",
    url: "/api/v1/never-log",
    tag: "mail",
    summary: `Replace the signed-in user's never-log list (trimmed, lower-cased, deduplicated; at most 500 entries). ${LIST_NOTE}`,
    body: neverLogList,
    example: { entries: ["ana.personal@example.com", "family.example"] },
    response: neverLogList,
    handler: async ({ user, body }) => {
      await store.setUserNeverLog(ctx.db, user.id, body.entries);
      return { entries: body.entries };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/admin/never-log",
    tag: "mail",
    summary: `The workspace's never-log list (admin). ${LIST_NOTE}`,
    response: neverLogList,
    errors: [403],
    handler: async ({ user }) => {
      requireAdmin(user, "the workspace's never-log list");
      return { entries: await store.workspaceNeverLog(ctx.db) };
    },
  });

  route(app, {
    method: "PUT",
    url: "/api/v1/admin/never-log",
    tag: "mail",
    summary: `Replace the workspace's never-log list (admin; trimmed, lower-cased, deduplicated; at most 500 entries). ${LIST_NOTE}`,
    body: neverLogList,
    example: { entries: ["payroll-provider.example", "legal@lawfirm.example"] },
    response: neverLogList,
    errors: [403],
    handler: async ({ user, body }) => {
      requireAdmin(user, "the workspace's never-log list");
      await store.setWorkspaceNeverLog(ctx.db, body.entries);
      return { entries: body.entries };
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/admin/internal-domains",
    tag: "mail",
    summary:
      "The workspace's own domains (admin): mail whose every address is in them is internal and not logged automatically. " +
      "Until an admin sets them, the domains of the users' addresses (free-mail domains left out; isDefault: true).",
    response: internalDomainsAnswer,
    errors: [403],
    handler: async ({ user }) => {
      requireAdmin(user, "the workspace's internal domains");
      return store.internalDomains(ctx.db);
    },
  });

  route(app, {
    method: "PUT",
    url: "/api/v1/admin/internal-domains",
    tag: "mail",
    summary: "Set the workspace's own domains (admin); an empty list means no mail is internal",
    body: internalDomains,
    example: { domains: ["acme.test", "acme-group.test"] },
    response: internalDomainsAnswer,
    errors: [403],
    handler: async ({ user, body }) => {
      requireAdmin(user, "the workspace's internal domains");
      await store.setInternalDomains(ctx.db, body.domains);
      return { domains: body.domains, isDefault: false };
    },
  });

  route(app, {
    method: "DELETE",
    url: "/api/v1/admin/internal-domains",
    tag: "mail",
    summary: "Go back to the default internal domains: those of the users' addresses (admin)",
    response: internalDomainsAnswer,
    errors: [403],
    handler: async ({ user }) => {
      requireAdmin(user, "the workspace's internal domains");
      await store.setInternalDomains(ctx.db, null);
      return store.internalDomains(ctx.db);
    },
  });
}
