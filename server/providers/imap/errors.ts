// Every failure of the IMAP provider ends as one of the engine's classes (server/sync/errors.ts), so the
// engine decides retrying, backing off and asking the user to reconnect without knowing IMAP.
import { SyncError, type SyncErrorKind } from "../../sync/errors.js";
import { HostLookupError } from "../private-hosts.js";
import { authFailureOf } from "./auth.js";

/** The folder's UIDVALIDITY changed while UIDs of the old one were in hand (see fetch.ts). */
export class UidValidityChanged extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: string,
  ) {
    super(`The UIDVALIDITY of ${path} changed from ${expected} to ${found}.`);
    this.name = "UidValidityChanged";
  }
}

/** How long to wait when a server says it is busy without saying for how long. */
export const DEFAULT_BUSY_RETRY_MS = 60_000;

const temporaryCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "GREETING_TIMEOUT",
  "UPGRADE_TIMEOUT",
  "ETIMEOUT",
  "NoConnection",
  "EConnectionClosed",
  "ClosedAfterConnectText",
  "ClosedAfterConnectTLS",
  "LockTimeout",
]);

interface MaybeImapError {
  code?: string;
  serverResponseCode?: string;
  throttleReset?: number;
  mailboxMissing?: boolean;
  tlsFailed?: boolean;
  reason?: string;
  message?: string;
}

export function classifyImapError(err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const make = (kind: SyncErrorKind, retryAfterMs?: number) =>
    new SyncError(kind, message, { cause: err, retryAfterMs });
  if (err instanceof UidValidityChanged) return make("cursor-rejected");
  if (err instanceof HostLookupError) return make(err.reason === "not-found" ? "not-found" : "unknown");
  const e = (err ?? {}) as MaybeImapError;
  const responseCode = e.serverResponseCode?.toUpperCase();
  if (e.code === "ETHROTTLE") return make("throttled", e.throttleReset ?? DEFAULT_BUSY_RETRY_MS);
  if (responseCode === "UNAVAILABLE" || responseCode === "LIMIT" || /\[UNAVAILABLE\]/i.test(e.reason ?? ""))
    return make("throttled", DEFAULT_BUSY_RETRY_MS);
  const auth = authFailureOf(err);
  if (auth) return make("auth");
  if (e.mailboxMissing || responseCode === "NONEXISTENT") return make("not-found");
  if (e.code === "ENOTFOUND") return make("not-found");
  if (e.code && temporaryCodes.has(e.code)) return make("temporary");
  if (responseCode === "SERVERBUG" || responseCode === "INUSE") return make("temporary");
  return make("unknown");
}
