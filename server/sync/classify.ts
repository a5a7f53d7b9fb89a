// Any thrown value as a classified failure with a reason that is safe to store and show (errors.ts).
import { sessionEnded } from "../db/session-ended.js";
import { SyncError, type SyncErrorKind } from "./errors.js";

/** The longest reason kept: a reason is a sentence, not a payload. */
const MAX_REASON = 300;

/**
 * A SyncError keeps its class and words; a database session ended under the step (a restart, a failover)
 * is temporary: nothing the account or the provider did, and not a step towards `failed`. Anything else
 * is unknown, named by its class only (its message may quote anything).
 */
export function classify(err: unknown): { kind: SyncErrorKind; reason: string; retryAfterMs?: number } {
  if (err instanceof SyncError)
    return { kind: err.kind, reason: err.message.slice(0, MAX_REASON), retryAfterMs: err.retryAfterMs };
  if (sessionEnded(err))
    return {
      kind: "temporary",
      reason: "The connection to Concilia's database was lost; the sync carries on.",
    };
  const name = err instanceof Error ? err.name : typeof err;
  return { kind: "unknown", reason: `An unexpected error (${name}) stopped the sync.` };
}
