import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { contextQuery, contextResponse } from "../../shared/api/context.js";
import { searchResult } from "../../shared/api/records.js";
import { pickLocale } from "../../shared/i18n.js";
import type { AppContext } from "../context.js";
import { messageContext } from "../crm/context.js";
import { searchRecords } from "../crm/search.js";
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
    summary:
      "Search persons, companies and leads by name, email or phone (case and accents ignored); each type gets a fair share of the limit",
    query: z.strictObject({
      q: z.string().trim().min(1, "type something to search for").max(200),
      limit: z.coerce.number().int().min(1).max(50).default(10),
    }),
    response: z.object({ items: z.array(searchResult) }),
    handler: async ({ req, user, query }) => ({
      items: await searchRecords(ctx.db, user, {
        q: query.q,
        limit: query.limit,
        locale: pickLocale(req.headers["accept-language"] || user.locale),
      }),
    }),
  });
}
