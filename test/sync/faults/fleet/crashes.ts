// Crashes during the fleet run: a worker killed with SIGKILL (and started again), and every PostgreSQL
// session of the run's database ended at once (pg_terminate_backend), with what each took to recover.
import type pg from "pg";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Connections whose step lease a worker's sessions hold now (its key-lock advisory locks). */
export async function heldBy(admin: Query, worker: string): Promise<string[]> {
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

/** What became of one connection whose step a killed worker was running. */
export interface Resumption {
  connectionId: string;
  /** Until a step of it started again after the kill (null: not within the wait). */
  runningMs: number | null;
  /**
   * Until its sync made progress again: a cursor saved, or a step that brought it up to date (null:
   * not within the wait).
   */
  progressMs: number | null;
  /** Its state at the kill: status, and the error it was waiting on, if any. */
  atKill: string;
  /** With FLEET_TRACE set: each change of its state until it made progress (for a slow one). */
  trace: string[];
}

type Query = Pick<pg.Pool, "query">;

const STATE = `select s.connection_id, s.status, s.last_error_reason as err, s.step_started_at, s.last_synced_at,
    (select max(c.updated_at) from sync_cursors c where c.connection_id = s.connection_id) as cursor_at
  from sync_states s where s.connection_id = any($1)`;

/**
 * For each connection, how long until a step of it ran again after `at` and until its sync made
 * progress again; within `ms`.
 */
export async function resumeTimes(admin: Query, ids: string[], at: Date, ms = 90_000): Promise<Resumption[]> {
  const out = new Map<string, Resumption>(
    ids.map((id) => [id, { connectionId: id, runningMs: null, progressMs: null, atKill: "", trace: [] }]),
  );
  const after = (d: Date | null) => d !== null && new Date(d) > at;
  const end = Date.now() + ms;
  while (Date.now() < end && [...out.values()].some((r) => r.progressMs === null)) {
    try {
      const { rows } = await admin.query(STATE, [ids]);
      for (const row of rows) {
        const r = out.get(row.connection_id)!;
        if (!r.atKill) r.atKill = row.err ? `${row.status}: ${row.err}` : row.status;
        if (r.progressMs !== null) continue;
        const since = Date.now() - at.getTime();
        if (r.runningMs === null && (after(row.step_started_at) || after(row.last_synced_at)))
          r.runningMs = since;
        if (process.env.FLEET_TRACE) await trace(admin, r, at);
        if (after(row.last_synced_at) || after(row.cursor_at)) {
          r.progressMs = since;
          r.runningMs ??= since;
        }
      }
    } catch {}
    await sleep(100);
  }
  return [...out.values()];
}

/** Ends every session of the run's database but the run's own (`fleet-run`); answers how many. */
export async function terminateBackends(admin: Query): Promise<number> {
  const { rows } = await admin.query(
    `select count(*)::int as n from (
       select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and application_name <> 'fleet-run' and backend_type = 'client backend'
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
 * With FLEET_TRACE set, each change of a watched connection after a kill, kept with it (and written to
 * stderr): its state, whether a session holds its lease, its sync.step jobs
 * (state:priority:put-off:retries), how long since a tick and a watchdog run completed, and the queue's
 * waiting and active steps. Where a slow resumption spends its time.
 */
async function trace(admin: Query, r: Resumption, at: Date) {
  const { rows } = await admin.query(
    `select s.status, s.step_started_at is not null as running, s.last_error_reason as err, s.next_run_at > now() as later,
       exists(select 1 from pg_locks l where l.locktype='advisory' and l.granted and ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('sync.step:' || s.connection_id, 0)) as leased,
       (select string_agg(j.state || ':' || j.priority || ':' || (j.start_after > now())::text || ':' || j.retry_count, ',' order by j.created_on) from pgboss.job j where j.name='sync.step' and j.singleton_key = s.connection_id::text and j.state in ('created','retry','active')) as jobs,
       (select round(extract(epoch from now() - max(completed_on))::numeric, 1) from pgboss.job where name='sync.tick' and state='completed') as tick_ago,
       (select round(extract(epoch from now() - max(completed_on))::numeric, 1) from pgboss.job where name='sync.watchdog' and state='completed') as watchdog_ago,
       (select count(*) from pgboss.job where name='sync.step' and state in ('created','retry') and start_after < now()) as queued,
       (select count(*) from pgboss.job where name='sync.step' and state='active') as active
     from sync_states s where s.connection_id = $1`,
    [r.connectionId],
  );
  const { tick_ago, watchdog_ago, queued, active, ...rest } = rows[0];
  const line = JSON.stringify(rest);
  if (r.trace.at(-1)?.endsWith(line)) return;
  const entry = `+${((Date.now() - at.getTime()) / 1000).toFixed(1)}s tickAgo=${tick_ago} watchdogAgo=${watchdog_ago} queued=${queued} active=${active} ${line}`;
  r.trace.push(entry);
  console.error(`TRACE ${r.connectionId.slice(-6)} kill@${at.toISOString().slice(14, 19)} ${entry}`);
}
