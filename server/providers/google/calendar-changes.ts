// The changes of one Google calendar (§3.2, §3.3): a full listing (showDeleted, series unexpanded so
// that a series comes as its parent, its changed instances and its cancelled ones, §3.5), paged with
// nextPageToken and the same parameters, then incremental listings from the nextSyncToken that only
// the last page carries. A 410 (fullSyncRequired: the token expired or was invalidated) is
// "cursor-rejected": the engine lists the calendar again from the start and the items, found again by
// their links, make no duplicates (R-P-2).
//
// One item per series: a parent and its instances in a page are one item, keyed by the series id, that
// fetch reads whole. A single event comes with its listed resource, which is all its fetch needs.
import type { ChangedItem, ChangePage } from "../../sync/provider.js";
import { type GoogleCalendarClient, seg } from "./calendar-client.js";
import { type GoogleEvent, isTombstone, seriesIdOf } from "./calendar-event.js";

export type GoogleCalendarCursor =
  | { phase: "full"; timeMin: string; pageToken?: string }
  | { phase: "sync"; syncToken: string; pageToken?: string };

/** What fetch needs of a listed item. */
export type ListedRef =
  | { gone: true }
  | { event: GoogleEvent; zone: string }
  | { series: true; zone: string };

/** Google's largest page of events. */
export const GOOGLE_EVENTS_PAGE = 2500;

interface EventsPage {
  items?: GoogleEvent[];
  timeZone?: string;
  nextPageToken?: string;
  nextSyncToken?: string;
}

function refOf(e: GoogleEvent, zone: string): ListedRef {
  if (isTombstone(e)) return { gone: true };
  if (e.recurringEventId || e.recurrence?.length) return { series: true, zone };
  return { event: e, zone };
}

/** The page's items, one per series or event; a series seen in any form is read whole. */
export function itemsOf(events: GoogleEvent[], zone: string): ChangedItem[] {
  const byKey = new Map<string, ListedRef>();
  for (const e of events) {
    const key = seriesIdOf(e);
    const ref = refOf(e, zone);
    const before = byKey.get(key);
    byKey.set(key, before && "series" in before && !("gone" in ref) ? before : ref);
  }
  return [...byKey].map(([key, ref]) => ({ key, ref }));
}

/**
 * One page of changes of the calendar after `cursor` (null: a full listing of what ends after
 * `since`; series are listed whatever their start).
 */
export async function listGoogleCalendarChanges(
  client: GoogleCalendarClient,
  calendarId: string,
  cursor: GoogleCalendarCursor | null,
  limit: number,
  since: Date,
): Promise<ChangePage> {
  const c: GoogleCalendarCursor = cursor ?? { phase: "full", timeMin: since.toISOString() };
  const page = await client.call<EventsPage>("GET", `/calendars/${seg(calendarId)}/events`, {
    query: {
      showDeleted: "true",
      singleEvents: "false",
      maxResults: String(Math.min(Math.max(limit, 1), GOOGLE_EVENTS_PAGE)),
      ...(c.phase === "full" ? { timeMin: c.timeMin } : { syncToken: c.syncToken }),
      pageToken: c.pageToken,
    },
  });
  const items = itemsOf(page.items ?? [], page.timeZone ?? "UTC");
  if (page.nextPageToken) return { items, cursor: { ...c, pageToken: page.nextPageToken }, more: true };
  if (!page.nextSyncToken) throw new Error("Google's last page of events carried no nextSyncToken.");
  return { items, cursor: { phase: "sync", syncToken: page.nextSyncToken }, more: false };
}
