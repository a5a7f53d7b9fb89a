// How a sync failure is classified decides the reaction (server/sync/state-machine.ts): temporary →
// retry with backoff; throttled → wait Retry-After; auth → reconnect_needed until the credentials
// change; cursor-rejected → re-sync that scope; not-found → stop quietly; unknown → count, then failed.
// The message is shown to the user as the reason: plain words, never a token, a password or a body.
export type SyncErrorKind = "temporary" | "throttled" | "auth" | "cursor-rejected" | "not-found" | "unknown";

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}
