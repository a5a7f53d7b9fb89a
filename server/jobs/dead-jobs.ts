// A killed worker's jobs stay 'active' in pg-boss until they expire; then each becomes a retry that
// some worker runs later, as another step of a connection that was long since recovered and queued
// again. In the fault benchmark (20 kills) these leftovers piled up at the recovery priority, ahead of
// the fresh recovery steps, and each cost a step slot. A dead job is given up when its connection is
// recovered instead: the recovery's own job does its work.
import { rawSql, rowsOf, type Tx } from "../db/index.js";

/**
 * Cancels the jobs of `key` in `queue` that a dead worker left: 'active' ones taken more than
 * `graceSeconds` ago, and their retries. Call it only while holding the key's lease (key-lock.ts): no
 * live job of the key is running then, and a live worker that fetched one of these jobs just now
 * either finds the lease taken (and defers) or, with its job cancelled, stops at its first heartbeat.
 * Answers how many were cancelled.
 */
export async function cancelDeadJobs(
  db: Tx,
  queue: string,
  key: string,
  graceSeconds: number,
): Promise<number> {
  const rows = rowsOf(
    await db.execute(
      rawSql(
        `update pgboss.job set state = 'cancelled', completed_on = now()
          where name = $1 and singleton_key = $2
            and (state = 'retry' or (state = 'active' and started_on < now() - make_interval(secs => $3)))
          returning id`,
        [queue, key, graceSeconds],
      ),
    ),
  );
  return rows.length;
}
