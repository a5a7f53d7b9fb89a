// Reading one Outlook item in full for the import: the event with our tags ($expand, since delta
// pages carry none, §1.8); for a series, the master with its cancelled occurrences and its
// exceptions from `instances` (§1.3, quirk 12). An occurrence's id leads to its master. A 404 is a
// deletion. A series' version is its master's @odata.etag plus a digest of its exceptions' change
// keys and cancellations: editing one occurrence does not change the master's changeKey, and the
// import must still see it as a change (the etag alone decides an echo).
import { createHash } from "node:crypto";
import type { z } from "zod";
import { SyncError } from "../../sync/errors.js";
import { retryBatchParts } from "../batch-retry.js";
import { answerOf, httpError } from "../http.js";
import { onceEach } from "../page-links.js";
import type { ChangedItem, FetchedItem } from "../types.js";
import { graphEventShape, graphInstancesPage } from "./calendar-answers.js";
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
    const got = await client.call("GET", eventUrl(id, master), { headers: HEADERS });
    return answerOf("Microsoft", "event", graphEventShape, got);
  } catch (err) {
    if (err instanceof SyncError && err.kind === "not-found") return null;
    throw err;
  }
}

/** The series' instances from its first start (UTC ms) to the end of the sync window (exceptions among them). */
function instancesUrlFrom(masterId: string, firstStart: number, now: number): string {
  const first = firstStart - 2 * 86_400_000;
  const end = calendarWindow(now).end;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  return `${eventPath(masterId)}/instances?startDateTime=${iso(first)}&endDateTime=${iso(Math.max(end.getTime(), first + 86_400_000))}&$top=500&$select=${FIELDS.join(",")}`;
}

const instancesUrl = (master: GraphEventJson, now: number) =>
  instancesUrlFrom(master.id, Date.parse(`${master.start.dateTime.slice(0, 19)}Z`), now);

async function instancesOf(
  client: GraphClient,
  master: GraphEventJson,
  now: number,
): Promise<GraphEventJson[]> {
  const once = onceEach("Microsoft", "instances");
  let next: string | undefined = instancesUrl(master, now);
  const out: GraphEventJson[] = [];
  while (next) {
    const page = answerOf(
      "Microsoft",
      "page of instances",
      graphInstancesPage,
      await client.call("GET", next, { headers: HEADERS }),
    );
    out.push(...(page.value ?? []));
    next = once(page["@odata.nextLink"]);
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

/** A $batch part's body in `schema`'s shape, or undefined (a page of instances is then read on its own). */
function shaped<T>(schema: z.ZodType<T>, body: unknown): T | undefined {
  const r = schema.safeParse(body);
  return r.success ? r.data : undefined;
}

/** The JSON $batch parts an item takes: its event, and its series' instances when its first start is known. */
const partsOf = (item: ChangedItem, starts: Map<string, number>) => (starts.has(item.key) ? 2 : 1);

/** Items in groups whose parts fill one $batch each. */
function chunks(items: ChangedItem[], starts: Map<string, number>): ChangedItem[][] {
  const out: ChangedItem[][] = [];
  let group: ChangedItem[] = [];
  let parts = 0;
  for (const item of items) {
    if (parts + partsOf(item, starts) > GRAPH_BATCH) {
      out.push(group);
      group = [];
      parts = 0;
    }
    group.push(item);
    parts += partsOf(item, starts);
  }
  if (group.length) out.push(group);
  return out;
}

/**
 * Each item read as `fetchGraphEvent` reads it, the events themselves ${GRAPH_BATCH} to a JSON $batch:
 * one request per 20 changed events instead of 20, and the series' instances the same way (a series
 * with more than one page of them reads them on its own). A series whose first start is known
 * (`starts`, by item key: a linked series' as last synced) has its instances asked for in its
 * event's $batch; they are used when the master read there still starts then, else asked for again.
 * Parts answered 429/5xx are sent again (batch-retry.ts); every item comes back read, gone (404, 410)
 * or with its error. `asItem` turns a read event into the engine's item.
 */
export async function fetchGraphEvents(
  client: GraphClient,
  items: ChangedItem[],
  account: string,
  asItem: (item: ChangedItem, got: FetchedGraphEvent) => FetchedItem,
  now = Date.now(),
  starts = new Map<string, number>(),
): Promise<FetchedItem[]> {
  const out = new Map<string, FetchedItem>();
  const unique = [...new Map(items.map((i) => [i.key, i])).values()];
  for (const chunk of chunks(unique, starts)) {
    const read = new Map<string, GraphEventJson | null>();
    /** Instances asked for with the event, by key: the URL asked and the answer. */
    const alongside = new Map<string, { url: string; value: GraphEventJson[] }>();
    await retryBatchParts(
      "Microsoft",
      client.retry,
      chunk,
      async (pending) => {
        const guessed = new Map(
          pending.flatMap((i) => {
            const first = starts.get(i.key);
            return first === undefined ? [] : [[i.key, instancesUrlFrom(i.key, first, now)] as const];
          }),
        );
        const answers = await client.batch(
          pending.flatMap((i, n) => [
            { id: String(n), method: "GET" as const, url: eventUrl(i.key, true), headers: HEADERS },
            ...(guessed.has(i.key)
              ? [{ id: `i${n}`, method: "GET" as const, url: guessed.get(i.key)!, headers: HEADERS }]
              : []),
          ]),
        );
        return (item, n) => {
          const instances = answers.get(`i${n}`);
          const body = instances?.status === 200 ? shaped(graphInstancesPage, instances.body) : undefined;
          if (body && !body["@odata.nextLink"])
            alongside.set(item.key, { url: guessed.get(item.key)!, value: body.value ?? [] });
          const answer = answers.get(String(n));
          if (!answer) return new SyncError("temporary", "The Microsoft batch answer left out an event.");
          if (answer.status === 404 || answer.status === 410) read.set(item.key, null);
          else if (answer.status === 200) {
            const event = shaped(graphEventShape, answer.body);
            if (!event)
              return new SyncError("unknown", "The Microsoft server's event is not in the expected shape.");
            read.set(item.key, event);
          } else
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
    // The series' instances too, 20 to a $batch, unless they came with the master as it now starts; a
    // series with more than one page reads them itself.
    const instances = new Map<string, GraphEventJson[]>();
    for (const [key, got] of alongside) {
      const master = read.get(key);
      if (master?.type === "seriesMaster" && instancesUrl(master, now) === got.url)
        instances.set(key, got.value);
    }
    const masters = [...read].flatMap(([key, e]) =>
      e?.type === "seriesMaster" && !instances.has(key) ? [[key, e] as const] : [],
    );
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
        const body = page?.status === 200 ? shaped(graphInstancesPage, page.body) : undefined;
        if (body && !body["@odata.nextLink"]) instances.set(key, body.value ?? []);
      }
    }
    for (const item of chunk) {
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
