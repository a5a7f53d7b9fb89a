// Reading one Outlook item in full for the import: the event with our tags ($expand, since delta
// pages carry none, §1.8); for a series, the master with its cancelled occurrences and its
// exceptions from `instances` (§1.3, quirk 12). An occurrence's id leads to its master. A 404 is a
// deletion. A series' version is its master's @odata.etag plus a digest of its exceptions' change
// keys and cancellations: editing one occurrence does not change the master's changeKey, and the
// import must still see it as a change (the etag alone decides an echo).
import { createHash } from "node:crypto";
import { SyncError } from "../../sync/errors.js";
import { retryBatchParts } from "../batch-retry.js";
import { httpError } from "../http.js";
import type { ChangedItem, FetchedItem } from "../types.js";
import { CALENDAR_PREFER, calendarWindow } from "./calendar-delta.js";
import { type GraphEventJson, type GraphIncoming, graphEventState } from "./calendar-map.js";
import { EXPAND_TAGS } from "./calendar-tag.js";
import { type BatchResponse, GRAPH_BATCH, type GraphClient } from "./client.js";

const FIELDS = [
  "id",
  "changeKey",
  "type",
  "seriesMasterId",
  "iCalUId",
  "subject",
  "body",
  "location",
  "start",
  "end",
  "isAllDay",
  "originalStart",
  "originalStartTimeZone",
  "originalEndTimeZone",
  "recurrence",
  "organizer",
  "isOrganizer",
  "isCancelled",
  "showAs",
  "responseStatus",
  "attendees",
  "lastModifiedDateTime",
];
const HEADERS = { prefer: CALENDAR_PREFER };

export type FetchedGraphEvent = { gone: true } | (GraphIncoming & { etag: string | null; id: string });

const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;

const eventUrl = (id: string, master: boolean) =>
  `${eventPath(id)}?$select=${[...FIELDS, ...(master ? ["cancelledOccurrences"] : [])].join(",")}&$expand=${encodeURIComponent(EXPAND_TAGS)}`;

async function getEvent(client: GraphClient, id: string, master: boolean): Promise<GraphEventJson | null> {
  try {
    return await client.call<GraphEventJson>("GET", eventUrl(id, master), { headers: HEADERS });
  } catch (err) {
    if (err instanceof SyncError && err.kind === "not-found") return null;
    throw err;
  }
}

/** The series' instances from its first start to the end of the sync window (exceptions among them). */
function instancesUrl(master: GraphEventJson, now: number): string {
  const first = Date.parse(`${master.start.dateTime.slice(0, 19)}Z`) - 2 * 86_400_000;
  const end = calendarWindow(now).end;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  return `${eventPath(master.id)}/instances?startDateTime=${iso(first)}&endDateTime=${iso(Math.max(end.getTime(), first + 86_400_000))}&$top=500&$select=${FIELDS.join(",")}`;
}

async function instancesOf(
  client: GraphClient,
  master: GraphEventJson,
  now: number,
): Promise<GraphEventJson[]> {
  let next: string | undefined = instancesUrl(master, now);
  const out: GraphEventJson[] = [];
  while (next) {
    const page: { value?: GraphEventJson[]; "@odata.nextLink"?: string } = await client.call("GET", next, {
      headers: HEADERS,
    });
    out.push(...(page.value ?? []));
    next = page["@odata.nextLink"];
  }
  return out;
}

function seriesEtag(master: GraphEventJson, instances: GraphEventJson[]): string | null {
  const base = master["@odata.etag"] ?? master.changeKey ?? null;
  const parts = [
    ...instances
      .filter((x) => x.type === "exception")
      .map((x) => `${x.id}:${x.changeKey ?? x["@odata.etag"]}`),
    ...(master.cancelledOccurrences ?? []),
  ].sort();
  if (!parts.length) return base;
  return `${base}|${createHash("sha256").update(parts.join("\n")).digest("base64url").slice(0, 16)}`;
}

/** The item `id` (an event, a series master, or an occurrence of one) as it is now, or gone. */
export async function fetchGraphEvent(
  client: GraphClient,
  id: string,
  account: string,
  now = Date.now(),
): Promise<FetchedGraphEvent> {
  return readEvent(client, await getEvent(client, id, true), account, now);
}

/** A read event in full: a single one as it is, a series with its instances (one more request). */
async function readEvent(
  client: GraphClient,
  got: GraphEventJson | null,
  account: string,
  now: number,
  listed?: GraphEventJson[],
): Promise<FetchedGraphEvent> {
  let event = got;
  if (!event) return { gone: true };
  if ((event.type === "occurrence" || event.type === "exception") && event.seriesMasterId) {
    event = await getEvent(client, event.seriesMasterId, true);
    if (!event) return { gone: true };
  }
  if (event.type !== "seriesMaster")
    return { id: event.id, etag: event["@odata.etag"] ?? null, ...graphEventState(event, account) };
  const instances = listed && got?.type === "seriesMaster" ? listed : await instancesOf(client, event, now);
  return { id: event.id, etag: seriesEtag(event, instances), ...graphEventState(event, account, instances) };
}

/**
 * Each item read as `fetchGraphEvent` reads it, the events themselves ${GRAPH_BATCH} to a JSON $batch:
 * one request per 20 changed events instead of 20, and the series' instances the same way (a series
 * with more than one page of them reads them on its own).
 * Parts answered 429/5xx are sent again (batch-retry.ts); every item comes back read, gone (404, 410)
 * or with its error. `asItem` turns a read event into the engine's item.
 */
export async function fetchGraphEvents(
  client: GraphClient,
  items: ChangedItem[],
  account: string,
  asItem: (item: ChangedItem, got: FetchedGraphEvent) => FetchedItem,
  now = Date.now(),
): Promise<FetchedItem[]> {
  const out = new Map<string, FetchedItem>();
  const unique = [...new Map(items.map((i) => [i.key, i])).values()];
  for (let at = 0; at < unique.length; at += GRAPH_BATCH) {
    const read = new Map<string, GraphEventJson | null>();
    await retryBatchParts(
      "Microsoft",
      client.retry,
      unique.slice(at, at + GRAPH_BATCH),
      async (pending) => {
        const answers = await client.batch(
          pending.map((i, n) => ({
            id: String(n),
            method: "GET",
            url: eventUrl(i.key, true),
            headers: HEADERS,
          })),
        );
        return (item, n) => {
          const answer = answers.get(String(n));
          if (!answer) return new SyncError("temporary", "The Microsoft batch answer left out an event.");
          if (answer.status === 404 || answer.status === 410) read.set(item.key, null);
          else if (answer.status === 200) read.set(item.key, answer.body as GraphEventJson);
          else
            return httpError(
              "Microsoft",
              answer.status,
              answer.headers ?? {},
              JSON.stringify(answer.body ?? ""),
            );
          // Read for now; the series' instances follow below, outside the batch.
          return { key: item.key, raw: Buffer.alloc(0) };
        };
      },
      out,
    );
    // The series' instances too, 20 to a $batch; a series with more than one page reads them itself.
    const masters = [...read].flatMap(([key, e]) => (e?.type === "seriesMaster" ? [[key, e] as const] : []));
    const instances = new Map<string, GraphEventJson[]>();
    for (let m = 0; m < masters.length; m += GRAPH_BATCH) {
      const part = masters.slice(m, m + GRAPH_BATCH);
      const answers = await client
        .batch(
          part.map(([, e], n) => ({
            id: String(n),
            method: "GET",
            url: instancesUrl(e, now),
            headers: HEADERS,
          })),
        )
        .catch((err) => {
          if (err instanceof SyncError && err.kind === "auth") throw err;
          return new Map<string, BatchResponse>();
        });
      for (const [n, [key]] of part.entries()) {
        const page = answers.get(String(n));
        const body = page?.body as { value?: GraphEventJson[]; "@odata.nextLink"?: string } | undefined;
        if (page?.status === 200 && body && !body["@odata.nextLink"]) instances.set(key, body.value ?? []);
      }
    }
    for (const item of unique.slice(at, at + GRAPH_BATCH)) {
      if (!read.has(item.key)) continue; // its error is in `out` already
      try {
        const got = read.get(item.key) ?? null;
        out.set(item.key, asItem(item, await readEvent(client, got, account, now, instances.get(item.key))));
      } catch (err) {
        if (err instanceof SyncError && err.kind === "auth") throw err;
        out.set(item.key, { key: item.key, ref: item.ref, error: err as Error });
      }
    }
  }
  return items.map((i) => out.get(i.key)!);
}
