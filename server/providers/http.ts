// What the Gmail and Graph clients share: an injected fetch, Retry-After read in both spellings, HTTP
// answers classified into the sync's error kinds, and bounded retries that honour the provider's wait.
import type { z } from "zod";
import type { Config } from "../config.js";
import { SyncError, type SyncErrorKind } from "../sync/errors.js";

export type FetchFn = (input: string | URL, init?: RequestInit) => Promise<Response>;
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sleep that ends with the step: a shutting-down worker or a step out of time does not sit out a
 * provider's backoff (up to a minute) before it stops. It throws the signal's reason.
 */
export function sleepUntilAborted(signal: AbortSignal): Sleep {
  return (ms) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const stop = () => {
        clearTimeout(t);
        reject(signal.reason);
      };
      const t = setTimeout(() => {
        signal.removeEventListener("abort", stop);
        resolve();
      }, ms);
      signal.addEventListener("abort", stop, { once: true });
    });
}

/** How a client retries: the provider's wait when it names one, else exponential backoff from `backoffMs`. */
export interface RetryPolicy {
  maxRetries: number;
  backoffMs: number;
  /** A longer wait ends the call with a throttled SyncError carrying it (the engine waits, not us). */
  maxWaitMs: number;
  sleep: Sleep;
}

export const defaultRetry: RetryPolicy = {
  maxRetries: 5,
  backoffMs: 500,
  maxWaitMs: 60_000,
  sleep: realSleep,
};

/**
 * How a sync step's Gmail, Google Calendar and Graph calls retry: CONCILIA_PROVIDER_RETRIES tries after
 * the first (its default is `defaultRetry`'s), and waits that end with the step.
 */
export function stepRetry(
  config: Pick<Config, "CONCILIA_PROVIDER_RETRIES">,
  signal: AbortSignal,
): Partial<RetryPolicy> {
  return { maxRetries: config.CONCILIA_PROVIDER_RETRIES, sleep: sleepUntilAborted(signal) };
}

/** Retry-After in milliseconds: delta-seconds (fractions too) or an HTTP date; undefined when absent. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.ceil(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const RATE_LIMITED =
  /rateLimitExceeded|userRateLimitExceeded|ApplicationThrottled|TooManyRequests|concurrent requests/i;
const CURSOR_CODES = /syncStateNotFound|resyncRequired|fullSyncRequired/i;

/** The error kind of an HTTP failure; the body is searched only for a provider's throttling or reset code. */
export function classifyHttp(status: number, body: string): SyncErrorKind {
  if (status === 429) return "throttled";
  if (status === 403 && RATE_LIMITED.test(body)) return "throttled";
  if (status === 401 || status === 403) return "auth";
  if (status === 410 || (status === 400 && CURSOR_CODES.test(body))) return "cursor-rejected";
  if (status === 404) return "not-found";
  if ([408, 500, 502, 503, 504].includes(status)) return "temporary";
  return "unknown";
}

/** The provider's wait: the Retry-After header, else Gmail's "Retry after <instant>" in the message. */
export function providerWait(
  headers: Headers | Record<string, string> | undefined,
  body: string,
): number | undefined {
  const header = headers instanceof Headers ? headers.get("retry-after") : headers?.["retry-after"];
  const fromHeader = parseRetryAfter(header);
  if (fromHeader !== undefined) return fromHeader;
  const at = /Retry after (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(body)?.[1];
  return at ? Math.max(0, Date.parse(at) - Date.now()) : undefined;
}

/** A classified HTTP failure that keeps its status (a 401 is worth one try with a refreshed token). */
export class HttpSyncError extends SyncError {
  constructor(
    readonly status: number,
    kind: SyncErrorKind,
    message: string,
    retryAfterMs?: number,
  ) {
    super(kind, message, retryAfterMs);
  }
}

/** A failed answer as a SyncError whose message names the provider and status, never a body or token. */
export function httpError(
  provider: string,
  status: number,
  headers: Headers | Record<string, string>,
  body: string,
) {
  return new HttpSyncError(
    status,
    classifyHttp(status, body),
    `The ${provider} server answered ${status}.`,
    providerWait(headers, body),
  );
}

/** The connection's access token; `forceRefresh` asks for a new one even if the stored one looks valid. */
export type AccessTokenGetter = (o?: { forceRefresh?: boolean }) => Promise<string>;

/**
 * Runs `attempt` with a bearer token. A 401 gets one more try with a token refreshed on purpose: an
 * access token can die before its stated expiry (revoked, or a clock apart); a second 401 is `auth`.
 */
export async function withBearer<T>(
  token: AccessTokenGetter,
  attempt: (authorization: string) => Promise<T>,
): Promise<T> {
  try {
    return await attempt(`Bearer ${await token()}`);
  } catch (err) {
    if (!(err instanceof HttpSyncError && err.status === 401)) throw err;
    return attempt(`Bearer ${await token({ forceRefresh: true })}`);
  }
}

export const isRetryable = (e: unknown): e is SyncError =>
  e instanceof SyncError && (e.kind === "temporary" || e.kind === "throttled");

/** Runs `attempt` until it succeeds, a failure is not retryable, the tries run out or a wait is too long. */
export async function withRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isRetryable(err) || n >= policy.maxRetries) throw err;
      const wait = err.retryAfterMs ?? policy.backoffMs * 2 ** n;
      if (wait > policy.maxWaitMs) throw new SyncError(err.kind, err.message, wait);
      await policy.sleep(wait);
    }
  }
}

/** One network call as a Response, a dropped connection as a temporary SyncError. */
export async function send(provider: string, doFetch: FetchFn, url: string | URL, init: RequestInit) {
  try {
    return await doFetch(url, init);
  } catch (err) {
    if (err instanceof SyncError) throw err;
    throw new SyncError("temporary", `The ${provider} server could not be reached.`);
  }
}

/** A 2xx body read as JSON; one that is not (cut short, a proxy's page) is a temporary failure (R-P-4). */
export function readJson(provider: string, text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new SyncError("temporary", `The ${provider} server answered with something that is not JSON.`);
  }
}

/**
 * One JSON request: `json` (when given) sent as the body, a failed answer as an HttpSyncError, a 2xx
 * body read as JSON (null when empty).
 */
export async function sendJson(
  provider: string,
  doFetch: FetchFn,
  url: string | URL,
  init: { method: string; headers: Record<string, string>; json?: unknown },
): Promise<unknown> {
  const headers =
    init.json === undefined ? init.headers : { ...init.headers, "content-type": "application/json" };
  const res = await send(provider, doFetch, url, {
    method: init.method,
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  if (!res.ok) throw httpError(provider, res.status, res.headers, text);
  return readJson(provider, text);
}

/** Google's query parameters: an array is the parameter repeated, an undefined value left out. */
export function appendQuery(url: URL, query: Record<string, string | string[] | undefined>): URL {
  for (const [k, v] of Object.entries(query))
    for (const one of v === undefined ? [] : Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
  return url;
}

/**
 * A provider's answer checked against the shape the reader relies on, so that a field of the wrong type
 * is a classified failure the engine reacts to, not a crash halfway through a page (R-P-4).
 */
export function answerOf<T>(provider: string, what: string, schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new SyncError("unknown", `The ${provider} server's ${what} is not in the expected shape.`);
  return r.data;
}
