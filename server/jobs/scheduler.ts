// Periodic jobs on both engines. pg-boss's own scheduler is not used: it is off on the embedded database,
// works in whole minutes only, and needs its cron queue worked. Instead every process that works the
// queue offers each periodic job on a timer, as a throttled send: pg-boss's unique index on
// (name, singleton_on, singleton_key) lets exactly one job in per N-second slot, however many processes
// offer it and whichever engine runs underneath.
import type PgBoss from "pg-boss";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { QueueDef } from "./queue.js";

/** Offers each periodic job a few times per slot (at most every minute) so a slot is not missed. */
export function startSchedules(
  boss: PgBoss,
  defs: Record<string, QueueDef<never>>,
  config: Config,
  log: Logger,
): () => void {
  const timers: NodeJS.Timeout[] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (!def.everySeconds) continue;
    const every = def.everySeconds(config);
    if (every <= 0) continue; // switched off by configuration
    const offer = () =>
      boss
        .send(name, {}, { singletonSeconds: every, singletonKey: "schedule" })
        .catch((err) => log.error({ err, queue: name }, "could not queue a periodic job"));
    void offer();
    timers.push(setInterval(offer, Math.min(every * 500, 60_000)));
  }
  return () => {
    for (const t of timers) clearInterval(t);
  };
}
