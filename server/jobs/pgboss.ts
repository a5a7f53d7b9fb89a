// Jobs on pg-boss, in the same database as the CRM: on PostgreSQL several `concilia worker`
// processes share the queue; on PGlite the server process works the queue itself. The queues and
// why they are set as they are: queues.ts.
import { createHash } from "node:crypto";
import PgBoss from "pg-boss";
import type { AppContext } from "../context.js";
import { type Database, rawSql, rowsOf, type Tx } from "../db/index.js";
import { arrayLiteral } from "../db/prepared.js";
import type { Logger } from "../log.js";
import type { JobPayloads, Jobs, QueueDef, QueueDefs } from "./queue.js";
import { queues } from "./queues.js";
import { startSchedules } from "./scheduler.js";
import { QueueWorker } from "./worker-loop.js";

const SCHEMA = "pgboss";
/** How often expired jobs are taken back: with a 12 s expiry, a dead worker's job waits about 15 s. */
const MAINTENANCE_SECONDS = 2;
/** A waiting job of the key, put off until later, is due now. */
const dueNowSql = `update ${SCHEMA}.job set start_after = least(start_after, now()), priority = greatest(priority, $3) where name = $1 and singleton_key = $2 and state = 'created' and (start_after > now() or priority < $3)`;
/**
 * The same for many keys at once ($2 keys, $3 their priorities). A job the same transaction has just
 * queued is due now at its own priority already, so it is left as it is.
 */
const dueNowManySql = `update ${SCHEMA}.job j set start_after = least(j.start_after, now()), priority = greatest(j.priority, k.priority) from unnest($2::text[], $3::int[]) as k(key, priority) where j.name = $1 and j.singleton_key = k.key and j.state = 'created' and (j.start_after > now() or j.priority < k.priority)`;

function liteExecutor(database: Database): PgBoss.Db {
  const lite = database.lite!;
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (lite.closed) return { rows: [] };
      if (values?.length) return lite.query(text, values as any[]);
      // A multi-statement string (pg-boss's own migrations) runs as one transaction.
      const r = await lite.transaction((t) => t.exec(text));
      return (r.length === 1 ? r[0] : r) as any;
    },
  };
}

/**
 * pg-boss on the pool. Its statements with parameters (a fixed set: the fetch every worker polls with, the
 * sends, completions, maintenance) are named, so each session parses them once and PostgreSQL can keep
 * their plans: sent unnamed, the fetch was planned afresh at every poll, and planning cost it far more
 * than running it. Strings without parameters may hold several statements (pg-boss's migrations), which
 * cannot be prepared.
 */
export function poolExecutor(database: Database): PgBoss.Db {
  return {
    executeSql: (text, values) =>
      (values?.length
        ? database.pool!.query({ text, values, name: statementName(text) })
        : database.pool!.query(text)) as any,
  };
}

/** A prepared statement's name from its text: one text, one name, in every session. */
function statementName(text: string): string {
  return `boss_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
}

/** The job queue with Concilia's queues (tests pass their own to exercise the machinery). */
export async function createJobs<P = JobPayloads>(
  database: Database,
  log: Logger,
  defs: QueueDefs<P> = queues as unknown as QueueDefs<P>,
  opts: { supervise?: boolean } = {},
): Promise<Jobs<P>> {
  const boss = new PgBoss({
    schema: SCHEMA,
    db: database.kind === "postgres" ? poolExecutor(database) : liteExecutor(database),
    maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
    schedule: false, // scheduler.ts, on both engines
    // Expiring, retrying and archiving jobs: done by the processes that work the queue.
    supervise: opts.supervise ?? true,
  } as PgBoss.ConstructorOptions);
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  const byName = defs as unknown as Record<string, QueueDef<never>>;
  for (const [name, def] of Object.entries(byName)) {
    const options = {
      name,
      policy: def.policy,
      expireInSeconds: def.expireInSeconds,
      retryLimit: def.retryLimit,
      retryDelay: def.retryDelay,
      retryBackoff: def.retryBackoff,
    };
    if (await boss.getQueue(name)) await boss.updateQueue(name, options);
    else await boss.createQueue(name, options);
  }
  const workers = new Map<string, QueueWorker>();
  let stopSchedules = () => {};

  const inTx = (tx: Tx): PgBoss.Db => ({
    executeSql: async (text, values) => ({ rows: rowsOf(await tx.execute(rawSql(text, values))) }),
  });

  return {
    async sendMany(tx: Tx, name, jobs) {
      if (!jobs.length) return;
      const def = byName[name] as QueueDef<unknown>;
      const queued = jobs.map((j) => ({
        name,
        data: j.data as object,
        priority: j.priority ?? 0,
        singletonKey: def.keyOf?.(j.data),
      }));
      // One insert; a job whose key already waits is dropped by the keyed queue's unique index.
      await boss.insert(queued, { db: inTx(tx) } as never);
      const keyed = queued.filter((q) => q.singletonKey !== undefined);
      if (keyed.length)
        await tx.execute(
          rawSql(dueNowManySql, [
            name,
            arrayLiteral(keyed.map((q) => q.singletonKey as string)),
            arrayLiteral(keyed.map((q) => q.priority)),
          ]),
        );
      workers.get(name)?.wake();
    },
    async send(tx: Tx, name, data, options = {}) {
      const db = inTx(tx);
      const def = byName[name] as QueueDef<unknown>;
      const key = def.keyOf?.(data);
      const priority = options.priority ?? 0;
      const id = await boss.send(name, data as object, { db, singletonKey: key, priority });
      // Dropped because a job of this key already waits (keyed queues keep one): that job may have
      // been put off (deferred while a step of the key ran, whose worker then died). It is wanted now,
      // and at this send's priority.
      if (id === null && key !== undefined) await tx.execute(rawSql(dueNowSql, [name, key, priority]));
      workers.get(name)?.wake();
    },
    async work(ctx: AppContext) {
      for (const [name, def] of Object.entries(byName)) {
        const worker = new QueueWorker(boss, database, log, name, def as QueueDef<unknown>, SCHEMA);
        workers.set(name, worker);
        worker.start(ctx);
      }
      // Schedules kept by pg-boss's cron in earlier versions of Concilia: nothing reads them now.
      for (const s of await boss.getSchedules()) await boss.unschedule(s.name);
      stopSchedules = startSchedules(boss, byName, ctx.config, log);
    },
    async counts() {
      const out: Record<string, number> = {};
      for (const name of Object.keys(byName)) out[name] = await boss.getQueueSize(name);
      return out;
    },
    async stop() {
      stopSchedules();
      await Promise.all([...workers.values()].map((w) => w.stop()));
      await boss.stop({ graceful: true, wait: true, timeout: 2_000 });
    },
  };
}
