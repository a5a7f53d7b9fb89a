// The user's two actions on a connection's calendar sync (seed 002): "Sync previous activities"
// (R-ACT-3) queues the planned, calendar-shown activities made before the connection and starts a
// step; "Remove sync" (R-ACT-4) turns the connection's calendar sync off and keeps everything in the
// CRM: events, activities, and the links that let a later sync find its own entries again instead of
// duplicating them. Both act on the user's own connection only.
import { and, eq } from "drizzle-orm";
import { conflict } from "../../api/problem.js";
import type { Connection } from "../../connections/connections.js";
import { stopConnection } from "../../connections/stop.js";
import type { AppContext } from "../../context.js";
import { activityTypes, calendarOutbox, connections } from "../../db/schema.js";
import { deleteCursor } from "../cursors.js";
import { queueSync } from "../trigger.js";
import { enqueuePreviousActivities, PUSH_SCOPE } from "./outbox.js";

/** Calendar sync is on: calendars are wanted and some are followed (or not listed yet). */
const syncsCalendar = (c: Connection) =>
  c.syncs !== "email" && (c.calendars.length === 0 || c.calendars.some((k) => k.selected));

export async function syncPreviousActivities(ctx: AppContext, c: Connection): Promise<number> {
  if (!syncsCalendar(c))
    throw conflict("This connection does not sync a calendar: choose a calendar to sync first.");
  return ctx.db.transaction(async (tx) => {
    const flagged = await tx
      .select({ key: activityTypes.key })
      .from(activityTypes)
      .where(eq(activityTypes.showInCalendars, true));
    const queued = await enqueuePreviousActivities(
      tx,
      c,
      flagged.map((t) => t.key),
    );
    await queueSync(ctx, tx, c.id);
    return queued;
  });
}

/** The connection without its calendar sync, or null when it synced only that and is disconnected. */
export async function removeCalendarSync(ctx: AppContext, c: Connection): Promise<Connection | null> {
  if (!syncsCalendar(c)) throw conflict("This connection's calendar is not synced.");
  if (c.syncs === "calendar") {
    await stopConnection(ctx, c.userId, c);
    return null;
  }
  return ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(connections)
      .set({
        syncs: "email",
        calendars: c.calendars.map((k) => ({ ...k, selected: false })),
        targetCalendarId: null,
        updatedAt: new Date(),
      })
      .where(and(eq(connections.id, c.id), eq(connections.userId, c.userId)))
      .returning();
    // Writes still owed are dropped: a later calendar sync starts with a first push again.
    await tx.delete(calendarOutbox).where(eq(calendarOutbox.connectionId, c.id));
    await deleteCursor(tx, c.id, PUSH_SCOPE);
    return updated!;
  });
}
