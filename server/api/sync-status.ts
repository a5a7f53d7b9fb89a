// R-CON-10, R-MAIL-8: a connection's sync status for the sidebars, and pause, resume and retry of
// failed items. Only the connection's owner acts on it; an admin may read it; anyone else gets 404.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { retryFailedResult, syncStatus } from "../../shared/api/sync-status.js";
import type { AppContext } from "../context.js";
import { actOnSync, readSyncStatus, visibleConnection } from "../sync/status.js";
import { notFound } from "./problem.js";
import { route } from "./route.js";

const params = z.object({ id: z.string().min(1).max(100) });
const CONNECTION = "The connection";

export function syncStatusRoutes(app: FastifyInstance, ctx: AppContext): void {
  route(app, {
    method: "GET",
    url: "/api/v1/connections/{id}/status",
    summary:
      "A connection's sync: status, stage, first-sync progress, failed items, last error, skipped messages",
    tag: "connections",
    params,
    response: syncStatus,
    handler: async ({ user, params: { id } }) => {
      if (!(await visibleConnection(ctx.db, user, id, { write: false }))) throw notFound(CONNECTION);
      const status = await readSyncStatus(ctx.db, id);
      if (!status) throw notFound(CONNECTION);
      return status;
    },
  });

  for (const [action, summary] of [
    ["pause", "Pause a connection's sync: no step runs until it is resumed (R-CON-10)"],
    ["resume", "Resume a paused or failed sync from where it stopped"],
  ] as const)
    route(app, {
      method: "POST",
      url: `/api/v1/connections/{id}/${action}`,
      summary,
      tag: "connections",
      params,
      response: syncStatus,
      handler: async ({ user, params: { id } }) => {
        if (!(await visibleConnection(ctx.db, user, id, { write: true }))) throw notFound(CONNECTION);
        const done = await actOnSync(ctx, id, action);
        if (!done) throw notFound(CONNECTION);
        return done.status;
      },
    });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/{id}/retry-failed",
    summary: "Try the items that failed their tries again, at the next step (queued now)",
    tag: "connections",
    params,
    response: retryFailedResult,
    handler: async ({ user, params: { id } }) => {
      if (!(await visibleConnection(ctx.db, user, id, { write: true }))) throw notFound(CONNECTION);
      const done = await actOnSync(ctx, id, "retry-failed");
      if (!done) throw notFound(CONNECTION);
      return done;
    },
  });
}
