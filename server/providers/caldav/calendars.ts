// The calendars of the account's home (reference §5.1 step 4): name, color, whether it holds events
// (VEVENT in supported-calendar-component-set), and what its change listing can use. The first calendar
// that holds events is the primary one: CalDAV has no "default" flag, and servers list the default first.
import { type DAVCalendar, fetchCalendars } from "tsdav";
import { resolveTimeZone } from "../../../shared/windows-zones.js";
import type { CaldavClient } from "./client.js";

export interface CaldavCalendar {
  /** Absolute collection URL, with its trailing slash: the calendar's stable id. */
  url: string;
  name: string;
  /** `#rrggbb` (Apple's calendar-color, alpha dropped), or null. */
  color: string | null;
  supportsEvents: boolean;
  primary: boolean;
  /** The server lists sync-collection (RFC 6578) in supported-report-set. */
  syncCollection: boolean;
  syncToken: string | null;
  ctag: string | null;
  /** The zone the calendar shows times in (calendar-timezone's TZID, as IANA), or null (R-ACT-5). */
  timeZone: string | null;
}

export async function listCalendars(client: CaldavClient): Promise<CaldavCalendar[]> {
  const account = {
    accountType: "caldav" as const,
    serverUrl: client.rootUrl,
    rootUrl: client.rootUrl,
    principalUrl: client.principalUrl,
    homeUrl: client.homeUrl,
  };
  const found = await fetchCalendars({ account, headers: client.headers, fetch: client.fetch });
  const calendars = found.map(toCalendar);
  const primary = calendars.find((c) => c.supportsEvents);
  return calendars.map((c) => ({ ...c, primary: c === primary }));
}

function toCalendar(c: DAVCalendar): CaldavCalendar {
  const name = typeof c.displayName === "string" ? c.displayName : "";
  return {
    url: new URL(c.url).href,
    name: name || decodeURIComponent(new URL(c.url).pathname.split("/").filter(Boolean).at(-1) ?? ""),
    color: colorOf(c.calendarColor),
    supportsEvents: (c.components ?? []).includes("VEVENT"),
    primary: false,
    syncCollection: (c.reports ?? []).includes("syncCollection"),
    syncToken: c.syncToken != null && c.syncToken !== "" ? String(c.syncToken) : null,
    ctag: c.ctag != null ? String(c.ctag) : null,
    timeZone: zoneOf(c.timezone),
  };
}

function colorOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(value.trim());
  return m ? `#${m[1].toLowerCase()}` : null;
}

/** RFC 4791 calendar-timezone is a VCALENDAR with one VTIMEZONE: its TZID names the zone. */
function zoneOf(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const tzid = /^TZID:(.+)$/m.exec(value.replace(/\r\n[ \t]/g, ""))?.[1]?.trim();
  return tzid ? resolveTimeZone(tzid) : null;
}
