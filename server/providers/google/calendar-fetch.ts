// The listed items of a Google calendar read whole: a single event is its listed resource; a series is
// its parent (events.get returns cancelled events too) and every instance Google has for it, cancelled
// ones included (events.instances, showDeleted), from which calendar-read-map.ts keeps the exceptions.
// A parent that is gone (404, 410, or cancelled) is a deletion. Each item comes back fetched or with
// its own error, so one bad series does not hold up the others.
import { SyncError } from "../../sync/errors.js";
import type { ChangedItem, FetchedItem } from "../../sync/provider.js";
import { HttpSyncError } from "../http.js";
import type { ListedRef } from "./calendar-changes.js";
import { type GoogleCalendarClient, seg } from "./calendar-client.js";
import type { GoogleEvent } from "./calendar-event.js";

/** What write() reads back from `raw`. */
export interface FetchedGoogleEvent {
  event: GoogleEvent;
  instances: GoogleEvent[];
  zone: string;
}

/** Instances beyond this many pages (of 2,500) are not read: an endless series' far future. */
const MAX_INSTANCE_PAGES = 4;

async function instancesOf(client: GoogleCalendarClient, path: string): Promise<GoogleEvent[]> {
  const out: GoogleEvent[] = [];
  let pageToken: string | undefined;
  for (let n = 0; n < MAX_INSTANCE_PAGES; n++) {
    const page = await client.call<{ items?: GoogleEvent[]; nextPageToken?: string }>(
      "GET",
      `${path}/instances`,
      { query: { showDeleted: "true", maxResults: "2500", pageToken } },
    );
    out.push(...(page.items ?? []));
    pageToken = page.nextPageToken;
    if (!pageToken) break;
  }
  return out;
}

async function readSeries(client: GoogleCalendarClient, calendarId: string, id: string) {
  const path = `/calendars/${seg(calendarId)}/events/${seg(id)}`;
  try {
    const event = await client.call<GoogleEvent>("GET", path);
    if (event.status === "cancelled") return null;
    return { event, instances: event.recurrence?.length ? await instancesOf(client, path) : [] };
  } catch (err) {
    if (err instanceof HttpSyncError && (err.status === 404 || err.status === 410)) return null;
    throw err;
  }
}

export async function fetchGoogleEvents(
  client: GoogleCalendarClient,
  calendarId: string,
  items: ChangedItem[],
): Promise<FetchedItem[]> {
  const out: FetchedItem[] = [];
  for (const item of items) {
    const ref = item.ref as ListedRef | undefined;
    const meta = { calendar: calendarId };
    const goneItem = { key: item.key, ref, raw: Buffer.alloc(0), meta: { ...meta, gone: true } };
    if (!ref || "gone" in ref) {
      out.push(goneItem);
      continue;
    }
    if ("event" in ref) {
      const body: FetchedGoogleEvent = { event: ref.event, instances: [], zone: ref.zone };
      out.push({ key: item.key, ref, raw: Buffer.from(JSON.stringify(body)), meta });
      continue;
    }
    try {
      const read = await readSeries(client, calendarId, item.key);
      if (!read) out.push(goneItem);
      else {
        const body: FetchedGoogleEvent = { ...read, zone: ref.zone };
        out.push({ key: item.key, ref, raw: Buffer.from(JSON.stringify(body)), meta });
      }
    } catch (err) {
      if (err instanceof SyncError && (err.kind === "auth" || err.kind === "throttled")) throw err;
      out.push({ key: item.key, ref, error: err as Error });
    }
  }
  return out;
}
