import type { Config } from "../config.js";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";

/** The background jobs Concilia knows, with their payloads. */
export interface JobPayloads {
  /** Remove these attachment blobs if no attachment row uses them (any more). */
  "blobs.collect": { sha256: string[] };
  /** Delete used or expired one-time codes, long-expired API tokens and stale sign-in failures. */
  "auth.purge-expired": Record<string, never>;
  /** One short, resumable sync step of this connection (server/sync/step.ts). */
  "sync.step": { connectionId: string };
  /** Queue a step for every connection that is due; free stuck steps (server/sync/tick.ts). */
  "sync.tick": Record<string, never>;
  /** Free the steps whose worker died and queue them again (server/sync/watchdog.ts). */
  "sync.watchdog": Record<string, never>;
}
export type JobName = keyof JobPayloads;

/** What a running job is given besides its payload. */
export interface Step {
  /**
   * Aborted when the step has used its time budget (`stepSeconds`), when the process shuts down, or when
   * the job was taken from this worker. A long handler checks it between units of work, each committed
   * on its own, and returns "more" to be queued again from where it stopped.
   */
  signal: AbortSignal;
}

/**
 * A job handler. Delivery is at least once, so every handler must be safe to run twice; progress that
 * must survive a crash is committed in the database as the handler goes. "more" queues the job again.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most handlers return nothing; only long steps say "more"
export type JobHandler<D> = (ctx: AppContext, data: D, step: Step) => Promise<void | "more">;

/**
 * pg-boss queue policies (v10, see plans.js): `standard` no uniqueness; `short` at most one queued job per
 * singleton key; `singleton` at most one active job per key; `stately` at most one queued, one retrying
 * and one active job per key. Keys only mean something on a non-standard queue.
 */
export type QueuePolicy = "standard" | "short" | "singleton" | "stately";

/** One queue: how pg-boss keeps its jobs, how this server works them, and why. */
export interface QueueDef<D> {
  policy: QueuePolicy;
  /**
   * A job not completed within this many seconds of its start or of its last heartbeat is taken back and
   * retried: how long a dead worker holds its jobs. A live worker's heartbeat keeps a longer step its own.
   */
  expireInSeconds: number;
  /** Tries after the first; an expiry counts as a failed try. */
  retryLimit: number;
  /** Seconds before the first retry; doubled at each further one when `retryBackoff`. */
  retryDelay: number;
  retryBackoff: boolean;
  /** Jobs of this queue one process works at the same time. */
  concurrency: number;
  /**
   * Jobs with the same key never run at the same time, in any process (a per-key lease held while the
   * handler runs), and at most one waits in the queue when the policy is `short`.
   */
  keyOf?: (data: D) => string;
  /** Time budget of one step: after it `signal` aborts and the handler should commit and return "more". */
  stepSeconds?: number;
  /** Queue this job every N seconds (once per N-second slot, whatever the number of processes). */
  everySeconds?: (config: Config) => number;
  handler: JobHandler<D>;
  /** Why these settings: read before changing them. */
  why: string;
}

export type QueueDefs<P> = { [N in keyof P & string]: QueueDef<P[N]> };

export interface Jobs<P = JobPayloads> {
  /** Queues a job inside the caller's transaction: the job exists only if the transaction commits. */
  /** `priority`: taken before waiting jobs of lower priority (default 0). */
  send<N extends keyof P & string>(
    tx: Tx,
    name: N,
    data: P[N],
    options?: { priority?: number },
  ): Promise<void>;
  /**
   * Queues several jobs of one queue inside the caller's transaction, in one statement (and one more
   * for keyed queues): what `send` does for each, without holding the keys' new rows across a round trip
   * per job, during which every other sender of those keys waits for the transaction to end.
   */
  sendMany<N extends keyof P & string>(
    tx: Tx,
    name: N,
    jobs: { data: P[N]; priority?: number }[],
  ): Promise<void>;
  /** Starts processing jobs and running the schedules in this process. */
  work(ctx: AppContext): Promise<void>;
  /** Jobs waiting per queue, for /metrics and tests. */
  counts(): Promise<Record<string, number>>;
  /** Stops taking jobs, asks running ones to stop at their next unit of work, and waits for them. */
  stop(): Promise<void>;
}
