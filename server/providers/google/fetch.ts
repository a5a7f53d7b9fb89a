// Message bodies (format=raw) through the batch endpoint, 20 per batch: Gmail answers larger batches
// with per-part "Too many concurrent requests". Parts that answer 429/5xx are sent again after the
// longest wait they name (or a backoff), until they succeed or the tries run out; every item comes back
// either fetched or with its error, so nothing is skipped while the cursor advances (R-P-3).
import { SyncError } from "../../sync/errors.js";
import { retryBatchParts } from "../batch-retry.js";
import { httpError } from "../http.js";
import type { ChangedItem, FetchedItem } from "../types.js";
import type { GmailClient } from "./client.js";
import { mapGmailMessage } from "./map.js";

export const GMAIL_BATCH = 20;

async function fetchChunk(client: GmailClient, chunk: ChangedItem[], out: Map<string, FetchedItem>) {
  await retryBatchParts(
    "Gmail",
    client.retry,
    chunk,
    async (pending) => {
      const answers = await client.batch(
        new Map(pending.map((i) => [i.key, `/messages/${encodeURIComponent(i.key)}?format=raw`])),
      );
      return (item) => {
        const answer = answers.get(item.key);
        if (answer?.status === 200) return mapGmailMessage(JSON.parse(answer.body));
        return answer
          ? httpError("Gmail", answer.status, answer.headers, answer.body)
          : new SyncError("temporary", "The Gmail batch answer left out a message.");
      };
    },
    out,
  );
}

/** Every item, in order, fetched or with the reason it could not be. */
export async function gmailFetch(client: GmailClient, items: ChangedItem[]): Promise<FetchedItem[]> {
  const out = new Map<string, FetchedItem>();
  const unique = [...new Map(items.map((i) => [i.key, i])).values()];
  for (let i = 0; i < unique.length; i += GMAIL_BATCH)
    await fetchChunk(client, unique.slice(i, i + GMAIL_BATCH), out);
  return items.map((i) => out.get(i.key)!);
}
