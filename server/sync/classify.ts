// Any thrown value as a classified failure with a reason that is safe to store and show (errors.ts).
import { SyncError, type SyncErrorKind } from "./errors.js";

/** The longest reason kept: a reason is a sentence, not a payload. */
const MAX_REASON = 300;

/** A SyncError keeps its class and words; anything else is unknown, named by its class only (its message may quote anything). */
export function classify(err: unknown): { kind: SyncErrorKind; reason: string; retryAfterMs?: number } {
  if (err instanceof SyncError)
    return { kind: err.kind, reason: err.message.slice(0, MAX_REASON), retryAfterMs: err.retryAfterMs };
  const name = err instanceof Error ? err.name : typeof err;
  return { kind: "unknown", reason: `An unexpected error (${name}) stopped the sync.` };
}
