// The signed-in user's connections to mail and calendar providers: what they are and which
// credentials each holds, by name and version only (R-CON-11: a secret never leaves the server).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { listConnections } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import { route } from "./route.js";

const connection = z.object({
  id: z.string(),
  provider: z.string(),
  accountAddress: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** The stored credentials, by name: never their values. */
  secrets: z.array(z.object({ name: z.string(), version: z.number().int(), updatedAt: z.string() })),
});

export function connectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: "GET",
    url: "/api/v1/connections",
    summary: "The signed-in user's connected mail and calendar accounts",
    tag: "connections",
    response: z.object({ items: z.array(connection) }),
    handler: async ({ user }) => ({
      items: (await listConnections(ctx.db, user.id)).map((c) => ({
        id: c.id,
        provider: c.provider,
        accountAddress: c.accountAddress,
        displayName: c.displayName,
        createdAt: c.createdAt.toISOString(),
        updatedAt: c.updatedAt.toISOString(),
        secrets: c.secrets.map((s) => ({
          name: s.name,
          version: s.version,
          updatedAt: s.updatedAt.toISOString(),
        })),
      })),
    }),
  });
}
