// Slows password guessing without handing anyone a way to lock a user out (R-SB-7). Three counters
// of failed sign-ins, kept in the database so that every server process shares them:
//
// - per (account, client address): a few free tries, then a wait that doubles with each failure;
// - per account, from all clients: past a ceiling the account is under attack, and every client
//   that has failed on it waits much longer, while a client with no failure on it still signs in
//   at once with the right password: an attacker slows themself, never the user;
// - per client address, across accounts: one address trying many accounts waits too.
//
// An attempt made during a wait is refused before the password is checked and does not count.
// "Client address" is req.ip: behind a reverse proxy that needs CONCILIA_TRUST_PROXY, or every
// client looks like the proxy. Only hashes of the keys are stored, never an address.
import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { signInFailures } from "../db/schema.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export const THROTTLE = {
  /** A counter with no new failure for this long starts again from zero. */
  forgetMs: 60 * MINUTE,
  /** No wait is ever longer. */
  maxWaitMs: 15 * MINUTE,
  /** Failures of one account from one client before it waits; the first wait, doubling after. */
  pairFreeTries: 3,
  pairFirstWaitMs: 2 * SECOND,
  /** Failures on one account, from all clients, that put it under attack... */
  accountCeiling: 10,
  /** ...as long as the last of them is this recent. */
  accountWindowMs: 15 * MINUTE,
  /** Under attack, a client with failures on the account waits this after its first, doubling. */
  accountFirstWaitMs: 30 * SECOND,
  /** Failures of one client across accounts before it waits; the first wait, doubling after. */
  clientFreeTries: 30,
  clientFirstWaitMs: 2 * SECOND,
} as const;

export interface SignInThrottle {
  /** Milliseconds until this client may try this account again, or 0. */
  check(account: string, client: string): Promise<number>;
  fail(account: string, client: string): Promise<void>;
  /** Forgets this client's failures on this account (not the account's or the client's totals). */
  succeed(account: string, client: string): Promise<void>;
}

type Settings = { -readonly [K in keyof typeof THROTTLE]: number };

const hash = (key: string) => createHash("sha256").update(key).digest("hex");
const keys = (account: string, client: string) => ({
  pair: hash(`pair:${account.toLowerCase()}|${client}`),
  account: hash(`account:${account.toLowerCase()}`),
  client: hash(`client:${client}`),
});
/** A point in time as an SQL value: both engines take the ISO text the same way. */
const at = (ms: number) => sql`${new Date(ms).toISOString()}::timestamptz`;

/** The wait after `failures`, when `free` of them cost nothing and the next waits `first`, doubling. */
function waitAfter(failures: number, free: number, first: number, max: number): number {
  if (failures < free) return 0;
  return Math.min(first * 2 ** Math.min(failures - free, 30), max);
}

export function signInThrottle(
  db: Tx,
  opts: Partial<Settings> & { now?: () => number } = {},
): SignInThrottle {
  const o: Settings = { ...THROTTLE, ...opts };
  const now = opts.now ?? Date.now;
  const t = signInFailures;

  /** Counts one failure under the key and returns the count; `since` is the last failure's time. */
  async function count(keyHash: string, ms: number): Promise<number> {
    const forgotten = sql`${t.since} < ${at(ms - o.forgetMs)}`;
    const [row] = await db
      .insert(t)
      .values({ keyHash, failures: 1, since: new Date(ms) })
      .onConflictDoUpdate({
        target: t.keyHash,
        set: { failures: sql`case when ${forgotten} then 1 else ${t.failures} + 1 end`, since: at(ms) },
      })
      .returning({ failures: t.failures });
    return row.failures;
  }

  async function waitUntil(keyHash: string, until: number) {
    // Concurrent failures may finish in any order: the later time wins.
    await db
      .update(t)
      .set({ lockedUntil: sql`greatest(coalesce(${t.lockedUntil}, ${at(until)}), ${at(until)})` })
      .where(eq(t.keyHash, keyHash));
  }

  return {
    async check(account, client) {
      const k = keys(account, client);
      const ms = now();
      const rows = await db
        .select()
        .from(t)
        .where(inArray(t.keyHash, [k.pair, k.account, k.client]));
      const row = (h: string) => {
        const r = rows.find((x) => x.keyHash === h);
        return r && r.since.getTime() >= ms - o.forgetMs ? r : undefined;
      };
      const pair = row(k.pair);
      const acc = row(k.account);
      const waits = [pair, row(k.client)].map((r) => (r?.lockedUntil ? r.lockedUntil.getTime() - ms : 0));
      const underAttack =
        acc && acc.failures >= o.accountCeiling && acc.since.getTime() >= ms - o.accountWindowMs;
      if (underAttack && pair)
        waits.push(
          pair.since.getTime() + waitAfter(pair.failures, 1, o.accountFirstWaitMs, o.maxWaitMs) - ms,
        );
      return Math.max(0, ...waits);
    },
    async fail(account, client) {
      const k = keys(account, client);
      const ms = now();
      const pairFailures = await count(k.pair, ms);
      await count(k.account, ms);
      const clientFailures = await count(k.client, ms);
      const pairWait = waitAfter(pairFailures, o.pairFreeTries, o.pairFirstWaitMs, o.maxWaitMs);
      if (pairWait) await waitUntil(k.pair, ms + pairWait);
      const clientWait = waitAfter(clientFailures, o.clientFreeTries, o.clientFirstWaitMs, o.maxWaitMs);
      if (clientWait) await waitUntil(k.client, ms + clientWait);
    },
    async succeed(account, client) {
      await db.delete(t).where(eq(t.keyHash, keys(account, client).pair));
    },
  };
}

/** Forgets counters that no longer count and waits that have ended (the hourly purge job). */
export async function purgeSignInFailures(db: Tx, nowMs = Date.now()): Promise<void> {
  const t = signInFailures;
  await db
    .delete(t)
    .where(
      sql`${t.since} < ${at(nowMs - THROTTLE.forgetMs)} and (${t.lockedUntil} is null or ${t.lockedUntil} < ${at(nowMs)})`,
    );
}
