// R-CON-10: before a stopped connection's token is revoked and its rows deleted, the provider is told
// to stop pushing: the Gmail watch (when one is recorded) and each Google Calendar watch channel are
// stopped and each Graph subscription is deleted, with a fresh access token. The provider may be unreachable or the token already revoked:
// that must not block the stop, so a failure is logged (without secrets) and reported to the user;
// an unstopped watch or subscription ends by itself when it expires, and its notifications find no
// connection.
import { eq } from "drizzle-orm";
import type { AppContext } from "../context.js";
import { graphSubscriptions } from "../db/schema.js";
import { GoogleCalendarClient } from "../providers/google/calendar-client.js";
import { stopCalendarChannels } from "../providers/google/calendar-watch-upkeep.js";
import { GmailClient } from "../providers/google/client.js";
import { gmailStop } from "../providers/google/watch.js";
import { GMAIL_WATCH_SCOPE } from "../providers/google/watch-upkeep.js";
import { GraphClient } from "../providers/graph/client.js";
import { databaseSubscriptionStore } from "../providers/graph/subscription-store.js";
import { deleteGraphSubscription } from "../providers/graph/subscriptions.js";
import type { AccessTokenGetter, RetryPolicy } from "../providers/http.js";
import { readCursor } from "../sync/cursors.js";
import type { Connection } from "./connections.js";
import { freshAccessToken } from "./oauth-refresh.js";

/** "none": nothing was pushing; "failed": the provider could not be told to stop. */
export type PushStop = "stopped" | "failed" | "none";

// The user is waiting on the answer: one quick retry, not the sync engine's patience.
const retry: Partial<RetryPolicy> = { maxRetries: 1, backoffMs: 200, maxWaitMs: 2_000 };

function accessToken(ctx: AppContext, c: Connection): AccessTokenGetter {
  let token: string | undefined;
  return async (o) => {
    if (!token || o?.forceRefresh) token = (await freshAccessToken(ctx, c)).accessToken;
    return token;
  };
}

async function stopGmailWatch(ctx: AppContext, c: Connection): Promise<PushStop> {
  const token = accessToken(ctx, c);
  const calendar = new GoogleCalendarClient({
    baseUrl: ctx.config.GOOGLE_API_URL,
    accessToken: token,
    retry,
  });
  const channels = await stopCalendarChannels(ctx.db, calendar, c.id);
  if (!(await readCursor(ctx.db, c.id, GMAIL_WATCH_SCOPE))) return channels;
  const client = new GmailClient({ baseUrl: ctx.config.GOOGLE_API_URL, accessToken: token, retry });
  await gmailStop(client);
  return "stopped";
}

async function deleteGraphSubscriptions(ctx: AppContext, c: Connection): Promise<PushStop> {
  const rows = await ctx.db
    .select()
    .from(graphSubscriptions)
    .where(eq(graphSubscriptions.connectionId, c.id));
  if (rows.length === 0) return "none";
  const client = new GraphClient({ baseUrl: ctx.config.GRAPH_URL, accessToken: accessToken(ctx, c), retry });
  const store = databaseSubscriptionStore(ctx.db);
  for (const row of rows)
    await deleteGraphSubscription(client, store, { ...row, expiresAt: row.expiresAt.getTime() });
  return "stopped";
}

export async function stopPush(ctx: AppContext, c: Connection): Promise<PushStop> {
  try {
    if (c.provider === "google") return await stopGmailWatch(ctx, c);
    if (c.provider === "microsoft") return await deleteGraphSubscriptions(ctx, c);
    return "none";
  } catch (err) {
    ctx.log.warn(
      { connectionId: c.id, provider: c.provider, err: (err as Error).message },
      "Provider push not stopped for a stopped connection",
    );
    return "failed";
  }
}
