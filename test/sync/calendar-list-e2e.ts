// What the Google and Microsoft calendar tests share about the kept calendar list (R-CON-9): the
// calendars a connection lists, and its last reading of the provider's list made older than the
// interval, as time passing would, so that the next step reads the list again.
import { and, eq } from "drizzle-orm";
import { connections, syncCursors } from "../../server/db/schema.js";
import { CALENDAR_LIST_SCOPE, LIST_EVERY_MS } from "../../server/providers/calendar-list-refresh.js";
import type { TestServer } from "../harness/app.js";

/** The calendars connection `connectionId` lists, as the user sees them in its settings. */
export async function listedCalendars(s: TestServer, connectionId: string) {
  const [c] = await s.ctx.db.select().from(connections).where(eq(connections.id, connectionId));
  return c!.calendars;
}

export const listedCalendarNames = async (s: TestServer, connectionId: string) =>
  (await listedCalendars(s, connectionId)).map((c) => c.name);

/** Dates the connection's last reading of the calendar list back past LIST_EVERY_MS. */
export async function ageCalendarListReading(s: TestServer, connectionId: string) {
  const key = and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, CALENDAR_LIST_SCOPE));
  const [kept] = await s.ctx.db.select({ cursor: syncCursors.cursor }).from(syncCursors).where(key);
  const readAt = new Date(Date.now() - LIST_EVERY_MS - 1000).toISOString();
  await s.ctx.db
    .update(syncCursors)
    .set({ cursor: { ...(kept!.cursor as object), readAt } })
    .where(key);
}
