// R-CON-9: the account's calendars as the provider lists them, with the user's choice of which to
// sync. The sync engine stores each new listing through here: the first listing preselects the
// primary calendar only; later listings keep the user's choices, leave calendars that appeared
// unselected, and forget those that are gone (and the target calendar with them).
import { eq } from "drizzle-orm";
import type { ConnectionCalendar } from "../../shared/api/connections.js";
import type { Tx } from "../db/index.js";
import { connections } from "../db/schema.js";

export type ListedCalendar = Omit<ConnectionCalendar, "selected">;

export function mergeCalendars(stored: ConnectionCalendar[], listed: ListedCalendar[]): ConnectionCalendar[] {
  const chosen = new Map(stored.map((c) => [c.id, c.selected]));
  const first = stored.length === 0;
  return listed.map((c) => ({ ...c, selected: first ? c.primary : (chosen.get(c.id) ?? false) }));
}

/**
 * Stores the provider's listing of the connection's calendars (the engine runs as no user: by id) and
 * returns them with the user's choices, as they now are.
 */
export async function storeListedCalendars(
  db: Tx,
  connectionId: string,
  listed: ListedCalendar[],
): Promise<ConnectionCalendar[]> {
  const [c] = await db
    .select({ calendars: connections.calendars, targetCalendarId: connections.targetCalendarId })
    .from(connections)
    .where(eq(connections.id, connectionId))
    .for("update");
  if (!c) return [];
  const calendars = mergeCalendars(c.calendars, listed);
  const targetGone = c.targetCalendarId !== null && !calendars.some((k) => k.id === c.targetCalendarId);
  await db
    .update(connections)
    .set({ calendars, ...(targetGone ? { targetCalendarId: null } : {}), updatedAt: new Date() })
    .where(eq(connections.id, connectionId));
  return calendars;
}
