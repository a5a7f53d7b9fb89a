// Works one queue in this process: `concurrency` loops, each taking one job at a time, running it under
// a heartbeat (so a live step keeps its job however long it runs, and only a dead worker's job expires),
// the per-key lease of keyed queues, and the step budget that asks long handlers to yield.
import type PgBoss from "pg-boss";
import type { AppContext } from "../context.js";
import type { Database } from "../db/index.js";
import type { Logger } from "../log.js";
import { tryLockKey } from "./key-lock.js";
import type { QueueDef } from "./queue.js";

/** How often an idle loop looks for jobs (a job sent from this process wakes it at once). */
const POLL_MS = 1000;
/** How long stop() waits for running jobs before leaving them to expire. */
const STOP_WAIT_MS = 10_000;

type Job = PgBoss.JobWithMetadata<unknown>;

export class QueueWorker {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];
  private readonly idlers = new Set<() => void>();
  private readonly running = new Set<AbortController>();
  private readonly heartbeatSql: string;
  private readonly dueNowSql: string;
  private readonly liftSql: string;

  constructor(
    private readonly boss: PgBoss,
    private readonly database: Database,
    private readonly log: Logger,
    private readonly name: string,
    private readonly def: QueueDef<unknown>,
    schema: string,
  ) {
    // pg-boss v10 has no heartbeat; its expiry is `started_on + expire_in < now()` (plans.js
    // failJobsByTimeout), so moving `started_on` forward is one. Only an active job of ours is touched.
    this.heartbeatSql = `update ${schema}.job set started_on = now() where name = $1 and id = $2 and state = 'active' returning id`;
    this.dueNowSql = `update ${schema}.job set start_after = now() where name = $1 and singleton_key = $2 and state = 'created' and start_after > now()`;
    this.liftSql = `update ${schema}.job set priority = $3 where name = $1 and singleton_key = $2 and state = 'created' and priority < $3`;
  }

  start(ctx: AppContext) {
    for (let i = 0; i < this.def.concurrency; i++) this.loops.push(this.loop(ctx));
  }

  /** A job was just queued: idle loops look now instead of at their next poll. */
  wake() {
    for (const wake of this.idlers) wake();
  }

  async stop() {
    this.stopping = true;
    this.wake();
    for (const ac of this.running) ac.abort(new Error("the worker is shutting down"));
    const timeout = new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref());
    await Promise.race([Promise.all(this.loops), timeout]);
  }

  private async loop(ctx: AppContext) {
    while (!this.stopping) {
      let job: Job | undefined;
      try {
        [job] = await this.boss.fetch(this.name, { batchSize: 1, includeMetadata: true });
      } catch (err) {
        this.log.error({ err, queue: this.name }, "could not fetch jobs");
      }
      if (job && !this.stopping)
        await this.run(ctx, job).catch((err) =>
          // Left active, the job expires and is retried: the loop itself must go on.
          this.log.error({ err, job: job?.id, queue: this.name }, "could not run a job"),
        );
      else if (!this.stopping) await this.idle();
    }
  }

  private idle() {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.idlers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      this.idlers.add(done);
    });
  }

  private async run(ctx: AppContext, job: Job) {
    const { name, def, log } = this;
    const key = def.keyOf?.(job.data);
    const held = key === undefined ? null : await tryLockKey(this.database, name, key);
    if (key !== undefined && !held) return this.defer(job, key);
    let released: Promise<void> | undefined;
    const release = () => {
      released ??= held?.release();
      return released;
    };
    const ac = new AbortController();
    this.running.add(ac);
    const beat = setInterval(() => void this.heartbeat(job, ac), (def.expireInSeconds * 1000) / 3);
    const budget = def.stepSeconds
      ? setTimeout(() => ac.abort(new Error("the step used its time budget")), def.stepSeconds * 1000)
      : undefined;
    try {
      const result = await def.handler(ctx, job.data, { signal: ac.signal });
      // The handler is done: free its key first, so that a worker taking the next step at once finds
      // it free instead of deferring it behind this job's bookkeeping.
      await release();
      // The next step is queued before this one completes: a crash in between repeats a step, never loses one.
      if (result === "more") await this.continueWith(job, key);
      // A job of this key deferred while this one ran (a push mid-step) is due now, not after the pause.
      else if (key !== undefined) await this.database.query(this.dueNowSql, [name, key]);
      await this.boss.complete(name, job.id);
    } catch (err) {
      log.warn({ err, job: job.id, queue: name }, "job failed; it will be retried");
      await this.boss
        .fail(name, job.id, { message: String((err as Error)?.message ?? err) })
        .catch((e) => log.error({ err: e, job: job.id, queue: name }, "could not record a job's failure"));
    } finally {
      clearInterval(beat);
      clearTimeout(budget);
      this.running.delete(ac);
      await release();
    }
  }

  /**
   * Queues the next step. On a keyed queue a job deferred while this one ran may already wait, later
   * (see defer): the send is then dropped (one waiting job per key), so that job is made due now instead.
   */
  private async continueWith(job: Job, key: string | undefined) {
    await this.boss.send(this.name, job.data as object, { singletonKey: key });
    if (key !== undefined) await this.database.query(this.dueNowSql, [this.name, key]);
  }

  private async heartbeat(job: Job, ac: AbortController) {
    try {
      const { rows } = await this.database.query(this.heartbeatSql, [this.name, job.id]);
      // Expired (a heartbeat came too late) or cancelled: another worker may take it once our lease ends.
      if (!rows.length) ac.abort(new Error("the job was taken back from this worker"));
    } catch (err) {
      this.log.warn({ err, job: job.id, queue: this.name }, "job heartbeat failed");
    }
  }

  /**
   * Another job of the same key is running: this one waits for a later turn, queued again after a pause
   * (dropped if one of that key already waits, which then does the work). Not a failure: no try is used.
   * It keeps its priority (a dead worker's step, queued again, found its lease taken for a moment must
   * not fall behind every routine poll), and lends it to the job that waits instead. Completed with
   * `{ deferred: true }`: the job queue's completed steps are counted apart from these (the benchmarks'
   * steps per second).
   */
  private async defer(job: Job, key: string) {
    const seconds = Math.max(1, Math.min(this.def.stepSeconds ?? this.def.expireInSeconds, 30));
    const priority = job.priority ?? 0;
    try {
      const id = await this.boss.send(this.name, job.data as object, {
        singletonKey: key,
        startAfter: seconds,
        priority,
      });
      if (id === null && priority > 0) await this.database.query(this.liftSql, [this.name, key, priority]);
      await this.boss.complete(this.name, job.id, { deferred: true });
    } catch (err) {
      this.log.error({ err, job: job.id, queue: this.name }, "could not defer a job");
    }
  }
}
