// Sharing persons, companies, leads and deals for reading: for the owner or an admin.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { grant, grantInput } from "../../shared/api/grants.js";
import type { AppContext } from "../context.js";
import type { GrantableType } from "../crm/access.js";
import { listGrants, shareRecord, withdrawGrant } from "../crm/grants.js";
import { route } from "./route.js";

const collections: [GrantableType, string, string][] = [
  ["person", "persons", "a person"],
  ["company", "companies", "a company"],
  ["lead", "leads", "a lead"],
  ["deal", "deals", "a deal"],
];

const id = z.string().min(1).max(64);

export function grantRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.db;
  for (const [type, path, a] of collections) {
    route(app, {
      method: "GET",
      url: `/api/v1/${path}/{id}/grants`,
      tag: path,
      summary: `List the users ${a} is shared with for reading (owner or admin)`,
      params: z.strictObject({ id }),
      response: z.object({ items: z.array(grant) }),
      errors: [403],
      handler: async ({ user, params }) => ({ items: await listGrants(db, user, type, params.id) }),
    });
    route(app, {
      method: "POST",
      url: `/api/v1/${path}/{id}/grants`,
      tag: path,
      summary: `Share ${a} with a user, by id or address, for reading (owner or admin; sharing again changes nothing)`,
      params: z.strictObject({ id }),
      body: grantInput,
      response: grant,
      errors: [403],
      handler: ({ user, params, body }) =>
        db.transaction((tx) => shareRecord(tx, user, type, params.id, body)),
    });
    route(app, {
      method: "DELETE",
      url: `/api/v1/${path}/{id}/grants/{userId}`,
      tag: path,
      summary: `Stop sharing ${a} with a user (owner or admin)`,
      params: z.strictObject({ id, userId: id }),
      status: 204,
      errors: [403],
      handler: async ({ user, params }) => {
        await db.transaction((tx) => withdrawGrant(tx, user, type, params.id, params.userId));
      },
    });
  }
}
