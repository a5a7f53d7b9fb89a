// How a sync failure is classified decides the reaction (server/sync/state-machine.ts): temporary →
// retry with backoff; throttled → wait Retry-After; auth → reconnect_needed until the credentials
// change; cursor-rejected → re-sync that scope; not-found → stop quietly; unknown → count, then failed.
export type SyncErrorKind = "temporary" | "throttled" | "auth" | "cursor-rejected" | "not-found" | "unknown";

/**
 * A classified provider failure. The message is shown to the user as the reason: plain words, never a
 * token, a password or a message body.
 */
export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "SyncError";
  }
}

/** The longest reason kept: a reason is a sentence, not a payload. */
const MAX_REASON = 300;

/**
 * Any thrown value as a classified error with a reason that is safe to store and show. An error that is
 * not a SyncError is unknown, and only its class name is kept (its message may quote anything).
 */
export function classify(err: unknown): { kind: SyncErrorKind; reason: string; retryAfterMs?: number } {
  if (err instanceof SyncError)
    return { kind: err.kind, reason: err.message.slice(0, MAX_REASON), retryAfterMs: err.retryAfterMs };
  const name = err instanceof Error ? err.name : typeof err;
  return { kind: "unknown", reason: `An unexpected error (${name}) stopped the sync.` };
}
