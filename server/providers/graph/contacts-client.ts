// The Graph calls of the contact sync, on the account's GraphClient: reads retried as the mail reads are
// (Retry-After honoured), writes sent by hand so that only a throttled answer (never applied) is sent
// again at once, and every failure in the contact port's terms: 412 → conflict, 410 → cursor-rejected,
// a 503 (or any temporary failure) that names a wait → throttled, 401 after a refreshed token → auth.
import { SyncError } from "../../sync/errors.js";
import { type AccessTokenGetter, type FetchFn, HttpSyncError, type RetryPolicy } from "../http.js";
import { type BatchResponse, GraphClient } from "./client.js";

export interface GraphContactsClientOptions {
  /** GRAPH_URL. */
  baseUrl: string;
  accessToken: AccessTokenGetter;
  /** Ends every request of the port (a stopped step). */
  signal?: AbortSignal;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** A failure as the contact port reports it (see the header). */
export function contactsError(err: unknown): unknown {
  if (!(err instanceof SyncError)) return err;
  const status = err instanceof HttpSyncError ? err.status : undefined;
  if (status === 412)
    return new SyncError("conflict", "The contact changed in Exchange since it was read.", { cause: err });
  if (err.kind === "cursor-rejected")
    return new SyncError(
      "cursor-rejected",
      "Microsoft no longer accepts the contact sync position; the folder is read again.",
      {
        cause: err,
      },
    );
  if (err.kind === "temporary" && err.retryAfterMs !== undefined)
    return new SyncError("throttled", "Microsoft asked to slow down.", {
      retryAfterMs: err.retryAfterMs,
      cause: err,
    });
  return err;
}

/**
 * Requests that end with the step: once `signal` is aborted no request starts and one in flight fails
 * with a SyncError that is not retried (the shared client would take an aborted fetch for a network
 * error and try again).
 */
function stoppable(base: FetchFn, signal: AbortSignal): FetchFn {
  const stopped = () =>
    new SyncError("unknown", "The contact sync step was stopped.", { cause: signal.reason });
  return async (input, init) => {
    if (signal.aborted) throw stopped();
    // A signal of its own per request, tied to the step's and untied when done: fetch leaves its abort
    // listener on the signal it is given, and a step makes thousands of requests.
    const own = new AbortController();
    const stop = () => own.abort(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    try {
      return await base(input, { ...init, signal: own.signal });
    } catch (err) {
      if (signal.aborted) throw stopped();
      throw err;
    } finally {
      signal.removeEventListener("abort", stop);
    }
  };
}

export class GraphContactsClient {
  readonly reads: GraphClient;
  private readonly writes: GraphClient;
  readonly retry: RetryPolicy;

  constructor(o: GraphContactsClientOptions) {
    const base = o.fetch ?? ((input, init) => fetch(input, init));
    const doFetch: FetchFn = o.signal ? stoppable(base, o.signal) : base;
    this.reads = new GraphClient({ ...o, fetch: doFetch });
    this.retry = this.reads.retry;
    this.writes = new GraphClient({ ...o, fetch: doFetch, retry: { ...o.retry, maxRetries: 0 } });
  }

  async get<T>(target: string, headers: Record<string, string> = {}): Promise<T> {
    try {
      return await this.reads.call<T>("GET", target, { headers });
    } catch (err) {
      throw contactsError(err);
    }
  }

  /** GETs in $batch of at most 20, answered by id (reads only: safe to send again). */
  async batch(urls: { id: string; url: string }[]): Promise<Map<string, BatchResponse>> {
    try {
      return await this.reads.batch(urls.map((u) => ({ ...u, method: "GET" as const })));
    } catch (err) {
      throw contactsError(err);
    }
  }

  /**
   * One write, sent again only after a throttled answer (Graph did not apply it). Any other failure
   * — a lost answer, a 5xx — is thrown as it is: the write may or may not have been applied, and only
   * the caller knows how to find out.
   */
  async write<T>(
    method: Method,
    target: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    for (let n = 0; ; n++) {
      try {
        return await this.writes.call<T>(method, target, { json, headers });
      } catch (raw) {
        const err = contactsError(raw);
        if (!(err instanceof SyncError) || err.kind !== "throttled" || n >= this.retry.maxRetries) throw err;
        const wait = err.retryAfterMs ?? this.retry.backoffMs * 2 ** n;
        if (wait > this.retry.maxWaitMs) throw err;
        await this.retry.sleep(wait);
      }
    }
  }
}

/** True for a failure after which a write may have been applied (lost answer, 5xx). */
export const ambiguous = (err: unknown) => err instanceof SyncError && err.kind === "temporary";
