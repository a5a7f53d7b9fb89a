// Keeps one Graph subscription per followed folder when push can reach this server (CONCILIA_PUBLIC_URL
// on https, as Graph requires): checked at the start of each step, created when missing, renewed once
// due (subscriptions.ts). A failure is logged and the step goes on: the tick's polling still finds
// every change.
import { eq } from "drizzle-orm";
import type { Config } from "../../config.js";
import { graphSubscriptions } from "../../db/schema.js";
import type { ProviderContext } from "../../sync/provider.js";
import type { GraphClient } from "./client.js";
import type { GraphFolder } from "./list-changes.js";
import { databaseSubscriptionStore } from "./subscription-store.js";
import { createGraphSubscription, renewGraphSubscription } from "./subscriptions.js";

const FOLDERS: GraphFolder[] = ["inbox", "sentitems"];

/** Where Graph posts notifications, or null when it could not reach this server. */
export function graphNotificationUrl(config: Config): string | null {
  const base = config.CONCILIA_PUBLIC_URL?.replace(/\/$/, "");
  return base?.startsWith("https://") ? `${base}/push/microsoft` : null;
}

export async function keepGraphSubscriptions(ctx: ProviderContext, client: GraphClient): Promise<void> {
  const notificationUrl = graphNotificationUrl(ctx.config);
  if (!notificationUrl) return;
  const store = databaseSubscriptionStore(ctx.db);
  const rows = await ctx.db
    .select()
    .from(graphSubscriptions)
    .where(eq(graphSubscriptions.connectionId, ctx.connection.id));
  for (const folder of FOLDERS) {
    const o = { connectionId: ctx.connection.id, folder, notificationUrl };
    const row = rows.find((r) => r.resource === `/me/mailFolders('${folder}')/messages`);
    try {
      if (!row) await createGraphSubscription(client, store, o);
      else await renewGraphSubscription(client, store, { ...row, expiresAt: row.expiresAt.getTime() }, o);
    } catch (err) {
      ctx.log.warn(
        { connection: ctx.connection.id, folder, err: (err as Error).message },
        "Graph subscription not kept",
      );
    }
  }
}
