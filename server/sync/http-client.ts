// The one HTTP client of every provider adapter (Gmail, Graph, CalDAV…), on Node's fetch: the base URL
// from configuration (emulators and real providers are the same code path), a concurrency limit per
// account (Graph allows 4 concurrent requests per mailbox), Retry-After honoured (seconds or an HTTP
// date), bounded retries only for requests that are safe to repeat (idempotent methods, or carrying an
// idempotency key), a timeout per request, and statuses mapped to the sync's error classes.
import type { Config } from "../config.js";
import { syncThrottleWait } from "../metrics.js";
import { SyncError, type SyncErrorKind } from "./errors.js";

/** Default API roots; CONCILIA_PROVIDER_URLS overrides them (name=url). */
const DEFAULT_URLS: Record<string, string> = {
  google: "https://gmail.googleapis.com",
  microsoft: "https://graph.microsoft.com/v1.0",
};

export function providerBaseUrl(config: Config, name: string): string {
  const url = config.CONCILIA_PROVIDER_URLS[name] ?? DEFAULT_URLS[name];
  if (!url)
    throw new Error(`No API URL for provider '${name}': set CONCILIA_PROVIDER_URLS=${name}=https://…`);
  return url;
}

export interface HttpClientOptions {
  /** For metrics and messages: "google", "microsoft"… */
  provider: string;
  baseUrl: string;
  /** Requests of one account share its concurrency limit, across every client made for it. */
  accountKey: string;
  concurrency: number;
  timeoutMs: number;
  /** Tries after the first for a request that may be repeated. */
  maxRetries: number;
  /** The longest wait (Retry-After or backoff) taken inside a request (default 10 s, within a step's 20 s); a longer one ends the step and the state machine waits instead. */
  maxWaitMs?: number;
  /** First backoff when the provider names no wait, doubled per try. */
  backoffMs?: number;
  /** Headers of every request, e.g. the access token (asked for each try: it may be refreshed). */
  headers?: () => Record<string, string> | Promise<Record<string, string>>;
  /** The header an idempotency key travels in. */
  idempotencyHeader?: string;
  /** A provider's own reading of an error answer; undefined falls back to the status mapping. */
  classify?: (status: number, body: unknown) => SyncErrorKind | undefined;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Makes a non-idempotent request (POST, PATCH) safe to retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the bytes. */
  body: unknown;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);
const RATE_LIMIT_REASONS = /rateLimitExceeded|userRateLimitExceeded|ApplicationThrottled|TooManyRequests/;

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The error class of an HTTP error answer (the body is only searched for a rate-limit reason). */
export function classifyStatus(status: number, body: unknown): SyncErrorKind {
  const text = typeof body === "string" ? body : body && typeof body === "object" ? JSON.stringify(body) : "";
  if (status === 429) return "throttled";
  if (status === 403 && RATE_LIMIT_REASONS.test(text)) return "throttled";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not-found";
  if (status === 410) return "cursor-rejected";
  if (status === 400 && /syncStateNotFound|resyncRequired|fullSyncRequired/.test(text))
    return "cursor-rejected";
  if (status === 408 || status === 500 || status === 502 || status === 503 || status === 504)
    return "temporary";
  return "unknown";
}

/** A counting semaphore: at most `limit` holders at once. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    return () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

const limiters = new Map<string, Limiter>();

function limiterFor(key: string, limit: number): Limiter {
  let l = limiters.get(key);
  if (!l) {
    l = new Limiter(limit);
    limiters.set(key, l);
  }
  return l;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

const describe = (status: number) =>
  ({
    401: "refused the credentials",
    403: "refused access",
    404: "does not know this item",
    410: "no longer accepts the sync position",
    429: "asked to slow down",
  })[status] ?? `answered ${status}`;

export class ProviderHttpClient {
  private readonly limiter: Limiter;

  constructor(private readonly o: HttpClientOptions) {
    this.limiter = limiterFor(`${o.provider}:${o.accountKey}`, o.concurrency);
  }

  async request(method: string, path: string, r: RequestOptions = {}): Promise<ProviderResponse> {
    const { o } = this;
    const url = new URL(o.baseUrl.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(r.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const repeatable = IDEMPOTENT.has(method) || r.idempotencyKey !== undefined;
    const maxWait = o.maxWaitMs ?? 10_000;
    for (let attempt = 0; ; attempt++) {
      let failure: SyncError;
      const release = await this.limiter.acquire();
      try {
        const res = await this.send(method, url, r);
        if (res.ok) return { status: res.status, headers: res.headers, body: await bodyOf(res) };
        const body = await bodyOf(res).catch(() => undefined);
        const retryAfter = parseRetryAfter(res.headers.get("retry-after"));
        let kind = o.classify?.(res.status, body) ?? classifyStatus(res.status, body);
        if (kind === "temporary" && res.status === 503 && retryAfter !== undefined) kind = "throttled";
        failure = new SyncError(kind, `The ${o.provider} server ${describe(res.status)}.`, retryAfter);
      } catch (err) {
        if (r.signal?.aborted) throw err;
        if (err instanceof SyncError) throw err;
        const timedOut = (err as Error)?.name === "TimeoutError";
        failure = new SyncError(
          "temporary",
          timedOut
            ? `The ${o.provider} server did not answer within ${Math.round(o.timeoutMs / 1000)} s.`
            : `The ${o.provider} server could not be reached.`,
        );
      } finally {
        release();
      }
      const retryable = failure.kind === "temporary" || failure.kind === "throttled";
      if (!retryable || !repeatable || attempt >= o.maxRetries) throw failure;
      const wait = failure.retryAfterMs ?? (o.backoffMs ?? 500) * 2 ** attempt;
      // Longer than a step should sleep: the step ends and the state machine waits (next_run_at).
      if (wait > maxWait) throw new SyncError(failure.kind, failure.message, wait);
      if (failure.kind === "throttled") syncThrottleWait.inc({ provider: o.provider }, wait / 1000);
      await sleep(wait, r.signal);
    }
  }

  async json<T = unknown>(method: string, path: string, r: RequestOptions = {}): Promise<T> {
    return (await this.request(method, path, r)).body as T;
  }

  private async send(method: string, url: URL, r: RequestOptions): Promise<Response> {
    const { o } = this;
    const headers: Record<string, string> = {
      accept: "application/json",
      ...(await o.headers?.()),
      ...r.headers,
    };
    if (r.idempotencyKey !== undefined)
      headers[(o.idempotencyHeader ?? "Idempotency-Key").toLowerCase()] = r.idempotencyKey;
    let body: string | Uint8Array | undefined = r.body;
    if (r.json !== undefined) {
      body = JSON.stringify(r.json);
      headers["content-type"] = "application/json";
    }
    const timeout = AbortSignal.timeout(o.timeoutMs);
    return fetch(url, {
      method,
      headers,
      body: body as BodyInit | undefined,
      signal: r.signal ? AbortSignal.any([r.signal, timeout]) : timeout,
    });
  }
}

async function bodyOf(res: Response): Promise<unknown> {
  if (res.status === 204) return null;
  if (/json/.test(res.headers.get("content-type") ?? "")) return res.json();
  return Buffer.from(await res.arrayBuffer());
}

/** A client for one account of a provider, with the deployment's settings. */
export function providerHttpClient(
  config: Config,
  provider: string,
  accountKey: string,
  extra: Partial<HttpClientOptions> = {},
): ProviderHttpClient {
  return new ProviderHttpClient({
    provider,
    accountKey,
    baseUrl: providerBaseUrl(config, provider),
    concurrency: config.CONCILIA_PROVIDER_CONCURRENCY,
    timeoutMs: config.CONCILIA_PROVIDER_TIMEOUT_SECONDS * 1000,
    maxRetries: config.CONCILIA_PROVIDER_RETRIES,
    ...extra,
  });
}
