// Ingests of one user take turns: every transaction that writes a user's logged mail or mail skips
// takes this lock before its first read or write of them, and holds it to its commit. Two connections
// of one user see the same messages (one mailbox read through Gmail and Microsoft 365, an alias
// forwarded to both): without one lock taken first, each step's transaction inserts the rows of some
// messages (activities, mail_skips, blobs: unique keys) and then waits on the other's uncommitted rows
// for the next one, a ring PostgreSQL only breaks after deadlock_timeout, one item at a time, each
// broken item failing. With it, the second transaction waits once, for the first one's commit, then
// reads what it logged.
import { sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";

/** Namespace of the per-user advisory lock (two-key form: hashtext(user id) is the second key). */
const MAIL_TURN = 0x6d61696c;

/** Waits for the user's turn; held until `tx`'s transaction ends. Taking it again is free. */
export async function takeMailTurn(tx: Tx, userId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${MAIL_TURN}, hashtext(${userId}))`);
}
