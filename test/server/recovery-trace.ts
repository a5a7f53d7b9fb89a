// With RECOVERY_TRACE=1, where a slow recovery spends its time: PostgreSQL's busy or waiting sessions
// sampled while it runs, and the tick's and watchdog's jobs around it (times in seconds from `when`).
import pg from "pg";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts sampling when RECOVERY_TRACE is set; the returned function stops it and prints the jobs. */
export function traceRecovery(url: string, when: Date): () => Promise<void> {
  if (!process.env.RECOVERY_TRACE) return async () => {};
  const client = new pg.Client({ connectionString: url, application_name: "test-trace" });
  let sampling = true;
  const since = () => ((Date.now() - when.getTime()) / 1000).toFixed(1);
  const sampler = (async () => {
    await client.connect();
    while (sampling) {
      const { rows } = await client.query(
        `select pid, state, wait_event_type as wt, wait_event as w,
           round(extract(epoch from now() - state_change)::numeric, 1) as for_s, left(query, 70) as q
           from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and application_name not like 'test-%'
            and (state <> 'idle' or now() - state_change > interval '1 s')`,
      );
      console.log(`+${since()}s\n   ${rows.map((a) => JSON.stringify(a)).join("\n   ")}`);
      await sleep(700);
    }
  })();
  return async () => {
    sampling = false;
    await sampler;
    const { rows } = await client.query(
      `select name, state, retry_count,
         round(extract(epoch from created_on - $1)::numeric, 2) as created,
         round(extract(epoch from started_on - $1)::numeric, 2) as started,
         round(extract(epoch from completed_on - $1)::numeric, 2) as completed
         from pgboss.job where name in ('sync.tick', 'sync.watchdog')
          and (completed_on > $1 - interval '3 s' or state <> 'completed') order by created_on`,
      [when],
    );
    console.log(rows.map((j) => JSON.stringify(j)).join("\n"));
    await client.end();
  };
}
