// Push for Outlook calendars (R-P-2, §1.9): one Graph subscription on each synced calendar's events
// (created, updated, deleted), kept like the mail folders' (subscriptions.ts): created when missing,
// renewed once due, deleted when the calendar is no longer synced. Stopping the connection deletes
// them with the rest (connections/stop-push.ts). A notification only queues a sync of the connection,
// which reads delta from its own cursor, so a duplicate or lost notification changes nothing; a
// failure here is logged and the step goes on (polling still finds every change).
import { and, eq, like } from "drizzle-orm";
import { graphSubscriptions } from "../../db/schema.js";
import type { ProviderContext } from "../../sync/provider.js";
import type { GraphClient } from "./client.js";
import { databaseSubscriptionStore } from "./subscription-store.js";
import { graphNotificationUrl } from "./subscription-upkeep.js";
import { createGraphSubscription, deleteGraphSubscription, renewGraphSubscription } from "./subscriptions.js";

const PREFIX = "/me/calendars/";
export const calendarResource = (calendarId: string) => `${PREFIX}${calendarId}/events`;

export async function keepGraphCalendarSubscriptions(
  ctx: ProviderContext,
  client: GraphClient,
  calendarIds: string[],
): Promise<void> {
  const notificationUrl = graphNotificationUrl(ctx.config);
  if (!notificationUrl) return;
  const store = databaseSubscriptionStore(ctx.db);
  const rows = await ctx.db
    .select()
    .from(graphSubscriptions)
    .where(
      and(
        eq(graphSubscriptions.connectionId, ctx.connection.id),
        like(graphSubscriptions.resource, `${PREFIX}%`),
      ),
    );
  const wanted = new Set(calendarIds.map(calendarResource));
  const keep = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      ctx.log.warn(
        { connection: ctx.connection.id, what, err: (err as Error).message },
        "Graph calendar subscription not kept",
      );
    }
  };
  for (const row of rows)
    if (!wanted.has(row.resource))
      await keep("delete", () =>
        deleteGraphSubscription(client, store, { ...row, expiresAt: row.expiresAt.getTime() }),
      );
  for (const resource of wanted) {
    const o = {
      connectionId: ctx.connection.id,
      resource,
      changeType: "created,updated,deleted",
      notificationUrl,
    };
    const row = rows.find((r) => r.resource === resource);
    await keep(resource, () =>
      row
        ? renewGraphSubscription(client, store, { ...row, expiresAt: row.expiresAt.getTime() }, o)
        : createGraphSubscription(client, store, o),
    );
  }
}
