// The listed items of a Google calendar read whole: a single event is its listed resource; a series is
// its parent (events.get returns cancelled events too) and every instance Google has for it, cancelled
// ones included (events.instances, showDeleted), from which calendar-read-map.ts keeps the exceptions.
// A parent that is gone (404, 410, or cancelled) is a deletion. Each item comes back fetched or with
// its own error, so one bad series does not hold up the others.

import type { z } from "zod";
import { SyncError } from "../../sync/errors.js";
import type { ChangedItem, FetchedItem } from "../../sync/provider.js";
import { answerOf, HttpSyncError } from "../http.js";
import { onceEach } from "../page-links.js";
import { googleEventShape, googleInstancesPage } from "./calendar-answers.js";
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
  const next = onceEach("Google Calendar", "instances");
  let pageToken: string | undefined;
  for (let n = 0; n < MAX_INSTANCE_PAGES; n++) {
    const page = answerOf(
      "Google Calendar",
      "page of instances",
      googleInstancesPage,
      await client.call("GET", `${path}/instances`, {
        query: { showDeleted: "true", maxResults: "2500", pageToken },
      }),
    );
    out.push(...(page.items ?? []));
    pageToken = next(page.nextPageToken);
    if (!pageToken) break;
  }
  return out;
}

async function readSeries(client: GoogleCalendarClient, calendarId: string, id: string) {
  const path = `/calendars/${seg(calendarId)}/events/${seg(id)}`;
  try {
    const event = answerOf("Google Calendar", "event", googleEventShape, await client.call("GET", path));
    if (event.status === "cancelled") return null;
    return { event, instances: event.recurrence?.length ? await instancesOf(client, path) : [] };
  } catch (err) {
    if (err instanceof HttpSyncError && (err.status === 404 || err.status === 410)) return null;
    throw err;
  }
}

/** A batch part's body in `schema`'s shape, or undefined. */
function shaped<T>(schema: z.ZodType<T>, body: string): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(body));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Series read through one batch request: each one's parent and first page of instances, two calls each. */
export const SERIES_PER_BATCH = 25;

type SeriesRead = { event: GoogleEvent; instances: GoogleEvent[] } | null;

/**
 * The series of `ids` read through Calendar's batch endpoint. A series whose answers are not plainly
 * there (a part refused with 429/5xx, a second page of instances) is left out: the caller reads it on
 * its own, with the client's retries.
 */
async function readSeriesBatched(
  client: GoogleCalendarClient,
  calendarId: string,
  ids: string[],
): Promise<Map<string, SeriesRead>> {
  const read = new Map<string, SeriesRead>();
  const path = (id: string) => `/calendars/${seg(calendarId)}/events/${seg(id)}`;
  const calls = new Map<string, string>();
  ids.forEach((id, n) => {
    calls.set(`e${n}`, path(id));
    calls.set(`i${n}`, `${path(id)}/instances?showDeleted=true&maxResults=2500`);
  });
  const answers = await client.batch(calls);
  for (const [n, id] of ids.entries()) {
    const event = answers.get(`e${n}`);
    const instances = answers.get(`i${n}`);
    if (event?.status === 404 || event?.status === 410) read.set(id, null);
    if (event?.status !== 200) continue;
    // A part that is not what it should be is read again on its own, which classifies the failure.
    const parent = shaped(googleEventShape, event.body);
    if (!parent) continue;
    if (parent.status === "cancelled") read.set(id, null);
    else if (!parent.recurrence?.length) read.set(id, { event: parent, instances: [] });
    else if (instances?.status === 200) {
      const page = shaped(googleInstancesPage, instances.body);
      if (page && !page.nextPageToken) read.set(id, { event: parent, instances: page.items ?? [] });
    }
  }
  return read;
}

export async function fetchGoogleEvents(
  client: GoogleCalendarClient,
  calendarId: string,
  items: ChangedItem[],
): Promise<FetchedItem[]> {
  const out: FetchedItem[] = [];
  // Series are read 25 to a batch request (two calls each) rather than with two requests each.
  const series = [
    ...new Set(items.filter((i) => i.ref && "series" in (i.ref as ListedRef)).map((i) => i.key)),
  ];
  const batched = new Map<string, SeriesRead>();
  for (let at = 0; at < series.length; at += SERIES_PER_BATCH) {
    try {
      const read = await readSeriesBatched(client, calendarId, series.slice(at, at + SERIES_PER_BATCH));
      for (const [id, r] of read) batched.set(id, r);
    } catch (err) {
      // The batch itself failed: each series is read on its own below, which classifies the failure.
      if (err instanceof SyncError && err.kind === "auth") throw err;
    }
  }
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
      const read = batched.has(item.key)
        ? (batched.get(item.key) ?? null)
        : await readSeries(client, calendarId, item.key);
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
