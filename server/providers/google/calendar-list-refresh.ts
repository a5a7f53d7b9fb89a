// The account's calendars read from Google at most every few minutes: an idle poll was half
// calendarList. Between readings the calendars last read are used, kept as the cursor of scope
// `calendars:list` (with their access role, which decides where CRM events may go, R-CON-9), so the
// user's choice of calendars still applies at the very next step; a calendar added in Google shows in
// the connection's listing at the next reading, within LIST_EVERY_MS.
import { storeListedCalendars } from "../../connections/calendars.js";
import { readCursor, saveCursor } from "../../sync/cursors.js";
import type { ProviderContext } from "../../sync/provider.js";
import type { GoogleCalendarClient } from "./calendar-client.js";
import { type GoogleCalendarEntry, listedCalendar, listGoogleCalendars } from "./calendar-list.js";

export const CALENDAR_LIST_SCOPE = "calendars:list";
/** How long a reading of the calendar list stands. */
export const LIST_EVERY_MS = 5 * 60_000;

interface KeptList {
  readAt: string;
  calendars: GoogleCalendarEntry[];
}

/** The account's calendars; a new reading is stored as the connection's listing with its time. */
export async function currentGoogleCalendars(
  ctx: ProviderContext,
  client: GoogleCalendarClient,
  now = new Date(),
): Promise<GoogleCalendarEntry[]> {
  const kept = (await readCursor(ctx.db, ctx.connection.id, CALENDAR_LIST_SCOPE)) as KeptList | null;
  const age = kept ? now.getTime() - Date.parse(kept.readAt) : Number.POSITIVE_INFINITY;
  if (kept && age >= 0 && age < LIST_EVERY_MS) return kept.calendars;
  const calendars = (await listGoogleCalendars(client)).map(
    ({ id, summary, summaryOverride, primary, accessRole }) => ({
      id,
      summary,
      summaryOverride,
      primary,
      accessRole,
    }),
  );
  const next: KeptList = { readAt: now.toISOString(), calendars };
  await ctx.db.transaction(async (tx) => {
    await storeListedCalendars(tx, ctx.connection.id, calendars.map(listedCalendar));
    await saveCursor(tx, ctx.connection.id, CALENDAR_LIST_SCOPE, next);
  });
  return calendars;
}
