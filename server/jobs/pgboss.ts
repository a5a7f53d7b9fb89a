// Jobs on pg-boss, in the same database as the CRM: on PostgreSQL several `concilia worker`
// processes share the queue; on PGlite the server process works the queue itself.
import PgBoss from "pg-boss";
import type { AppContext } from "../context.js";
import { type Database, rawSql, rowsOf, type Tx } from "../db/index.js";
import type { Logger } from "../log.js";
import { handlers, schedules } from "./handlers.js";
import type { JobName, Jobs } from "./queue.js";

/**
 * pg-boss's default expiry is 15 minutes: a job taken by a worker that then dies would wait that long.
 * Jobs here are short, so a job is given back after 12 s, maintenance looks every 2 s, and the first
 * retry waits 1 s (an expiry counts as a failed try): a killed worker's jobs run again within about
 * 15 s, well inside the 30 s promised.
 */
export const JOB_EXPIRE_SECONDS = 12;
const MAINTENANCE_SECONDS = 2;
const POLL_SECONDS = 1;
/** Jobs taken per fetch; a batch must finish well within JOB_EXPIRE_SECONDS. */
const BATCH = 10;

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

export async function createJobs(database: Database, log: Logger): Promise<Jobs> {
  const boss = new PgBoss({
    schema: "pgboss",
    ...(database.kind === "postgres"
      ? { connectionString: undefined, db: poolExecutor(database) }
      : { db: liteExecutor(database) }),
    expireInSeconds: JOB_EXPIRE_SECONDS,
    maintenanceIntervalSeconds: MAINTENANCE_SECONDS,
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true, // 1, 2, 4, 8… seconds
    schedule: database.kind === "postgres",
  } as PgBoss.ConstructorOptions);
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  await boss.start();
  for (const name of Object.keys(handlers)) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name);
  }
  const workerIds: string[] = [];

  return {
    async send(tx: Tx, name, data, opts) {
      const db: PgBoss.Db = {
        executeSql: async (text, values) => ({ rows: rowsOf(await tx.execute(rawSql(text, values))) }),
      };
      await boss.send(name, data as object, { db, singletonKey: opts?.singletonKey });
      for (const id of workerIds) boss.notifyWorker(id);
    },
    async work(ctx: AppContext) {
      for (const name of Object.keys(handlers) as JobName[]) {
        const handler = handlers[name] as (c: AppContext, d: unknown) => Promise<void>;
        const id = await boss.work(
          name,
          { pollingIntervalSeconds: POLL_SECONDS, batchSize: BATCH },
          async (jobs) => {
            // One failing job must not fail its batch: it alone goes back for a retry.
            for (const job of jobs) {
              try {
                await handler(ctx, job.data);
              } catch (err) {
                log.warn({ err, job: job.id, queue: name }, "job failed; it will be retried");
                await boss.fail(name, job.id, { message: String((err as Error)?.message ?? err) });
              }
            }
          },
        );
        workerIds.push(id);
      }
      for (const s of schedules) await boss.schedule(s.name, s.cron, {}, { tz: "UTC" });
    },
    async counts() {
      const out: Record<string, number> = {};
      for (const name of Object.keys(handlers)) out[name] = await boss.getQueueSize(name);
      return out;
    },
    async stop() {
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
}

function poolExecutor(database: Database): PgBoss.Db {
  return { executeSql: (text, values) => database.pool!.query(text, values) as any };
}
