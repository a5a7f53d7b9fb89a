// The Gmail API client of one account: the base URL from configuration (GOOGLE_API_URL, the emulator in
// tests), a fresh access token asked for on every try, retries that honour the provider's wait.

import {
  type AccessTokenGetter,
  appendQuery,
  defaultRetry,
  type FetchFn,
  type RetryPolicy,
  sendJson,
  withBearer,
  withRetries,
} from "../http.js";
import { type BatchAnswer, sendBatch } from "./batch.js";

export interface GmailClientOptions {
  baseUrl: string;
  accessToken: AccessTokenGetter;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

export const USER_PATH = "/gmail/v1/users/me";

export class GmailClient {
  readonly retry: RetryPolicy;
  private readonly doFetch: FetchFn;
  private readonly base: string;

  constructor(private readonly o: GmailClientOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
    this.doFetch = o.fetch ?? ((input, init) => fetch(input, init));
    this.base = o.baseUrl.replace(/\/$/, "");
  }

  /** A JSON call under /gmail/v1/users/me; query arrays become repeated parameters. */
  async call<T>(
    method: "GET" | "POST",
    path: string,
    query: Record<string, string | string[] | undefined> = {},
    json?: unknown,
  ): Promise<T> {
    const url = appendQuery(new URL(`${this.base}${USER_PATH}${path}`), query);
    return withRetries(this.retry, () =>
      withBearer(
        this.o.accessToken,
        async (authorization) =>
          (await sendJson("Gmail", this.doFetch, url, { method, headers: { authorization }, json })) as T,
      ),
    );
  }

  /**
   * GETs in one batch request (keys → paths under /gmail/v1/users/me). A lost or failed batch as a whole
   * is retried (its parts only read); each part's own failure is the caller's to handle.
   */
  async batch(paths: Map<string, string>): Promise<Map<string, BatchAnswer>> {
    const full = new Map(
      [...paths].map(([id, p]) => [id, `${new URL(this.base).pathname.replace(/\/$/, "")}${USER_PATH}${p}`]),
    );
    return withRetries(this.retry, () =>
      withBearer(this.o.accessToken, (authorization) =>
        sendBatch("Gmail", this.doFetch, `${this.base}/batch/gmail/v1`, full, authorization),
      ),
    );
  }
}
