// Every failure of the IMAP provider ends as one of the engine's classes (server/sync/errors.ts), so the
// engine decides retrying, backing off and asking the user to reconnect without knowing IMAP.
import { SyncError } from "../../sync/errors.js";
import {
  DEFAULT_BUSY_RETRY_MS,
  hostLookupKind,
  networkCodeKind,
  syncErrorOf,
  TEMPORARY_NETWORK_CODES,
} from "../network-errors.js";
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

// imapflow's codes for a connection that timed out, closed or never opened, on top of Node's.
const temporaryCodes = new Set<string>([
  ...TEMPORARY_NETWORK_CODES,
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
  const make = syncErrorOf(err);
  if (err instanceof UidValidityChanged) return make("cursor-rejected");
  if (err instanceof HostLookupError) return make(hostLookupKind(err));
  const e = (err ?? {}) as MaybeImapError;
  const responseCode = e.serverResponseCode?.toUpperCase();
  if (e.code === "ETHROTTLE") return make("throttled", e.throttleReset ?? DEFAULT_BUSY_RETRY_MS);
  if (responseCode === "UNAVAILABLE" || responseCode === "LIMIT" || /\[UNAVAILABLE\]/i.test(e.reason ?? ""))
    return make("throttled", DEFAULT_BUSY_RETRY_MS);
  const auth = authFailureOf(err);
  if (auth) return make("auth");
  if (e.mailboxMissing || responseCode === "NONEXISTENT") return make("not-found");
  const network = networkCodeKind(e.code, temporaryCodes);
  if (network) return make(network);
  if (responseCode === "SERVERBUG" || responseCode === "INUSE") return make("temporary");
  return make("unknown");
}
