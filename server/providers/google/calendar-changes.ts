// The changes of one Google calendar (§3.2, §3.3): a full listing (showDeleted, series unexpanded so
// that a series comes as its parent, its changed instances and its cancelled ones, §3.5), paged with
// nextPageToken and the same parameters, then incremental listings from the nextSyncToken that only
// the last page carries. A 410 (fullSyncRequired: the token expired or was invalidated) is
// "cursor-rejected": the engine lists the calendar again from the start and the items, found again by
// their links, make no duplicates (R-P-2).
//
// One item per series: a parent and its instances in a page are one item, keyed by the series id, that
// fetch reads whole. A single event comes with its listed resource, which is all its fetch needs.
//
// Pages are Google's largest (2,500 events), whatever the engine's batch: the engine gets them a batch
// at a time, each batch's cursor being the page's own cursor with the number of its items already
// given (`skip`), so a cursor committed with a batch says exactly where the next one starts. The page
// is kept in memory between batches (kept-pages.ts, page-position.ts); only the batch that ends it moves on to
// the next page token, or to the sync token that the last page alone carries.
import { SyncError } from "../../sync/errors.js";
import type { ChangedItem, ChangePage } from "../../sync/provider.js";
import { answerOf } from "../http.js";
import { KeptPages } from "../kept-pages.js";
import { batchOfPage, fingerprint, type InPage } from "../page-position.js";
import { googleEventsPage } from "./calendar-answers.js";
import { type GoogleCalendarClient, seg } from "./calendar-client.js";
import { type GoogleEvent, isTombstone, seriesIdOf } from "./calendar-event.js";

interface CachedEventsPage {
  items: GoogleEvent[];
  timeZone: string;
  nextPageToken?: string;
  nextSyncToken?: string;
}

/** The pages being stored, kept in the worker's memory between batches and steps (kept-pages.ts). */
const kept = new KeptPages<CachedEventsPage>();
export type GoogleCalendarCursor =
  | ({ phase: "full"; timeMin: string; pageToken?: string } & InPage)
  | ({ phase: "sync"; syncToken: string; pageToken?: string } & InPage);

/** What fetch needs of a listed item. */
export type ListedRef =
  | { gone: true }
  | { event: GoogleEvent; zone: string }
  | { series: true; zone: string };

/** Google's largest page of events. */
export const GOOGLE_EVENTS_PAGE = 2500;

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

/** What a page holds: each event's id and etag, in order. */
const printOf = (page: CachedEventsPage) => fingerprint(page.items.map((e) => [e.id, e.etag ?? null]));

/**
 * Google's page at `cursor` (its `skip` aside), from memory when this worker read it lately, unless
 * the cursor was cut from another copy (`seen`): another worker listed the page again meanwhile, with
 * other contents, and starting it over from an older copy would have the two workers start it over
 * in turn, never finishing it.
 */
async function pageAt(
  client: GoogleCalendarClient,
  calendarId: string,
  c: GoogleCalendarCursor,
  key: string,
  seen: string | undefined,
): Promise<CachedEventsPage> {
  const hit = kept.get(key);
  if (hit && (seen === undefined || printOf(hit) === seen)) return hit;
  const page = answerOf(
    "Google Calendar",
    "page of events",
    googleEventsPage,
    await client.call("GET", `/calendars/${seg(calendarId)}/events`, {
      query: {
        showDeleted: "true",
        singleEvents: "false",
        maxResults: String(GOOGLE_EVENTS_PAGE),
        ...(c.phase === "full" ? { timeMin: c.timeMin } : { syncToken: c.syncToken }),
        pageToken: c.pageToken,
      },
    }),
  );
  const read = { ...page, items: page.items ?? [], timeZone: page.timeZone ?? "UTC" };
  kept.keep(key, read);
  return read;
}

/**
 * The next `limit` changes of the calendar after `cursor` (null: a full listing of what ends after
 * `since`; series are listed whatever their start). `holder` (the connection) keeps pages apart.
 */
export async function listGoogleCalendarChanges(
  client: GoogleCalendarClient,
  holder: string,
  calendarId: string,
  cursor: GoogleCalendarCursor | null,
  limit: number,
  since: Date,
): Promise<ChangePage> {
  const {
    skip: after = 0,
    page: seen,
    ...c
  }: GoogleCalendarCursor = cursor ?? {
    phase: "full",
    timeMin: since.toISOString(),
  };
  // Spelled out: a cursor read back from jsonb may hold its fields in another order.
  const from = c.phase === "full" ? c.timeMin : c.syncToken;
  const key = JSON.stringify([holder, calendarId, c.phase, from, c.pageToken ?? null]);
  const page = await pageAt(client, calendarId, c, key, seen);
  const all = itemsOf(page.items, page.timeZone);
  const print = printOf(page);
  const { items, next } = batchOfPage(all, print, { skip: after, page: seen }, limit);
  if (next) return { items, cursor: { ...c, ...next }, more: true };
  kept.drop(key);
  if (page.nextPageToken) return { items, cursor: { ...c, pageToken: page.nextPageToken }, more: true };
  if (!page.nextSyncToken)
    throw new SyncError("unknown", "Google's last page of events carried no nextSyncToken.");
  return { items, cursor: { phase: "sync", syncToken: page.nextSyncToken }, more: false };
}
