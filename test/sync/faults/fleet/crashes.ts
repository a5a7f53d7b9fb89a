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
        if (process.env.FLEET_TRACE) await trace(admin, r.connection_id, at);
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

/**
 * With FLEET_TRACE set, each change of a watched connection after a kill, on stderr: its state, whether
 * a session holds its lease, its sync.step jobs (state:priority:put-off:retries), how long since a tick
 * completed, and the queue's waiting and active steps. Where a slow resumption spends its time.
 */
const seen = new Map<string, string>();
async function trace(admin: pg.Client, id: string, at: Date) {
  const { rows } = await admin.query(
    `select s.status, s.step_started_at is not null as running, s.last_error_reason as err, s.next_run_at > now() as later,
       exists(select 1 from pg_locks l where l.locktype='advisory' and l.granted and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('sync.step:' || s.connection_id, 0)) as leased,
       (select string_agg(j.state || ':' || j.priority || ':' || (j.start_after > now())::text || ':' || j.retry_count, ',' order by j.created_on) from pgboss.job j where j.name='sync.step' and j.singleton_key = s.connection_id::text and j.state in ('created','retry','active')) as jobs,
       (select round(extract(epoch from now() - max(completed_on))::numeric, 1) from pgboss.job where name='sync.tick' and state='completed') as tick_ago,
       (select count(*) from pgboss.job where name='sync.step' and state in ('created','retry') and start_after < now()) as queued,
       (select count(*) from pgboss.job where name='sync.step' and state='active') as active
     from sync_states s where s.connection_id = $1`,
    [id],
  );
  const { tick_ago, queued, active, ...rest } = rows[0];
  const line = JSON.stringify(rest);
  if (seen.get(id) !== line) {
    seen.set(id, line);
    console.error(
      `TRACE ${id.slice(-6)} kill@${at.toISOString().slice(14, 19)} +${((Date.now() - at.getTime()) / 1000).toFixed(1)}s tickAgo=${tick_ago} queued=${queued} active=${active} ${line}`,
    );
  }
}
