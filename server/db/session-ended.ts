// PostgreSQL may end a session at any moment (a restart, a failover, an operator's pg_terminate_backend).
// A statement caught by it never ran to its end; a read-only one can simply run again on a new session.

/** SQLSTATEs of a session ended from the server's side (class 57, operator intervention). */
const ENDED_CODES = new Set(["57P01", "57P02"]);

/** node-postgres's own words for a connection that died under a statement or before it. */
const ENDED_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
];

/**
 * True when `err` says the statement's session ended, not that the statement itself was wrong. Drizzle
 * wraps the driver's error in its own ("Failed query: …", the driver's as its `cause`): looked through.
 */
export function sessionEnded(err: unknown): boolean {
  let e = err as { code?: string; message?: string; cause?: unknown } | null;
  for (let depth = 0; e && depth < 4; depth++) {
    if (e.code && (ENDED_CODES.has(e.code) || e.code === "ECONNRESET")) return true;
    if (ENDED_MESSAGES.some((m) => e?.message?.includes(m))) return true;
    e = (e.cause ?? null) as typeof e;
  }
  return false;
}

/**
 * Runs a read-only statement, again on a fresh session when the one it ran on was ended (at most twice
 * more: the pool may still hold an idle session whose end it has not heard of yet). Never for writes:
 * whether a write caught by the end of its session committed is unknown.
 */
export async function readAgainIfSessionEnded<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= 2 || !sessionEnded(err)) throw err;
    }
  }
}
