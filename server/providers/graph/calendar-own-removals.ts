// Outlook events Concilia itself deleted lately, per connection, kept in the worker's memory. The
// delta lists each one (and each occurrence of a deleted series) as a removed id that no link names
// any more, since the link goes with the delete; such an id would otherwise have every linked series
// of the calendar read again, as the one way not to miss a cancelled occurrence (calendar-session.ts),
// for every CRM event deleted. Lost (another worker, a restart), the series are read again as
// before: more reads, nothing missed.

/** Longer than a delta round takes to list a deletion pushed at its start. */
const KEPT_MS = 30 * 60_000;
/** Ids kept at most per connection (the oldest go first). */
const KEPT_IDS = 5000;

const removed = new Map<string, Map<string, number>>();

export function noteOwnRemoval(connectionId: string, id: string, now = Date.now()) {
  const ids = removed.get(connectionId) ?? new Map<string, number>();
  ids.delete(id);
  ids.set(id, now + KEPT_MS);
  for (const old of ids.keys()) {
    if (ids.size <= KEPT_IDS) break;
    ids.delete(old);
  }
  removed.set(connectionId, ids);
}

/**
 * Whether a removed delta row's `id` is the echo of our own delete: an id we deleted, or an
 * occurrence of a series we deleted (its id extends the master's, as for linked series).
 */
export function isOwnRemoval(connectionId: string, id: string, now = Date.now()): boolean {
  const ids = removed.get(connectionId);
  if (!ids) return false;
  for (const [gone, until] of ids) {
    if (until <= now) ids.delete(gone);
    else if (id === gone || (id.length > gone.length && id.startsWith(gone))) return true;
  }
  return false;
}

/** Forgets every connection's, as a worker that restarted would. */
export const forgetOwnRemovals = () => removed.clear();
