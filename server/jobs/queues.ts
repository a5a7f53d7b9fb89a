// Every queue Concilia works, in one place, with its policy, expiry and retries and why.
//
// What pg-boss v10 does, as read in node_modules/pg-boss/src (and what shaped these choices):
// - A job taken by a worker is "active" until completed or failed; maintenance (every 2 s here) fails
//   every active job older than its expiry (`started_on + expire_in`), which counts as a try and makes it
//   a retry any worker may take. pg-boss has no heartbeat: our worker loop (worker-loop.ts) moves
//   `started_on` forward while the handler runs, so the expiry only bounds how long a DEAD worker holds
//   a job, and a step may run longer than it.
// - `work()` with a `batchSize` races the whole batch against one expiry, and fails the batch while its
//   handler still runs on: we do not use it; each job is fetched alone and runs within its own lease.
// - `singletonKey` does nothing on a `standard` queue. On `singleton`/`stately` queues a job whose key
//   is already active makes the whole fetch fail with a unique violation, which pg-boss swallows: while
//   one key's step runs, a newer job of that key at the head of the queue stops every other key too
//   (pg-boss issues #535, #849). So keyed queues here are `short` (one waiting job per key) and the
//   "never twice at once" is our per-key lease (key-lock.ts), which also outlives a missed heartbeat.
// - Retries: `retryLimit` tries after the first, `retryDelay` seconds, doubled with `retryBackoff`.
import { collectBlobs, purgeExpired } from "./handlers.js";
import type { JobPayloads, QueueDefs } from "./queue.js";

export const queues: QueueDefs<JobPayloads> = {
  "blobs.collect": {
    policy: "standard",
    expireInSeconds: 12,
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true,
    concurrency: 2,
    handler: collectBlobs,
    why:
      "Short and idempotent (deletes unreferenced files), queued by each logged email: no key, several at " +
      "once. A killed worker's job runs again within about 15 s (12 s expiry, 2 s maintenance, 1 s retry).",
  },
  "auth.purge-expired": {
    policy: "short",
    expireInSeconds: 60,
    retryLimit: 2,
    retryDelay: 30,
    retryBackoff: false,
    concurrency: 1,
    everySeconds: (config) => config.CONCILIA_PURGE_INTERVAL_SECONDS,
    handler: purgeExpired,
    why:
      "Hourly housekeeping, a few DELETE statements: `short` keeps at most one purge waiting, and a " +
      "failed one simply waits for the next hour after two retries.",
  },
};

/**
 * The pattern for the per-connection sync steps to come: keyed by connection so that one connection's
 * steps never overlap (`short` + `keyOf`), a step budget so each step commits its progress and yields,
 * a short expiry since the heartbeat covers long steps, and many retries with backoff for flaky servers:
 *
 *   "sync.step": { policy: "short", keyOf: (d) => d.connectionId, stepSeconds: 20, expireInSeconds: 30,
 *     retryLimit: 8, retryDelay: 5, retryBackoff: true, concurrency: 4, handler: syncStep, why: "…" }
 */
