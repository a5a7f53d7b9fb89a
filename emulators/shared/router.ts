import { HttpResponse, http, type RequestHandler } from "msw";
import type { Faults, ThrottleKnob } from "../faults.js";
import type { RequestCounter } from "./counters.js";
import type { QuotaMeter } from "./quota.js";

/**
 * A provider's routes, matched on method and pathname (hosts do not matter: in-process the real
 * provider hosts are used, served they all share the server's origin). Every request is counted,
 * may be delayed or throttled by the account's knobs before the route runs, and may lose its
 * response after the route ran (the write stays applied).
 */
export type RouteContext<Account> = {
  request: Request;
  url: URL;
  params: string[];
  account: Account;
  /** True when the request is one part of a batch. */
  batchPart: boolean;
};

export type Route<Account> = {
  method: string;
  path: RegExp;
  endpoint: string;
  /** Unauthenticated routes (OAuth endpoints, the admin route) receive `account: null`. */
  auth: boolean;
  handle(ctx: RouteContext<Account | null>): Response | Promise<Response>;
};

export type ProviderShape<Account> = {
  routes: Route<Account>[];
  faults: Faults;
  counter: RequestCounter;
  /** Resolves the caller or answers the provider's 401. */
  authenticate(request: Request): Account | Response;
  /** The key fault knobs are stored under, for an account or for an OAuth request. */
  accountKey(account: Account | null, request: Request): Promise<string | null> | string | null;
  throttled(knob: ThrottleKnob): Response;
  /** The provider's answer to an internal failure (the `serverError` knob). */
  serverError(status: 500 | 502 | 504): Response;
  /** The provider's error code for too many concurrent requests (`maxConcurrent` knob). */
  concurrencyCode?: string;
  quota: QuotaMeter;
  /** Quota cost of one request to an endpoint (Gmail units; 1 by default). */
  cost?(endpoint: string): number;
  /** The provider's throttling answer when the quota knob is exhausted. */
  quotaExceeded(retryAfter: number): Response;
  notFound(request: Request): Response;
};

/**
 * Makes the authenticated routes of one API behind its access check (scopes, consent): a request the
 * check refuses gets the check's answer, any other reaches the route's handler.
 */
export function guardedRoute<Account>(
  pattern: (path: string) => RegExp,
  access: (ctx: RouteContext<Account | null>, write: boolean) => Response | null,
) {
  return (
    method: string,
    path: string,
    endpoint: string,
    write: boolean,
    handle: (ctx: RouteContext<Account | null>) => Response | Promise<Response>,
  ): Route<Account> => ({
    method,
    path: pattern(path),
    endpoint,
    auth: true,
    handle: (ctx) => access(ctx, write) ?? handle(ctx),
  });
}

const BATCH_PART = "x-emulator-batch-part";

export function markBatchPart(headers: Headers): Headers {
  headers.set(BATCH_PART, "1");
  return headers;
}

/** Path parameters, percent-decoded; a malformed escape is kept as sent (the lookup then fails cleanly). */
const captured = (match: RegExpExecArray) =>
  match.slice(1).map((p) => {
    if (p === undefined) return p;
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });

export async function dispatch<Account>(
  provider: ProviderShape<Account>,
  request: Request,
): Promise<Response> {
  const url = new URL(request.url);
  const batchPart = request.headers.get(BATCH_PART) === "1";
  for (const route of provider.routes) {
    if (route.method !== "*" && route.method !== request.method) continue;
    const match = route.path.exec(url.pathname);
    if (!match) continue;
    provider.counter.record(route.endpoint, batchPart);
    let account: Account | null = null;
    if (route.auth) {
      const who = provider.authenticate(request);
      if (who instanceof Response) return who;
      account = who;
    }
    const key = await provider.accountKey(account, request.clone());
    if (!key) return route.handle({ request, url, params: captured(match), account, batchPart });
    provider.counter.recordFor(key, route.endpoint);
    // Batch parts run inside their batch's slot; only whole requests count as concurrent.
    const slot = batchPart ? null : provider.counter.begin(key);
    const arrived = Date.now();
    const answer = (response: Response) => {
      if (!batchPart)
        provider.counter.logRequest(key, { at: arrived, endpoint: route.endpoint, status: response.status });
      return response;
    };
    const handle = async (): Promise<Response> => {
      const limit = provider.faults.maxConcurrent(key);
      if (slot && limit !== undefined && slot.inFlight > limit) {
        return provider.throttled({ status: 429, retryAfter: 1, code: provider.concurrencyCode });
      }
      const quota = provider.faults.quota(key);
      const wait = quota ? provider.quota.take(key, quota, provider.cost?.(route.endpoint) ?? 1) : null;
      if (wait !== null) return provider.quotaExceeded(wait);
      const latency = provider.faults.latency(key);
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const knob = provider.faults.takeThrottle(key, route.endpoint);
      if (knob) return provider.throttled(knob);
      const failure = provider.faults.takeServerError(key, route.endpoint);
      if (failure) return provider.serverError(failure.status);
      const response = await route.handle({ request, url, params: captured(match), account, batchPart });
      if (!batchPart && provider.faults.takeLostResponse(key, route.endpoint)) return HttpResponse.error();
      return response;
    };
    try {
      return answer(await handle());
    } finally {
      slot?.end();
    }
  }
  provider.counter.record("unknown", batchPart);
  return provider.notFound(request);
}

/** One msw handler answering every request to the given origins (`null`: any origin, when served). */
export function mswHandler<Account>(
  provider: ProviderShape<Account>,
  origins: (() => string[]) | null,
): RequestHandler {
  return http.all(
    ({ request }) => origins === null || origins().includes(new URL(request.url).origin),
    ({ request }) => dispatch(provider, request),
  );
}
