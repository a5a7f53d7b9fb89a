// The Google Calendar v3 client of one account (GOOGLE_API_URL + /calendar/v3): JSON calls with a fresh
// access token, retries that honour Google's waits (403/429 rateLimitExceeded, 5xx), and the answer's
// status kept on failures (HttpSyncError), since 404, 409, 410 and 412 each mean something to the sync.

import {
  type AccessTokenGetter,
  appendQuery,
  defaultRetry,
  type FetchFn,
  httpError,
  type RetryPolicy,
  readJson,
  send,
  withBearer,
  withRetries,
} from "../http.js";
import { type BatchAnswer, sendBatch } from "./batch.js";

export interface CalendarClientOptions {
  /** GOOGLE_API_URL. */
  baseUrl: string;
  accessToken: AccessTokenGetter;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

export type Query = Record<string, string | string[] | undefined>;

export class GoogleCalendarClient {
  readonly retry: RetryPolicy;
  private readonly doFetch: FetchFn;
  private readonly base: string;
  private readonly root: string;

  constructor(private readonly o: CalendarClientOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
    this.doFetch = o.fetch ?? ((input, init) => fetch(input, init));
    this.root = o.baseUrl.replace(/\/$/, "");
    this.base = `${this.root}/calendar/v3`;
  }

  /**
   * GET calls under /calendar/v3 (path with its query), by id, in one request to Calendar's batch
   * endpoint (at most 50 calls); each call is answered with its own status.
   */
  async batch(paths: Map<string, string>): Promise<Map<string, BatchAnswer>> {
    const prefix = new URL(this.base).pathname;
    const full = new Map([...paths].map(([id, p]) => [id, `${prefix}${p}`]));
    return withRetries(this.retry, () =>
      withBearer(this.o.accessToken, (authorization) =>
        sendBatch("Google Calendar", this.doFetch, `${this.root}/batch/calendar/v3`, full, authorization),
      ),
    );
  }

  /** A JSON call under /calendar/v3; `null` for an empty answer (204). */
  async call<T>(
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    path: string,
    o: { query?: Query; json?: unknown; ifMatch?: string } = {},
  ): Promise<T> {
    const url = appendQuery(new URL(`${this.base}${path}`), o.query ?? {});
    return withRetries(this.retry, () =>
      withBearer(this.o.accessToken, async (authorization) => {
        const headers: Record<string, string> = { authorization };
        if (o.json !== undefined) headers["content-type"] = "application/json";
        if (o.ifMatch) headers["if-match"] = o.ifMatch;
        const res = await send("Google Calendar", this.doFetch, url, {
          method,
          headers,
          body: o.json === undefined ? undefined : JSON.stringify(o.json),
        });
        const text = await res.text();
        if (!res.ok) throw httpError("Google Calendar", res.status, res.headers, text);
        return readJson("Google Calendar", text) as T;
      }),
    );
  }
}

/** Path segment of a calendar or event id (calendar ids are addresses: `@` and `#` occur). */
export const seg = (id: string) => encodeURIComponent(id);
