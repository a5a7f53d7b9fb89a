// Prometheus metrics: request counts and durations by route, plus Node's default process metrics.
import type { FastifyInstance } from "fastify";
import client from "prom-client";

export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

const httpDuration = new client.Histogram({
  name: "concilia_http_request_duration_seconds",
  help: "HTTP request duration by route and status",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const emailsLogged = new client.Counter({
  name: "concilia_emails_logged_total",
  help: "Emails logged as activities, by outcome",
  labelNames: ["outcome"] as const,
  registers: [registry],
});

/** How many context requests shared one statement: the batching's effect under load (R-SB-8). */
export const contextBatchSize = new client.Histogram({
  name: "concilia_context_batch_size",
  help: "Context requests answered by one SQL statement",
  buckets: [1, 2, 4, 8, 16, 32],
  registers: [registry],
});

/** Sync, per provider: items written (stored, skipped, failed), errors by class, throttling, lag. */
export const syncItems = new client.Counter({
  name: "concilia_sync_items_total",
  help: "Items a sync step handled, by provider and outcome (stored, skipped, failed, parked)",
  labelNames: ["provider", "outcome"] as const,
  registers: [registry],
});

export const syncErrors = new client.Counter({
  name: "concilia_sync_errors_total",
  help: "Failed sync steps and items, by provider and error class",
  labelNames: ["provider", "kind"] as const,
  registers: [registry],
});

export const syncThrottleWait = new client.Counter({
  name: "concilia_sync_throttle_wait_seconds_total",
  help: "Seconds spent waiting because a provider asked to slow down (Retry-After)",
  labelNames: ["provider"] as const,
  registers: [registry],
});

export const syncLag = new client.Gauge({
  name: "concilia_sync_lag_seconds",
  help: "Longest time since an active connection last finished a sync, by provider",
  labelNames: ["provider"] as const,
  registers: [registry],
});

export function httpMetrics(app: FastifyInstance): void {
  app.addHook("onResponse", async (req, reply) => {
    httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
