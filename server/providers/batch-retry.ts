// What the Gmail and Graph batch fetches share: a batch answers each part on its own, so parts that fail
// 429/5xx are sent again, alone, after the longest wait any of them names (or a backoff), until they
// succeed or the tries run out. Every item comes back fetched or with its error, never skipped (R-P-3).
import { SyncError } from "../sync/errors.js";
import { isRetryable, type RetryPolicy } from "./http.js";
import type { ChangedItem, FetchedItem } from "./types.js";

/** One part's outcome: the fetched item, or the SyncError its answer (or its absence) stands for. */
export type PartOutcome = FetchedItem | SyncError;

/**
 * Sends `chunk` through `sendBatch` and resends the retryable failures. `sendBatch` makes one batch
 * request and gives back how to read each part's outcome (read in order, so mapping stays lazy). An
 * `auth` failure ends the whole fetch; other failures are kept on their item.
 */
export async function retryBatchParts(
  provider: string,
  retry: RetryPolicy,
  chunk: ChangedItem[],
  sendBatch: (pending: ChangedItem[]) => Promise<(item: ChangedItem, n: number) => PartOutcome>,
  out: Map<string, FetchedItem>,
) {
  let pending = chunk;
  for (let attempt = 0; pending.length > 0; attempt++) {
    const outcomeOf = await sendBatch(pending);
    const again: ChangedItem[] = [];
    const why = new Map<ChangedItem, SyncError>();
    let wait = 0;
    for (const [n, item] of pending.entries()) {
      const outcome = outcomeOf(item, n);
      if (!(outcome instanceof SyncError)) {
        out.set(item.key, outcome);
        continue;
      }
      if (outcome.kind === "auth") throw outcome;
      if (!isRetryable(outcome)) {
        out.set(item.key, { key: item.key, ref: item.ref, error: outcome });
        continue;
      }
      again.push(item);
      why.set(item, outcome);
      wait = Math.max(wait, outcome.retryAfterMs ?? retry.backoffMs * 2 ** attempt);
    }
    if (again.length === 0) return;
    if (attempt >= retry.maxRetries || wait > retry.maxWaitMs) {
      // Each item keeps what its last answer said: throttled, or a server error (R-P-3 counts them apart).
      for (const item of again) {
        const last = why.get(item)!;
        const error =
          last.kind === "throttled"
            ? new SyncError("throttled", `${provider} asked to slow down.`, wait)
            : new SyncError(last.kind, last.message, last.retryAfterMs);
        out.set(item.key, { key: item.key, ref: item.ref, error });
      }
      return;
    }
    await retry.sleep(wait);
    pending = again;
  }
}
