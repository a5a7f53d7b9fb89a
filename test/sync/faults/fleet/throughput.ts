// What the fleet's workers got through, read from pg-boss's job table: the sync steps they ran in a
// window (a step is a `sync.step` job completed or failed; a job put off because its connection's step
// ran elsewhere completes with `{ deferred: true }` and is no step), and how many due steps waited for
// a free worker meanwhile (never 0: the workers were the bottleneck, and steps per second is what they
// can do; often 0: they kept up, and it is what they were given). For docs/operations.md's sizing.
import type pg from "pg";

type Query = Pick<pg.Pool, "query">;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sync steps that ended between `from` and `to`. */
export async function stepsBetween(admin: Query, from: Date, to: Date): Promise<number> {
  const { rows } = await admin.query(
    `select count(*)::int as n from pgboss.job
      where name = 'sync.step' and completed_on >= $1 and completed_on < $2
        and (state in ('failed', 'retry') or (state = 'completed' and coalesce(output->>'deferred', '') <> 'true'))`,
    [from, to],
  );
  return rows[0].n as number;
}

export interface QueueSamples {
  samples: number;
  /** Due `sync.step` jobs waiting for a worker, mean and max over the samples. */
  meanWaiting: number;
  maxWaiting: number;
  /** Share of the samples with no due step waiting. */
  idleShare: number;
}

/** Samples the due waiting steps every second until `stop()`. */
export function sampleQueue(admin: Query): { stop(): Promise<QueueSamples> } {
  const seen: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const { rows } = await admin.query(
          "select count(*)::int as n from pgboss.job where name = 'sync.step' and state in ('created', 'retry') and start_after <= now()",
        );
        seen.push(rows[0].n as number);
      } catch {}
      await sleep(1000);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const n = seen.length || 1;
      return {
        samples: seen.length,
        meanWaiting: Math.round((seen.reduce((s, v) => s + v, 0) / n) * 10) / 10,
        maxWaiting: Math.max(0, ...seen),
        idleShare: Math.round((seen.filter((v) => v === 0).length / n) * 100) / 100,
      };
    },
  };
}
