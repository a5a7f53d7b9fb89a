// The Microsoft Graph client of one account: the base URL from configuration (GRAPH_URL), links the
// service returns followed verbatim (they are absolute and rewrite the path), a fresh access token per
// try, retries that honour Retry-After, and JSON batching (at most 20 requests, answers in any order).
import { z } from "zod";
import {
  type AccessTokenGetter,
  answerOf,
  defaultRetry,
  type FetchFn,
  httpError,
  type RetryPolicy,
  send,
  sendJson,
  withBearer,
  withRetries,
} from "../http.js";

export interface GraphClientOptions {
  baseUrl: string;
  accessToken: AccessTokenGetter;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

export interface BatchRequest {
  id: string;
  method: "GET";
  url: string;
  headers?: Record<string, string>;
}

const batchAnswer = z.object({
  responses: z.array(
    z.looseObject({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).nullish(),
      body: z.unknown().optional(),
    }),
  ),
});

export interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const GRAPH_BATCH = 20;

export class GraphClient {
  readonly retry: RetryPolicy;
  readonly base: string;
  private readonly doFetch: FetchFn;

  constructor(private readonly o: GraphClientOptions) {
    this.retry = { ...defaultRetry, ...o.retry };
    this.doFetch = o.fetch ?? ((input, init) => fetch(input, init));
    this.base = o.baseUrl.replace(/\/$/, "");
  }

  /** `target` is a path under the base or an absolute link the service gave. 204 answers null. */
  async call<T>(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    target: string,
    init: { json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<T> {
    const url = /^https?:\/\//.test(target) ? target : `${this.base}${target}`;
    return withRetries(this.retry, () =>
      withBearer(
        this.o.accessToken,
        async (authorization) =>
          (await sendJson("Microsoft", this.doFetch, url, {
            method,
            headers: { authorization, ...init.headers },
            json: init.json,
          })) as T,
      ),
    );
  }

  /** A GET answered with bytes (a message's `$value`). */
  async bytes(target: string, headers: Record<string, string> = {}): Promise<Buffer> {
    return withRetries(this.retry, () =>
      withBearer(this.o.accessToken, async (authorization) => {
        const auth = { authorization: authorization, ...headers };
        const res = await send("Microsoft", this.doFetch, `${this.base}${target}`, { headers: auth });
        const buf = Buffer.from(await res.arrayBuffer());
        if (!res.ok) throw httpError("Microsoft", res.status, res.headers, buf.toString("utf8"));
        return buf;
      }),
    );
  }

  /** One $batch (only reads: a lost answer is safe to send again); answers by id. */
  async batch(requests: BatchRequest[]): Promise<Map<string, BatchResponse>> {
    const answer = answerOf(
      "Microsoft",
      "batch answer",
      batchAnswer,
      await this.call("POST", "/$batch", { json: { requests } }),
    );
    // An answer to an id that was not asked is not an answer to anything.
    const asked = new Set(requests.map((r) => r.id));
    return new Map(answer.responses.filter((r) => asked.has(r.id)).map((r) => [r.id, r as BatchResponse]));
  }
}
