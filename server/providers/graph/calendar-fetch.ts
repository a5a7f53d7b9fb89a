// Reading one Outlook item in full for the import: the event with our tags ($expand, since delta
// pages carry none, §1.8); for a series, the master with its cancelled occurrences and its
// exceptions from `instances` (§1.3, quirk 12). An occurrence's id leads to its master. A 404 is a
// deletion. A series' version is its master's @odata.etag plus a digest of its exceptions' change
// keys and cancellations: editing one occurrence does not change the master's changeKey, and the
// import must still see it as a change (the etag alone decides an echo).
import { createHash } from "node:crypto";
import { SyncError } from "../../sync/errors.js";
import { CALENDAR_PREFER, calendarWindow } from "./calendar-delta.js";
import { type GraphEventJson, type GraphIncoming, graphEventState } from "./calendar-map.js";
import { EXPAND_TAGS } from "./calendar-tag.js";
import type { GraphClient } from "./client.js";

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

async function getEvent(client: GraphClient, id: string, master: boolean): Promise<GraphEventJson | null> {
  const select = [...FIELDS, ...(master ? ["cancelledOccurrences"] : [])].join(",");
  try {
    return await client.call<GraphEventJson>(
      "GET",
      `${eventPath(id)}?$select=${select}&$expand=${encodeURIComponent(EXPAND_TAGS)}`,
      { headers: HEADERS },
    );
  } catch (err) {
    if (err instanceof SyncError && err.kind === "not-found") return null;
    throw err;
  }
}

/** The series' instances from its first start to the end of the sync window (exceptions among them). */
async function instancesOf(
  client: GraphClient,
  master: GraphEventJson,
  now: number,
): Promise<GraphEventJson[]> {
  const first = Date.parse(`${master.start.dateTime.slice(0, 19)}Z`) - 2 * 86_400_000;
  const end = calendarWindow(now).end;
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  let next: string | undefined =
    `${eventPath(master.id)}/instances?startDateTime=${iso(first)}&endDateTime=${iso(Math.max(end.getTime(), first + 86_400_000))}&$top=500&$select=${FIELDS.join(",")}`;
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
  let event = await getEvent(client, id, true);
  if (!event) return { gone: true };
  if ((event.type === "occurrence" || event.type === "exception") && event.seriesMasterId) {
    event = await getEvent(client, event.seriesMasterId, true);
    if (!event) return { gone: true };
  }
  if (event.type !== "seriesMaster")
    return { id: event.id, etag: event["@odata.etag"] ?? null, ...graphEventState(event, account) };
  const instances = await instancesOf(client, event, now);
  return { id: event.id, etag: seriesEtag(event, instances), ...graphEventState(event, account, instances) };
}
