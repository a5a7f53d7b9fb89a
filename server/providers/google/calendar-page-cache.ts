// Google's pages of events, kept in the worker's memory for a while. Calendar is listed in Google's
// largest pages (2,500 events: one request where the engine's batches of 50 took fifty), while the
// engine stores and commits a batch at a time; the batches after the first are cut from the page
// kept here, also by the next step of the same connection. Lost (another worker, a restart, expired),
// the page is asked for again with the same cursor: one request more, never an item less.
import type { GoogleEvent } from "./calendar-event.js";

export interface CachedEventsPage {
  items: GoogleEvent[];
  timeZone: string;
  nextPageToken?: string;
  nextSyncToken?: string;
}

/** Long enough for the steps that store one page, short enough to hold little. */
const KEPT_MS = 10 * 60_000;
/** Pages kept at most, across connections and calendars (the oldest goes first). */
const KEPT_PAGES = 32;

const pages = new Map<string, { page: CachedEventsPage; until: number }>();

export function cachedPage(key: string, now = Date.now()): CachedEventsPage | undefined {
  const hit = pages.get(key);
  if (!hit) return undefined;
  if (hit.until > now) return hit.page;
  pages.delete(key);
  return undefined;
}

export function keepPage(key: string, page: CachedEventsPage, now = Date.now()) {
  pages.delete(key);
  pages.set(key, { page, until: now + KEPT_MS });
  for (const old of pages.keys()) {
    if (pages.size <= KEPT_PAGES) break;
    pages.delete(old);
  }
}

/** A page stored to its end is not needed again. */
export const dropPage = (key: string) => pages.delete(key);

/** Forgets every page, as a worker that restarted would. */
export const forgetGooglePages = () => pages.clear();
