// Keeps a Gmail connection's watch alive when Gmail push is configured (GOOGLE_PUBSUB_TOPIC): checked at
// the start of each step, renewed once due (watch.ts). The watch's expiry is kept as the cursor of the
// scope "push:watch" (cursors are per connection and scope; the engine lists only mail scopes). A
// failure is logged and the step goes on: the tick's polling still finds every change.
import type { Config } from "../../config.js";
import { readCursor, saveCursor } from "../../sync/cursors.js";
import type { ProviderContext } from "../../sync/provider.js";
import type { GmailClient } from "./client.js";
import { type GmailWatch, gmailWatchDue, renewGmailWatch } from "./watch.js";

export const GMAIL_WATCH_SCOPE = "push:watch";

export const gmailPushConfigured = (config: Config) => !!config.GOOGLE_PUBSUB_TOPIC;

export async function keepGmailWatch(ctx: ProviderContext, client: GmailClient): Promise<void> {
  const topic = ctx.config.GOOGLE_PUBSUB_TOPIC;
  if (!topic) return;
  const current = (await readCursor(ctx.db, ctx.connection.id, GMAIL_WATCH_SCOPE)) as GmailWatch | null;
  if (!gmailWatchDue(current)) return;
  try {
    const next = await renewGmailWatch(client, topic, current);
    await ctx.db.transaction((tx) => saveCursor(tx, ctx.connection.id, GMAIL_WATCH_SCOPE, next));
  } catch (err) {
    ctx.log.warn({ connection: ctx.connection.id, err: (err as Error).message }, "Gmail watch not renewed");
  }
}
