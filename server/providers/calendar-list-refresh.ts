// An account's calendars read from the provider at most every few minutes: an idle poll was half
// calendar list (Google's calendarList, Graph's /me/calendars). Between readings the calendars last
// read are used, kept as the cursor of scope `calendars:list` (with what each provider needs of them,
// such as the access role that decides where CRM events may go, R-CON-9), so the user's choice of
// calendars still applies at the very next step; a calendar added at the provider shows in the
// connection's listing at the next reading, within LIST_EVERY_MS. Push is not delayed by this: a
// change notification queues a step, which lists the calendars already followed at once.
import type { Tx } from "../db/index.js";
import { readCursor, saveCursor } from "../sync/cursors.js";
import type { ProviderContext } from "../sync/provider.js";

export const CALENDAR_LIST_SCOPE = "calendars:list";
/** How long a reading of the calendar list stands. */
export const LIST_EVERY_MS = 5 * 60_000;

interface KeptList<T> {
  readAt: string;
  calendars: T[];
}

/**
 * The account's calendars: the last reading while it stands, else `read()`'s, which `store` records
 * (as the connection's listing) in the transaction that keeps it with its time.
 */
export async function currentCalendars<T>(
  ctx: ProviderContext,
  read: () => Promise<T[]>,
  store: (tx: Tx, calendars: T[]) => Promise<unknown>,
  now = new Date(),
): Promise<T[]> {
  const kept = (await readCursor(ctx.db, ctx.connection.id, CALENDAR_LIST_SCOPE)) as KeptList<T> | null;
  const age = kept ? now.getTime() - Date.parse(kept.readAt) : Number.POSITIVE_INFINITY;
  if (kept && age >= 0 && age < LIST_EVERY_MS) return kept.calendars;
  const calendars = await read();
  const next: KeptList<T> = { readAt: now.toISOString(), calendars };
  await ctx.db.transaction(async (tx) => {
    await store(tx, calendars);
    await saveCursor(tx, ctx.connection.id, CALENDAR_LIST_SCOPE, next);
  });
  return calendars;
}
