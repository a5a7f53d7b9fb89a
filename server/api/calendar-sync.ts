// R-ACT-3, R-ACT-4: a connection's calendar-sync actions for the sidebars' sync views. Only the
// connection's owner acts on it; anyone else, admins included, gets 404 (connections are personal).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { calendarSyncRemoved, previousActivitiesQueued } from "../../shared/api/connections.js";
import { connectionDto, getConnection } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import { removeCalendarSync, syncPreviousActivities } from "../sync/calendar/calendar-actions.js";
import { notFound } from "./problem.js";
import { route } from "./route.js";

const params = z.strictObject({ id: z.string().min(1).max(100) });

export function calendarSyncRoutes(app: FastifyInstance, ctx: AppContext): void {
  async function owned(userId: string, id: string) {
    const c = await getConnection(ctx.db, userId, id);
    if (!c) throw notFound(`Connection ${id}`);
    return c;
  }

  route(app, {
    method: "POST",
    url: "/api/v1/connections/{id}/sync-previous-activities",
    summary:
      "R-ACT-3: send the planned activities made before the connection to its calendar, once, without invitations",
    tag: "connections",
    params,
    response: previousActivitiesQueued,
    errors: [409],
    handler: async ({ user, params: { id } }) => {
      const queued = await syncPreviousActivities(ctx, await owned(user.id, id));
      return {
        connectionId: id,
        queued,
        message: `${queued} planned ${queued === 1 ? "activity is" : "activities are"} on their way to your calendar; those already there are not added again.`,
      };
    },
  });

  route(app, {
    method: "POST",
    url: "/api/v1/connections/{id}/remove-calendar-sync",
    summary:
      "R-ACT-4: stop syncing this connection's calendar; events and activities stay in Concilia and in the calendar",
    tag: "connections",
    params,
    response: calendarSyncRemoved,
    errors: [409],
    handler: async ({ user, params: { id } }) => {
      const updated = await removeCalendarSync(ctx, await owned(user.id, id));
      const kept =
        "Nothing was lost: your events and activities stay in Concilia, and what is already in your calendar stays there.";
      return updated
        ? { connection: await connectionDto(ctx.db, updated), message: `Calendar sync removed. ${kept}` }
        : {
            connection: null,
            message: `Calendar sync removed: this account synced only its calendar, so it is disconnected. ${kept}`,
          };
    },
  });
}
