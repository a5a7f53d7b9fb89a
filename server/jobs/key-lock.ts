// The per-key lease of keyed queues: while a job with key K of queue Q runs, no other job of Q with key K
// starts, in this process or any other. pg-boss's `singleton`/`stately` policies cannot give this without
// stalling the whole queue (see queues.ts), and they stop guarding once a late heartbeat lets a job expire.
import type { Database } from "../db/index.js";

export interface KeyLease {
  release(): Promise<void>;
}

/** Keys held on each embedded database: one process owns it, so memory is the whole truth. */
const liteHeld = new WeakMap<object, Set<string>>();

/** Takes the lease of `key` in `queue`, or answers null when a job of that key is running. */
export async function tryLockKey(database: Database, queue: string, key: string): Promise<KeyLease | null> {
  const id = `${queue}:${key}`;
  if (database.kind === "pglite") {
    const lite = database.lite as object;
    const keys = liteHeld.get(lite) ?? new Set<string>();
    liteHeld.set(lite, keys);
    if (keys.has(id)) return null;
    keys.add(id);
    return { release: async () => void keys.delete(id) };
  }
  // A session advisory lock on a connection kept for the job: PostgreSQL ends it with the connection,
  // so the lease of a killed worker ends as its connection drops. Each running keyed job holds one of
  // the pool's 10 connections: keep the keyed queues' concurrency well below that.
  const client = await database.pool!.connect();
  // The connection sits idle while the job runs; if PostgreSQL ends it meanwhile (a restart, an
  // operator's pg_terminate_backend), node-postgres emits "error" on the client, and an unheard error
  // event would end the whole worker process. The lease is lost with its connection either way.
  let lost = false;
  const onError = () => {
    lost = true;
  };
  client.on("error", onError);
  try {
    const { rows } = await client.query("select pg_try_advisory_lock(hashtextextended($1, 0)) as ok", [id]);
    if (!rows[0]?.ok) {
      client.off("error", onError);
      client.release();
      return null;
    }
  } catch (err) {
    client.off("error", onError);
    client.release(true);
    throw err;
  }
  return {
    async release() {
      try {
        if (lost) throw new Error("the lease's connection is gone");
        await client.query("select pg_advisory_unlock(hashtextextended($1, 0))", [id]);
        client.off("error", onError);
        client.release();
      } catch {
        client.release(true); // closing the connection ends the lock too
      }
    },
  };
}

/**
 * Of `keys`, those whose lease in `queue` nobody holds now, read in one statement (PostgreSQL's lock
 * table) rather than one lock attempt each: the watchdog looks at every running step every few
 * seconds, and on a busy worker a round trip per live step delayed the recovery of the dead ones. A
 * lease taken or let go meanwhile makes the answer stale: take the lease (tryLockKey) before acting.
 */
export async function unleasedKeys(database: Database, queue: string, keys: string[]): Promise<string[]> {
  if (keys.length === 0) return [];
  if (database.kind === "pglite") {
    const held = liteHeld.get(database.lite as object);
    return keys.filter((key) => !held?.has(`${queue}:${key}`));
  }
  // An advisory lock on one bigint shows in pg_locks as its high and low halves (objsubid 1).
  const { rows } = await database.query<{ key: string }>(
    `with held as materialized (
       select (l.classid::bigint << 32) | l.objid::bigint as lock from pg_locks l
        where l.locktype = 'advisory' and l.granted and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database()))
     select key from unnest($1::text[]) as key
      where hashtextextended($2 || ':' || key, 0) not in (select lock from held)`,
    [keys, queue],
  );
  return rows.map((r) => r.key);
}
