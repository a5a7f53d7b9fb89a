// Message MIME through `/me/messages/{id}/$value`, 20 per JSON $batch: one HTTP request per 20
// messages instead of 20 (measured in test/providers/graph/request-counts.test.ts; Graph's per-mailbox
// quota counts each item either way). Items answered 429/5xx are sent again after the longest
// Retry-After they name (Outlook throttles items of a batch one by one); every item comes back fetched
// or with its error, never skipped (R-P-3).
import { SyncError } from "../../sync/errors.js";
import { retryBatchParts } from "../batch-retry.js";
import { httpError } from "../http.js";
import type { ChangedItem, FetchedItem } from "../types.js";
import { GRAPH_BATCH, type GraphClient } from "./client.js";
import type { GraphFolder } from "./list-changes.js";
import { batchBodyBytes, mapGraphMessage } from "./map.js";

const valuePath = (id: string) => `/me/messages/${encodeURIComponent(id)}/$value`;
const IMMUTABLE = { prefer: 'IdType="ImmutableId"' };

async function fetchChunk(
  client: GraphClient,
  chunk: ChangedItem[],
  folder: GraphFolder,
  out: Map<string, FetchedItem>,
) {
  await retryBatchParts(
    "Microsoft",
    client.retry,
    chunk,
    async (pending) => {
      const answers = await client.batch(
        pending.map((i, n) => ({ id: String(n), method: "GET", url: valuePath(i.key), headers: IMMUTABLE })),
      );
      return (item, n) => {
        const answer = answers.get(String(n));
        const bytes = answer?.status === 200 ? batchBodyBytes(answer.body) : null;
        if (bytes) return mapGraphMessage(item.key, bytes, folder);
        return answer
          ? httpError("Microsoft", answer.status, answer.headers ?? {}, JSON.stringify(answer.body ?? ""))
          : new SyncError("temporary", "The Microsoft batch answer left out a message.");
      };
    },
    out,
  );
}

/** Every item, in order, fetched (batched by 20) or with the reason it could not be. */
export async function graphFetch(
  client: GraphClient,
  items: ChangedItem[],
  folder: GraphFolder,
): Promise<FetchedItem[]> {
  const out = new Map<string, FetchedItem>();
  const unique = [...new Map(items.map((i) => [i.key, i])).values()];
  for (let i = 0; i < unique.length; i += GRAPH_BATCH)
    await fetchChunk(client, unique.slice(i, i + GRAPH_BATCH), folder, out);
  return items.map((i) => out.get(i.key)!);
}

/** One message per request ($value as bytes): the simple way, kept to compare the request counts. */
export async function graphFetchEach(
  client: GraphClient,
  items: ChangedItem[],
  folder: GraphFolder,
): Promise<FetchedItem[]> {
  const out: FetchedItem[] = [];
  for (const item of items) {
    try {
      out.push(mapGraphMessage(item.key, await client.bytes(valuePath(item.key), IMMUTABLE), folder));
    } catch (err) {
      if (err instanceof SyncError && err.kind === "auth") throw err;
      out.push({ key: item.key, ref: item.ref, error: err as Error });
    }
  }
  return out;
}
