// One database interface over two engines: embedded PGlite (a data folder, the default) and
// PostgreSQL (DATABASE_URL). Everything above this file sees a drizzle database and does not
// know which engine runs underneath.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzleLite } from "drizzle-orm/pglite";
import { migrate as migrateLite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { lockDataFolder } from "./lock.js";
import * as schema from "./schema.js";
import { readAgainIfSessionEnded } from "./session-ended.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A database handle or an open transaction: the functions of the store accept either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /**
   * Runs SQL text with $1… placeholders, as pg-boss and hand-written queries need. With a `name`,
   * PostgreSQL prepares the statement once per connection (hot paths: no re-parsing or re-planning).
   */
  query<T = Record<string, unknown>>(text: string, values?: unknown[], name?: string): Promise<{ rows: T[] }>;
  /**
   * The same for the sidebars' read-only look-ups (the context statement): on PostgreSQL through a
   * small pool of their own, opened on first use, so that they never wait for a session behind the
   * process's other work (a write waiting for a sync's row lock, a push, a long request).
   */
  sidebarQuery<T = Record<string, unknown>>(
    text: string,
    values?: unknown[],
    name?: string,
  ): Promise<{ rows: T[] }>;
  /** The sidebars' sessions as a drizzle database, for their other reads (the same as `db` on PGlite). */
  readonly sidebarDb: Db;
  /** The PGlite instance when embedded (pg-boss needs it to run outside drizzle). */
  lite?: PGlite;
  pool?: pg.Pool;
  close(): Promise<void>;
}

// PostgreSQL returns int8 as strings; our counts and sizes fit in a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

/** Sessions of a process's main pool (docs/operations.md sizes max_connections from these). */
export const POOL_SESSIONS = 10;
/**
 * Sessions for the sidebars' look-ups: the context batcher's statements (at most CONTEXT_STATEMENTS at
 * once) and the reads that follow them.
 */
export const SIDEBAR_SESSIONS = 4;
export const CONTEXT_STATEMENTS = 3;

function openPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Only named (prepared) statements use the plan cache: the hot statements of the sidebars. Left to
    // itself PostgreSQL re-plans them on every call (7 ms for the context statement, 3x its execution).
    options: "-c plan_cache_mode=force_generic_plan",
  });
  pool.on("error", () => {}); // a dropped idle client is replaced on next use
  // A client checked out between two statements (a transaction, a job's lease) hears of its session
  // ending (a restart, a failover, pg_terminate_backend) as an "error" event; unheard, that event ends
  // the process. The next statement on it fails instead, and the pool discards it when released.
  pool.on("connect", (client) => client.on("error", () => {}));
  return pool;
}

export async function openDatabase(opts: {
  url?: string;
  dataDir?: string;
  memory?: boolean;
  /** In-memory only: start from this dump (tests start from a migrated template). */
  loadDataDir?: Blob;
}): Promise<Database> {
  if (opts.url) {
    const pool = openPool(opts.url, POOL_SESSIONS);
    let sidebarPool: pg.Pool | undefined;
    let sidebarDb: Db | undefined;
    const sidebar = () => {
      sidebarPool ??= openPool(opts.url as string, SIDEBAR_SESSIONS);
      return sidebarPool;
    };
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      kind: "postgres",
      pool,
      query: async (text, values, name) => pool.query({ text, values: values as unknown[], name }) as any,
      // Read-only by contract, so a look-up caught by the end of its session runs again on a new one:
      // the sidebars answer through a database restart instead of failing the batch of requests it serves.
      sidebarQuery: async (text, values, name) =>
        readAgainIfSessionEnded(() => sidebar().query({ text, values: values as unknown[], name })) as any,
      get sidebarDb() {
        sidebarDb ??= drizzlePg(sidebar(), { schema }) as unknown as Db;
        return sidebarDb;
      },
      close: async () => {
        await Promise.all([pool.end(), sidebarPool?.end()]);
      },
    };
  }
  let lite: PGlite;
  let unlock = () => {};
  const extensions = { pg_trgm }; // the search's trigram indexes
  if (opts.memory)
    lite = await PGlite.create(
      opts.loadDataDir ? { loadDataDir: opts.loadDataDir, extensions } : { extensions },
    );
  else {
    const dir = path.join(opts.dataDir ?? "./data", "pgdata");
    fs.mkdirSync(dir, { recursive: true });
    unlock = lockDataFolder(dir);
    try {
      lite = await PGlite.create(dir, { extensions });
    } catch (err) {
      unlock();
      throw err;
    }
  }
  const db = drizzleLite(lite, { schema }) as unknown as Db;
  const query: Database["query"] = async (text, values) => lite.query(text, values as unknown[]) as any;
  return {
    db,
    kind: "pglite",
    lite,
    query,
    sidebarQuery: query,
    sidebarDb: db,
    close: async () => {
      if (!lite.closed) await lite.close();
      unlock();
    },
  };
}

/** The advisory lock that lets one process at a time migrate a PostgreSQL database. */
const MIGRATION_LOCK = "concilia:migrations";

export async function migrate(database: Database): Promise<void> {
  if (database.kind !== "postgres") return void (await migrateLite(database.db as any, { migrationsFolder }));
  // API and worker processes started together each migrate at start: unserialised, two of them race on
  // drizzle's CREATE SCHEMA IF NOT EXISTS (not safe against a concurrent one) or apply a migration twice.
  // The others wait here, then find every migration applied. The lock ends with its session, so a
  // process killed while migrating frees it.
  const holder = await database.pool!.connect();
  try {
    await holder.query("select pg_advisory_lock(hashtextextended($1, 0))", [MIGRATION_LOCK]);
    try {
      await migratePg(database.db as any, { migrationsFolder });
    } finally {
      await holder.query("select pg_advisory_unlock(hashtextextended($1, 0))", [MIGRATION_LOCK]);
    }
  } finally {
    holder.release();
  }
}

/** True when every migration shipped with this build has been applied. */
export async function migrationsApplied(database: Database): Promise<boolean> {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8"));
  try {
    const { rows } = await database.query<{ n: number }>(
      "select count(*)::int as n from drizzle.__drizzle_migrations",
    );
    return Number(rows[0]?.n) >= journal.entries.length;
  } catch {
    return false;
  }
}

/** Turns SQL text with $n placeholders into a drizzle SQL object, so it can run inside a transaction. */
export function rawSql(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) chunks.push(sql.raw(parts[i]));
    else chunks.push(sql`${values[Number(parts[i]) - 1] ?? null}`); // drizzle renders undefined as nothing
  }
  return sql.join(chunks, sql.raw(""));
}

/** Rows of a drizzle `execute`, whichever driver ran it. */
export function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}
