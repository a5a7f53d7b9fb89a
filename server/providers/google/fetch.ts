// Message bodies (format=raw) through the batch endpoint, 20 per batch: Gmail answers larger batches
// with per-part "Too many concurrent requests". Parts that answer 429/5xx are sent again after the
// longest wait they name (or a backoff), until they succeed or the tries run out; every item comes back
// either fetched or with its error, so nothing is skipped while the cursor advances (R-P-3).
import { z } from "zod";
import { SyncError } from "../../sync/errors.js";
import { retryBatchParts } from "../batch-retry.js";
import { answerOf, httpError, readJson } from "../http.js";
import type { ChangedItem, FetchedItem } from "../types.js";
import type { GmailClient } from "./client.js";
import { mapGmailMessage } from "./map.js";

export const GMAIL_BATCH = 20;

const rawMessage = z.looseObject({
  id: z.string(),
  raw: z.string(),
  threadId: z.string().optional(),
  labelIds: z.array(z.string()).optional(),
  internalDate: z
    .string()
    .regex(/^\d{1,16}$/)
    .optional(),
});

/** A part answered 200 as the item, or, when it is not a raw message, as that item's failure (R-P-4). */
function rawOf(item: ChangedItem, body: string): FetchedItem {
  try {
    const mapped = mapGmailMessage(answerOf("Gmail", "message", rawMessage, readJson("Gmail", body)));
    // The item is the one asked for, whatever id the answer names.
    return { ...mapped, key: item.key, ref: item.ref };
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    return { key: item.key, ref: item.ref, error: err };
  }
}

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
        if (answer?.status === 200) return rawOf(item, answer.body);
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
