// Every failure of the CalDAV provider ends as one of the engine's classes (server/sync/errors.ts). A
// write that lost a race (412) is not one of them: it is a CaldavConflict, which the calendar reconcile
// handles by reading the calendar's version and deciding again.
import { SyncError } from "../../sync/errors.js";
import {
  DEFAULT_BUSY_RETRY_MS,
  errorMessage,
  hostLookupKind,
  networkCodeKind,
  syncErrorOf,
  TEMPORARY_NETWORK_CODES,
} from "../network-errors.js";
import { HostLookupError } from "../private-hosts.js";
import { CaldavTimeoutError, InsecureUrlError } from "./client.js";
import { CaldavStepError } from "./discovery.js";

/** A response the provider did not expect; `body` is a bounded excerpt of the server's answer. */
export class DavHttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
    readonly retryAfterMs?: number,
  ) {
    super(`The CalDAV server answered HTTP ${status} for ${new URL(url).pathname}.`);
    this.name = "DavHttpError";
  }
  /** The WebDAV/CalDAV precondition the server named in its DAV:error body, e.g. "valid-sync-token". */
  get precondition(): string | null {
    const m = /<(?:[\w-]+:)?error\b[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/i.exec(this.body);
    return m ? m[1] : null;
  }
}

/** The item changed on the server since the etag we hold (412), or exists already where we create. */
export class CaldavConflict extends Error {
  constructor(
    readonly href: string,
    readonly operation: "create" | "update" | "delete",
  ) {
    super(
      `The calendar item ${new URL(href).pathname} changed on the server (${operation} refused with 412).`,
    );
    this.name = "CaldavConflict";
  }
}

// undici's codes for a socket or a wait that failed, on top of Node's.
const temporaryCodes = new Set<string>([
  ...TEMPORARY_NETWORK_CODES,
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

export function classifyCaldavError(err: unknown): SyncError {
  if (err instanceof SyncError) return err;
  const make = syncErrorOf(err);
  if (err instanceof HostLookupError) return make(hostLookupKind(err));
  if (err instanceof InsecureUrlError) return make("unknown");
  if (err instanceof CaldavTimeoutError) return make("temporary");
  // Lost a race: the next round reads the server's version and the reconcile decides again.
  if (err instanceof CaldavConflict) return make("temporary");
  if (err instanceof CaldavStepError) {
    if (err.step === "login") return make("auth");
    if (err.step === "lookup") return classifyCaldavError(err.cause);
    if (err.step === "connection") return make("temporary");
    return make("not-found");
  }
  if (err instanceof DavHttpError) {
    const s = err.status;
    if (err.precondition === "valid-sync-token") return make("cursor-rejected");
    if (s === 401) return make("auth");
    if (s === 429 || s === 503) return make("throttled", err.retryAfterMs ?? DEFAULT_BUSY_RETRY_MS);
    if (s === 404 || s === 410) return make("not-found");
    if (s >= 500 || s === 408) return make("temporary");
    return make("unknown");
  }
  const e = err as { name?: string; code?: string; cause?: { code?: string } };
  if (e?.name === "AbortError" || e?.name === "TimeoutError") return make("temporary");
  const network = networkCodeKind(e?.cause?.code ?? e?.code, temporaryCodes);
  if (network) return make(network);
  if (e?.name === "TypeError" && /fetch failed/i.test(errorMessage(err))) return make("temporary");
  return make("unknown");
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(res: Response): number | undefined {
  const value = res.headers.get("retry-after");
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Throws DavHttpError for a response outside `ok`. */
export async function expectStatus(res: Response, url: string, ok: number[]): Promise<void> {
  if (ok.includes(res.status)) return;
  const body = (await res.text().catch(() => "")).slice(0, 4096);
  throw new DavHttpError(res.status, url, body, retryAfterMs(res));
}
