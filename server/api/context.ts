import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { contextQuery, contextResponse } from "../../shared/api/context.js";
import { searchResult } from "../../shared/api/records.js";
import { badgeFor } from "../../shared/categories.js";
import { pickLocale } from "../../shared/i18n.js";
import type { AppContext } from "../context.js";
import { listCompanies } from "../crm/companies.js";
import { messageContext } from "../crm/context.js";
import { listLeads } from "../crm/leads.js";
import { listPersons } from "../crm/persons.js";
import { route } from "./route.js";

export function contextRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: "GET",
    url: "/api/v1/context",
    tag: "sidebar",
    summary: "Everything a sidebar shows for an opened message, for up to 100 addresses (R-SB-8)",
    query: contextQuery,
    response: contextResponse,
    handler: ({ req, user, query }) =>
      messageContext(ctx.database, user, {
        addresses: query.address,
        messageId: query.messageId,
        acceptLanguage: req.headers["accept-language"],
      }),
  });

  route(app, {
    method: "GET",
    url: "/api/v1/search",
    tag: "sidebar",
    summary: "Search persons, companies and leads by name, email or phone (case and accents ignored)",
    query: z.strictObject({
      q: z.string().trim().min(1, "type something to search for").max(200),
      limit: z.coerce.number().int().min(1).max(50).default(10),
    }),
    response: z.object({ items: z.array(searchResult) }),
    handler: async ({ req, user, query }) => {
      const locale = pickLocale(req.headers["accept-language"] || user.locale);
      const q = { q: query.q, limit: query.limit };
      const [p, c, l] = await Promise.all([
        listPersons(ctx.db, user, q),
        listCompanies(ctx.db, user, q),
        listLeads(ctx.db, user, q),
      ]);
      const items = [
        ...p.items.map((x) => ({
          type: "person" as const,
          id: x.id,
          name: x.name,
          emails: x.emails,
          phones: x.phones,
          companyName: x.company?.name ?? null,
          badge: badgeFor(x.categories, locale),
        })),
        ...c.items.map((x) => ({
          type: "company" as const,
          id: x.id,
          name: x.name,
          emails: x.emails,
          phones: x.phones,
          companyName: null,
          badge: badgeFor(x.categories, locale),
        })),
        ...l.items.map((x) => ({
          type: "lead" as const,
          id: x.id,
          name: x.name,
          emails: x.emails,
          phones: x.phones,
          companyName: x.companyName,
          badge: badgeFor(x.categories, locale),
        })),
      ];
      return { items: items.slice(0, query.limit) };
    },
  });
}
