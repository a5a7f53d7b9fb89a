// Outlook events Concilia itself deleted lately, per connection, in `calendar_own_removals`, so that
// every worker knows them, after a restart too. The delta lists each one (and each occurrence of a
// deleted series) as a removed id that no link names any more, since the link goes with the delete;
// such an id would otherwise have every linked series of the calendar read again, as the one way not
// to miss a cancelled occurrence (calendar-session.ts), for every CRM event deleted.
//
// A removal is recorded after Graph answered the DELETE, in the transaction that forgets its link
// (outbound.ts, the writer's `recordWrites`): rolled back with it, and never there for a delete that
// failed, so it cannot hide a removal made by someone else. A crash between the DELETE and that
// transaction leaves no record: the echo then costs the series reads, nothing is missed, and the item
// still owed is deleted again (a 404 counts as gone), which records it. Times are the database's, the
// one clock every worker shares.
import { lt, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/index.js";
import { textArray } from "../../db/prepared.js";
import { calendarOwnRemovals } from "../../db/schema.js";

/** Longer than a delta round takes to list a deletion pushed at its start. */
export const OWN_REMOVAL_KEPT = "30 minutes";
/** Ids kept at most per connection (the oldest go first). */
export const OWN_REMOVALS_KEPT = 5000;

/**
 * Records `ids` as deleted by Concilia, in the transaction that records the deletes' links; the
 * connection's expired ones and those beyond the newest OWN_REMOVALS_KEPT go at the same time.
 */
export async function recordOwnRemovals(tx: Tx, connectionId: string, ids: readonly string[]) {
  if (!ids.length) return;
  const keptUntil = sql`now() + ${OWN_REMOVAL_KEPT}::interval`;
  await tx
    .insert(calendarOwnRemovals)
    .values([...new Set(ids)].map((providerId) => ({ connectionId, providerId, keptUntil })))
    .onConflictDoUpdate({
      target: [calendarOwnRemovals.connectionId, calendarOwnRemovals.providerId],
      set: { keptUntil },
    });
  await tx.execute(sql`
    delete from calendar_own_removals
    where connection_id = ${connectionId}
      and (kept_until <= now() or provider_id in (
        select provider_id from calendar_own_removals where connection_id = ${connectionId}
        order by kept_until desc, provider_id offset ${OWN_REMOVALS_KEPT}))`);
}

/**
 * Which of `ids` (removed delta rows) echo our own deletes: an id we deleted, or an occurrence of a
 * series we deleted (its id extends the master's, as for linked series). One statement for all of
 * them: each id's prefixes of the lengths recorded are looked up by the primary key.
 */
export async function ownRemovalsAmong(
  db: Tx,
  connectionId: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const found = await db.execute(sql`
    with lengths as (
      select distinct length(provider_id) as n from calendar_own_removals
      where connection_id = ${connectionId} and kept_until > now())
    select r.id from unnest(${textArray(ids)}) as r(id)
    where exists (
      select 1 from lengths l join calendar_own_removals o
        on o.connection_id = ${connectionId} and o.provider_id = left(r.id, l.n) and o.kept_until > now()
      where l.n <= length(r.id))`);
  return new Set(rowsOf<{ id: string }>(found).map((r) => r.id));
}

/** Every connection's expired records, for the hourly housekeeping (a connection may write no more). */
export async function purgeExpiredOwnRemovals(db: Tx) {
  await db.delete(calendarOwnRemovals).where(lt(calendarOwnRemovals.keptUntil, sql`now()`));
}
