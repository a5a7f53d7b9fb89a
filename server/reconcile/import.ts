// R-CAL-3 and failure mode 1: an item found in a synced calendar with no link yet becomes a CRM event
// only if no CRM event is that meeting already. One meeting attended by two CRM users, in Google and
// in Microsoft 365, has one iCalUID and two per-mailbox ids: it is ONE CRM event with two links.

export interface UnlinkedItem {
  /** RFC 5545 UID (Google `iCalUID`, Graph `iCalUId`, CalDAV `UID`). */
  icalUid: string | null;
  /** Our own tag on the item (Google private extended property, Graph extended property, X-CONCILIA-ID). */
  conciliaId: string | null;
}

/** A CRM event the shell found for the item: by our tag, or through a link with the same iCalUID. */
export interface CandidateEvent {
  eventId: string;
  icalUid: string | null;
}

export type ImportDecision = { kind: "link"; eventId: string } | { kind: "create" };

export function decideImport(item: UnlinkedItem, candidates: CandidateEvent[]): ImportDecision {
  // Our tag names the event we wrote: the item is ours even if a provider gave it a new UID.
  if (item.conciliaId && candidates.some((c) => c.eventId === item.conciliaId))
    return { kind: "link", eventId: item.conciliaId };
  const uid = item.icalUid?.trim();
  if (!uid) return { kind: "create" };
  // UIDs are compared as written (RFC 5545 gives them no case rule); the oldest event wins, so
  // every user's sync picks the same one whatever the order they run in (ids are UUIDv7).
  const same = candidates
    .filter((c) => c.icalUid?.trim() === uid)
    .sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  return same.length ? { kind: "link", eventId: same[0]!.eventId } : { kind: "create" };
}
