// The account's calendars (calendarList, §3.1) as the connection's listing (R-CON-9): stored through
// connections/calendars.ts, which preselects the primary calendar on the first listing and keeps the
// user's choices after. Calendars Google shows only as free/busy have no events to sync.
import type { ListedCalendar } from "../../connections/calendars.js";
import { answerOf } from "../http.js";
import { onceEach } from "../page-links.js";
import { googleCalendarListPage } from "./calendar-answers.js";
import type { GoogleCalendarClient } from "./calendar-client.js";

export interface GoogleCalendarEntry {
  id: string;
  summary?: string;
  summaryOverride?: string;
  primary?: boolean;
  accessRole?: "owner" | "writer" | "reader" | "freeBusyReader";
  timeZone?: string;
  deleted?: boolean;
}

/** Every calendar of the account whose events can be read, following the pages. */
export async function listGoogleCalendars(client: GoogleCalendarClient): Promise<GoogleCalendarEntry[]> {
  const out: GoogleCalendarEntry[] = [];
  const next = onceEach("Google Calendar", "calendars");
  let pageToken: string | undefined;
  do {
    const page = answerOf(
      "Google Calendar",
      "calendar list",
      googleCalendarListPage,
      await client.call("GET", "/users/me/calendarList", { query: { maxResults: "250", pageToken } }),
    );
    out.push(...(page.items ?? []).filter((c) => !c.deleted && c.accessRole !== "freeBusyReader"));
    pageToken = next(page.nextPageToken);
  } while (pageToken);
  return out;
}

export const listedCalendar = (c: GoogleCalendarEntry): ListedCalendar => ({
  id: c.id,
  name: c.summaryOverride ?? c.summary ?? c.id,
  primary: c.primary === true,
});

/** Whether Concilia may write its events there (the target calendar must be one of these). */
export const writable = (c: GoogleCalendarEntry) => c.accessRole === "owner" || c.accessRole === "writer";
