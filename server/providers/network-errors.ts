// What the CalDAV and IMAP error classifiers share: a failure becomes one of the engine's classes
// (server/sync/errors.ts) keeping its message and itself as the cause, a refused host lookup and a
// failed network call are classed alike, and a busy server without a wait gets the same default one.
// Each provider's own errors and codes stay in its errors.ts.
import { SyncError, type SyncErrorKind } from "../sync/errors.js";
import type { HostLookupError } from "./private-hosts.js";

/** How long to wait when a server says it is busy without saying for how long. */
export const DEFAULT_BUSY_RETRY_MS = 60_000;

/** Node socket and DNS codes of a connection that failed on the way: worth another try later. */
export const TEMPORARY_NETWORK_CODES = [
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EAI_AGAIN",
] as const;

/** Builds the SyncError of one failure, of a given kind; the failure is kept as its cause. */
export type SyncErrorOf = (kind: SyncErrorKind, retryAfterMs?: number) => SyncError;

export const errorMessage = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function syncErrorOf(err: unknown): SyncErrorOf {
  const message = errorMessage(err);
  return (kind, retryAfterMs) => new SyncError(kind, message, { cause: err, retryAfterMs });
}

/** A host that does not resolve is `not-found`; one that resolves to a private address is refused for good. */
export const hostLookupKind = (err: HostLookupError): SyncErrorKind =>
  err.reason === "not-found" ? "not-found" : "unknown";

/**
 * The class of a failure's network code: an unknown host is `not-found`, a code in `temporaryCodes`
 * (TEMPORARY_NETWORK_CODES and the provider's library's own) is `temporary`; otherwise null.
 */
export function networkCodeKind(
  code: string | undefined,
  temporaryCodes: ReadonlySet<string>,
): SyncErrorKind | null {
  if (code === "ENOTFOUND") return "not-found";
  if (code && temporaryCodes.has(code)) return "temporary";
  return null;
}
