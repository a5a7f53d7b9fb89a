// Keeps one watch channel per synced Google calendar when push can reach this server (CONCILIA_PUBLIC_URL
// on https and GOOGLE_PUSH_TOKEN set): checked at the start of each step, a channel is opened when
// missing, replaced (new one first, then the old one stopped) once due, and stopped when its calendar is
// no longer synced. Each channel is kept as the cursor of the scope `push:calendar:<id>` (cursors are per
// connection and scope; the engine lists only the scopes it follows). A failure is logged and the step
// goes on: polling still finds every change (R-P-2).
import { and, eq, like } from "drizzle-orm";
import type { Config } from "../../config.js";
import type { Db } from "../../db/index.js";
import { syncCursors } from "../../db/schema.js";
import { deleteCursor, saveCursor } from "../../sync/cursors.js";
import type { ProviderContext } from "../../sync/provider.js";
import { type CalendarChannel, channelDue, stopChannel, watchCalendar } from "./calendar-channel.js";
import type { GoogleCalendarClient } from "./calendar-client.js";

export const CHANNEL_SCOPE_PREFIX = "push:calendar:";

/** Where Google posts calendar notifications, or null when it could not reach this server. */
export function calendarPushAddress(config: Config): string | null {
  const base = config.CONCILIA_PUBLIC_URL?.replace(/\/$/, "");
  return base?.startsWith("https://") && config.GOOGLE_PUSH_TOKEN ? `${base}/push/google/calendar` : null;
}

/** The connection's open channels, by the scope key they are kept under. */
export async function storedChannels(db: Db, connectionId: string): Promise<Map<string, CalendarChannel>> {
  const rows = await db
    .select({ key: syncCursors.scopeKey, cursor: syncCursors.cursor })
    .from(syncCursors)
    .where(
      and(eq(syncCursors.connectionId, connectionId), like(syncCursors.scopeKey, `${CHANNEL_SCOPE_PREFIX}%`)),
    );
  return new Map(rows.map((r) => [r.key, r.cursor as CalendarChannel]));
}

export async function keepCalendarChannels(
  ctx: ProviderContext,
  client: GoogleCalendarClient,
  calendarIds: string[],
): Promise<void> {
  const address = calendarPushAddress(ctx.config);
  if (!address) return;
  const connectionId = ctx.connection.id;
  const channels = await storedChannels(ctx.db, connectionId);
  const stop = async (key: string, channel: CalendarChannel) => {
    await stopChannel(client, channel).catch(() => undefined); // it ends by itself at its expiry
    await ctx.db.transaction((tx) => deleteCursor(tx, connectionId, key));
  };
  for (const [key, channel] of channels)
    if (!calendarIds.includes(channel.calendarId)) await stop(key, channel);
  for (const calendarId of calendarIds) {
    const key = `${CHANNEL_SCOPE_PREFIX}${calendarId}`;
    const current = channels.get(key) ?? null;
    if (!channelDue(current)) continue;
    try {
      const next = await watchCalendar(client, {
        calendarId,
        connectionId,
        address,
        secret: ctx.config.GOOGLE_PUSH_TOKEN!,
      });
      await ctx.db.transaction((tx) => saveCursor(tx, connectionId, key, next));
      if (current) await stopChannel(client, current).catch(() => undefined);
    } catch (err) {
      ctx.log.warn({ connection: connectionId, err: (err as Error).message }, "Calendar watch not kept");
    }
  }
}

/** R-CON-10: every channel of a stopped connection is stopped; "none" when it had none. */
export async function stopCalendarChannels(
  db: Db,
  client: GoogleCalendarClient,
  connectionId: string,
): Promise<"stopped" | "none"> {
  const channels = await storedChannels(db, connectionId);
  for (const channel of channels.values()) await stopChannel(client, channel);
  return channels.size ? "stopped" : "none";
}
