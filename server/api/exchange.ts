// R-X-1..5: the Exchange contact integration of one of the signed-in user's Microsoft connections:
// activate (choosing the categories' language once), deactivate, choose categories and folders, and see
// what the mailbox offers. Connections are personal: another user's, an admin's too, is not found.

import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  exchangeActivateInput,
  exchangeCategoryChoices,
  exchangeFolders,
  exchangeIntegration,
  exchangeSettingsPatch,
} from "../../shared/api/exchange.js";
import { getConnection } from "../connections/connections.js";
import {
  activate,
  addressBook,
  askExchange,
  categoryChoices,
  deactivate,
  folderChoices,
  integrationDto,
  updateSettings,
} from "../connections/exchange-integration.js";
import type { AppContext } from "../context.js";
import { exchangeIntegrations } from "../db/schema.js";
import { integrationOf } from "../sync/contacts/settings.js";
import { queueSync } from "../sync/trigger.js";
import { notFound } from "./problem.js";
import { route } from "./route.js";

const idParams = z.strictObject({ id: z.string().min(1).max(100) });

export function exchangeRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function owned(userId: string, id: string) {
    const c = await getConnection(ctx.db, userId, id);
    if (!c) throw notFound(`Connection ${id}`);
    return c;
  }
  async function active(userId: string, id: string) {
    const connection = await owned(userId, id);
    const integration = await integrationOf(ctx.db, connection.id);
    if (!integration) throw notFound(`The Exchange integration of connection ${id}`);
    return { connection, integration };
  }

  route(app, {
    method: "GET",
    url: "/api/v1/connections/{id}/exchange",
    summary: "The Exchange contact integration of one of your Microsoft connections (R-X-1)",
    tag: "connections",
    params: idParams,
    response: exchangeIntegration,
    handler: async ({ user, params }) => {
      const { connection, integration } = await active(user.id, params.id);
      return integrationDto(connection, integration);
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/{id}/exchange",
    summary:
      "Activate the Exchange contact integration on a Microsoft connection; the categories' language is chosen here, once (R-X-1, R-X-4)",
    tag: "connections",
    params: idParams,
    body: exchangeActivateInput,
    response: exchangeIntegration,
    status: 201,
    alsoAnswers: [{ status: 200, description: "Activated again, with the settings it had" }],
    errors: [409, 422],
    example: { language: "es" },
    handler: async ({ user, params, body, reply }) => {
      const connection = await owned(user.id, params.id);
      const { row, created } = await ctx.db.transaction(async (tx) => {
        const r = await activate(tx, connection, body.language);
        await queueSync(ctx, tx, connection.id);
        return r;
      });
      let integration = row;
      // The user's private folders are synced by default (R-X-5), once the mailbox can be read.
      if (created && !row.folderIds.length) {
        const folders = await Promise.resolve()
          .then(() => addressBook(ctx, connection).listFolders())
          .catch(() => []);
        const own = folders.filter((f) => f.kind === "private").map((f) => f.id);
        if (own.length)
          [integration] = await ctx.db
            .update(exchangeIntegrations)
            .set({ folderIds: own, targetFolderId: own[0] })
            .where(eq(exchangeIntegrations.connectionId, connection.id))
            .returning();
      }
      reply.code(created ? 201 : 200);
      return integrationDto(connection, integration);
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/{id}/exchange/deactivate",
    summary: "Stop syncing contacts with Exchange; nothing is deleted on either side",
    tag: "connections",
    params: idParams,
    response: exchangeIntegration,
    handler: async ({ user, params }) => {
      const { connection } = await active(user.id, params.id);
      const row = await deactivate(ctx.db, connection);
      if (!row) throw notFound(`The Exchange integration of connection ${params.id}`);
      return integrationDto(connection, row);
    },
  });

  route(app, {
    method: "PATCH",
    url: "/api/v1/connections/{id}/exchange",
    summary:
      "Choose the Exchange categories whose contacts are imported (R-X-2) and the private folders synced (R-X-5)",
    tag: "connections",
    params: idParams,
    body: exchangeSettingsPatch,
    response: exchangeIntegration,
    errors: [502, 503],
    example: { categories: ["Clientes"] },
    handler: async ({ user, params, body }) => {
      const { connection, integration } = await active(user.id, params.id);
      const port = addressBook(ctx, connection);
      const row = await askExchange(connection, () => updateSettings(ctx.db, port, integration, body));
      await ctx.db.transaction((tx) => queueSync(ctx, tx, connection.id));
      return integrationDto(connection, row);
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/connections/{id}/exchange/categories",
    summary:
      "The mailbox's own categories to choose from; none configured is said so, with how to make one (R-X-2)",
    tag: "connections",
    params: idParams,
    response: exchangeCategoryChoices,
    errors: [502, 503],
    handler: async ({ user, params }) => {
      const { connection, integration } = await active(user.id, params.id);
      const port = addressBook(ctx, connection);
      return askExchange(connection, () => categoryChoices(port, integration));
    },
  });

  route(app, {
    method: "GET",
    url: "/api/v1/connections/{id}/exchange/folders",
    summary:
      "The mailbox's contact folders: private ones can sync, shared ones are listed as not synced and why (R-X-5)",
    tag: "connections",
    params: idParams,
    response: exchangeFolders,
    errors: [502, 503],
    handler: async ({ user, params }) => {
      const { connection, integration } = await active(user.id, params.id);
      const port = addressBook(ctx, connection);
      return askExchange(connection, () => folderChoices(ctx.config, connection, port, integration));
    },
  });
}
