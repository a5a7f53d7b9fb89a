// The failure classes every provider reports to the sync engine; the class decides the reaction
// (server/sync/state-machine.ts). The message is shown to the user as the reason: plain words, never a
// token, a password or a body.
export type SyncErrorKind =
  /** Network trouble, a dropped connection, a server restarting: retry with backoff. */
  | "temporary"
  /** The provider asked us to slow down: retry after `retryAfterMs`. */
  | "throttled"
  /** The stored credentials no longer work: stop and ask the user to reconnect. */
  | "auth"
  /** The change cursor is no longer valid: restart a full sync (the ingest de-duplicates). */
  | "cursor-rejected"
  /** What the connection points at (a server name, a folder) does not exist any more. */
  | "not-found"
  /** The item changed at the provider since it was read (a 412 on If-Match): read it again, reconcile. */
  | "conflict"
  | "unknown";

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    /** How long the provider asked us to wait, or that with the error that caused this one. */
    opts: number | { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    const o = typeof opts === "number" ? { retryAfterMs: opts } : opts;
    super(message, { cause: o.cause });
    this.name = "SyncError";
    this.retryAfterMs = o.retryAfterMs;
  }
  readonly retryAfterMs?: number;
}
