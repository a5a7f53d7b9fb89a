// Crashes during the fleet run: a worker killed with SIGKILL (and started again), and every PostgreSQL
// session of the run's database ended at once (pg_terminate_backend), with what each took to recover.
import type pg from "pg";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connections whose step lease a worker's sessions hold now (its key-lock advisory locks). */
export async function heldBy(admin: pg.Client, worker: string): Promise<string[]> {
  const { rows } = await admin.query(
    `select c.id from connections c
       join pg_locks l on l.locktype = 'advisory' and l.granted
        and l.database = (select oid from pg_database where datname = current_database())
        and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('sync.step:' || c.id, 0)
       join pg_stat_activity a on a.pid = l.pid
      where a.application_name = $1`,
    [worker],
  );
  return rows.map((r) => r.id as string);
}

/**
 * Milliseconds until a step of each connection runs again after `at` (a new step started, or one
 * finished), or null for one that did not resume within `ms`.
 */
export async function resumeTimes(admin: pg.Client, ids: string[], at: Date, ms = 90_000) {
  const out = new Map<string, number | null>(ids.map((id) => [id, null]));
  const end = Date.now() + ms;
  while (Date.now() < end && [...out.values()].some((v) => v === null)) {
    try {
      const { rows } = await admin.query(
        "select connection_id, step_started_at, last_synced_at from sync_states where connection_id = any($1)",
        [ids],
      );
      for (const r of rows) {
        if (out.get(r.connection_id) !== null) continue;
        const moved = [r.step_started_at, r.last_synced_at].some((d) => d && new Date(d) > at);
        if (moved) out.set(r.connection_id, Date.now() - at.getTime());
      }
    } catch {}
    await sleep(100);
  }
  return out;
}

/** Ends every session of the run's database but this one; answers how many. */
export async function terminateBackends(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query(
    `select count(*)::int as n from (
       select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
     ) t`,
  );
  return rows[0].n as number;
}

/** Polls `check` every 100 ms until it holds; the milliseconds it took, or null past `ms`. */
export async function until(check: () => Promise<boolean>, ms = 60_000): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    try {
      if (await check()) return Date.now() - start;
    } catch {}
    await sleep(100);
  }
  return null;
}
