import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";

/** The background jobs Concilia knows, with their payloads. */
export interface JobPayloads {
  /** Remove these attachment blobs if no attachment row uses them (any more). */
  "blobs.collect": { sha256: string[] };
  /** Delete used or expired one-time codes and long-expired API tokens. */
  "auth.purge-expired": Record<string, never>;
}
export type JobName = keyof JobPayloads;

/** A job handler. Delivery is at least once, so every handler must be safe to run twice. */
export type JobHandler<N extends JobName> = (ctx: AppContext, data: JobPayloads[N]) => Promise<void>;

export interface Jobs {
  /** Queues a job inside the caller's transaction: the job exists only if the transaction commits. */
  send<N extends JobName>(
    tx: Tx,
    name: N,
    data: JobPayloads[N],
    opts?: { singletonKey?: string },
  ): Promise<void>;
  /** Starts processing jobs in this process. */
  work(ctx: AppContext): Promise<void>;
  /** Counts of jobs by state, for /metrics and tests. */
  counts(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}
