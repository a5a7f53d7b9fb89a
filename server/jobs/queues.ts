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
import { syncStep, syncTick, syncWatchdog } from "../sync/jobs.js";
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
  "sync.step": {
    policy: "short",
    keyOf: (d) => d.connectionId,
    stepSeconds: 20,
    expireInSeconds: 120,
    retryLimit: 8,
    retryDelay: 5,
    retryBackoff: true,
    concurrency: 4,
    handler: syncStep,
    why:
      "One connection's sync, cut into steps that commit their pages and return 'more': keyed by the " +
      "connection so that its steps never overlap in any process (`short`: one waiting step per connection), " +
      "a 20 s budget per step. A dead worker's steps are recovered by the `sync.watchdog` job within seconds " +
      "(it cancels the dead job), so the expiry is only a backstop and is long: a live worker starved of " +
      "CPU (nice 10 on a busy host) missed its heartbeats for over 30 s, and its step was taken back, " +
      "aborted and run again. Provider failures are recorded in the connection's state and rescheduled " +
      "there; the job's own retries cover crashes.",
  },
  "sync.tick": {
    policy: "short",
    expireInSeconds: 60,
    retryLimit: 1,
    retryDelay: 5,
    retryBackoff: false,
    concurrency: 1,
    everySeconds: (config) => config.CONCILIA_SYNC_TICK_SECONDS,
    handler: syncTick,
    why:
      "Queues the steps of due connections, starts new connections' first syncs and frees stuck steps. A " +
      "few statements; a missed tick is made up by the next one, so one retry is enough.",
  },
  "sync.watchdog": {
    policy: "short",
    expireInSeconds: 30,
    retryLimit: 0,
    retryDelay: 1,
    retryBackoff: false,
    concurrency: 1,
    everySeconds: (config) =>
      config.CONCILIA_SYNC_TICK_SECONDS === 0
        ? 0
        : Math.min(config.CONCILIA_SYNC_TICK_SECONDS, config.CONCILIA_SYNC_WATCHDOG_SECONDS),
    handler: syncWatchdog,
    why:
      "A killed worker's connections stay marked running until something sees their lease is gone; " +
      "the tick does, but only every CONCILIA_SYNC_TICK_SECONDS (30 s by default), and not while its " +
      "own job is held by the dead worker. This look costs one query and a lock attempt per running " +
      "step, so it runs every few seconds; a missed run is made up by the next, so no retry.",
  },
};
