// The provider HTTP client against a real local HTTP server: Retry-After (seconds and HTTP dates),
// retries only for requests safe to repeat, the per-account concurrency limit, timeouts, and the
// mapping of statuses to the sync's error classes.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../server/config.js";
import { registry } from "../../server/metrics.js";
import { SyncError } from "../../server/sync/errors.js";
import {
  classifyStatus,
  type HttpClientOptions,
  ProviderHttpClient,
  parseRetryAfter,
  providerBaseUrl,
} from "../../server/sync/http-client.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

describe("provider HTTP client", () => {
  let server: http.Server;
  let base: string;
  const routes = new Map<string, Handler>();
  const seen: { path: string; method: string; headers: http.IncomingHttpHeaders; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const path = new URL(req.url ?? "/", "http://x").pathname;
        seen.push({ path, method: req.method ?? "", headers: req.headers, at: Date.now() });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on("close", () => inFlight--);
        const h = routes.get(path);
        if (h) h(req, res, body);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  let n = 0;
  const client = (o: Partial<HttpClientOptions> = {}) =>
    new ProviderHttpClient({
      provider: "test",
      baseUrl: base,
      accountKey: `account-${++n}`,
      concurrency: 4,
      timeoutMs: 2_000,
      maxRetries: 3,
      backoffMs: 20,
      ...o,
    });
  /** Answers each request with the next of `answers` (the last one repeats). */
  const script = (path: string, answers: [number, Record<string, string>?, unknown?][]) => {
    let i = 0;
    routes.set(path, (_req, res) => {
      const [status, headers, body] = answers[Math.min(i++, answers.length - 1)];
      res
        .writeHead(status, { "content-type": "application/json", ...headers })
        .end(JSON.stringify(body ?? {}));
    });
    return () => seen.filter((s) => s.path === path);
  };
  const throttleSeconds = async () =>
    (await registry.getSingleMetric("concilia_sync_throttle_wait_seconds_total")?.get())?.values.find(
      (v) => v.labels.provider === "test",
    )?.value ?? 0;

  it("R-P-3: a 429 with Retry-After in seconds is waited out, then the request goes through; the wait is measured", async () => {
    const calls = script("/throttled", [
      [429, { "retry-after": "1" }],
      [200, {}, { ok: true }],
    ]);
    const before = await throttleSeconds();
    const t0 = Date.now();
    expect(await client().json("GET", "/throttled")).toEqual({ ok: true });
    expect(calls()).toHaveLength(2);
    expect(calls()[1].at - calls()[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await throttleSeconds()) - before).toBe(1);
  });

  it("R-P-3: Retry-After as an HTTP date is read as the time left until then", async () => {
    const now = Date.parse("2026-11-30T10:00:00Z");
    expect(parseRetryAfter("Mon, 30 Nov 2026 10:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Mon, 30 Nov 2026 09:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("7", now)).toBe(7_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();

    const calls = script("/dated", [
      [503, { "retry-after": new Date(Date.now() + 2_000).toUTCString() }],
      [200],
    ]);
    await client().request("GET", "/dated");
    expect(calls()).toHaveLength(2);
    expect(calls()[1].at - calls()[0].at).toBeGreaterThanOrEqual(900); // the date has whole seconds
  });

  it("R-P-3: a wait longer than a step may sleep ends the request with a throttled error carrying the wait", async () => {
    const calls = script("/long-wait", [[429, { "retry-after": "3600" }]]);
    const err = await client()
      .request("GET", "/long-wait")
      .catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err).toMatchObject({ kind: "throttled", retryAfterMs: 3_600_000 });
    expect(calls()).toHaveLength(1);
  });

  it("R-P-3: a POST is not repeated after a failure unless it carries an idempotency key, and then at most maxRetries times", async () => {
    const plain = script("/create", [[503]]);
    await expect(client().request("POST", "/create", { json: { a: 1 } })).rejects.toMatchObject({
      kind: "temporary",
    });
    expect(plain()).toHaveLength(1);

    const keyed = script("/create-keyed", [[503]]);
    await expect(
      client({ maxRetries: 2 }).request("POST", "/create-keyed", { json: { a: 1 }, idempotencyKey: "op-42" }),
    ).rejects.toMatchObject({ kind: "temporary" });
    expect(keyed()).toHaveLength(3);
    expect(keyed().every((c) => c.headers["idempotency-key"] === "op-42")).toBe(true);

    const flaky = script("/read", [[500], [502], [200, {}, { items: [] }]]);
    expect(await client().json("GET", "/read")).toEqual({ items: [] });
    expect(flaky()).toHaveLength(3);
  });

  it("R-P-3: one account never has more requests in flight than its limit, across its clients; another account is not held back", async () => {
    routes.set("/slow", (_req, res) => {
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), 80);
    });
    const opts = { accountKey: "mailbox-limit", concurrency: 2 };
    const a = client(opts);
    const b = client(opts);
    maxInFlight = 0;
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).request("GET", "/slow")));
    expect(maxInFlight).toBe(2);
    maxInFlight = 0;
    await Promise.all([
      ...Array.from({ length: 4 }, () => a.request("GET", "/slow")),
      ...Array.from({ length: 4 }, () => client({ concurrency: 2 }).request("GET", "/slow")),
    ]);
    expect(maxInFlight).toBeGreaterThan(2);
  });

  it("R-P-3: a server that does not answer times out as a temporary error, retried a bounded number of times", async () => {
    routes.set("/hang", () => {});
    const t0 = Date.now();
    const err = await client({ timeoutMs: 200, maxRetries: 1 })
      .request("GET", "/hang")
      .catch((e) => e);
    expect(err).toMatchObject({ kind: "temporary", message: expect.stringMatching(/did not answer/) });
    expect(seen.filter((s) => s.path === "/hang")).toHaveLength(2);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it("R-P-2, R-P-3: statuses map to the error classes, and the message quotes no body", async () => {
    const cases: [number, unknown, string][] = [
      [401, { error: "invalid_grant" }, "auth"],
      [403, { error: { errors: [{ reason: "userRateLimitExceeded" }] } }, "throttled"],
      [403, { error: { code: "accessDenied" } }, "auth"],
      [404, {}, "not-found"],
      [410, { error: { code: "fullSyncRequired" } }, "cursor-rejected"],
      [400, { error: { code: "syncStateNotFound" } }, "cursor-rejected"],
      [400, { error: { code: "invalidRequest" } }, "unknown"],
      [500, {}, "temporary"],
      [504, {}, "temporary"],
    ];
    for (const [status, body, kind] of cases) expect(classifyStatus(status, body)).toBe(kind);
    script("/secret-body", [[401, {}, { error: "invalid_grant", token: "ya29.SECRET" }]]);
    const err = await client()
      .request("GET", "/secret-body")
      .catch((e) => e);
    expect(err).toMatchObject({ kind: "auth" });
    expect(err.message).not.toMatch(/SECRET|invalid_grant/);
  });

  it("the API base URL comes from configuration", () => {
    const config = loadConfig({
      CONCILIA_PROVIDER_URLS: "google=http://127.0.0.1:9999/gmail/, microsoft=http://localhost:1/graph",
    });
    expect(providerBaseUrl(config, "google")).toBe("http://127.0.0.1:9999/gmail");
    expect(providerBaseUrl(config, "microsoft")).toBe("http://localhost:1/graph");
    expect(providerBaseUrl(loadConfig({}), "microsoft")).toBe("https://graph.microsoft.com/v1.0");
    expect(() => loadConfig({ CONCILIA_PROVIDER_URLS: "google" })).toThrow(/CONCILIA_PROVIDER_URLS/);
  });
});
