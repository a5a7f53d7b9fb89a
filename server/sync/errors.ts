// The failure classes every provider reports to the sync engine, so that retrying, backing off, asking the
// user to reconnect and restarting from scratch are decided in one place whatever the provider.
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
  | "unknown";

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    opts: { retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "SyncError";
    this.retryAfterMs = opts.retryAfterMs;
  }
  readonly retryAfterMs?: number;
}
