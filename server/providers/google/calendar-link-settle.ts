// After an item is imported, its link must hold the etag Google has now. inbound.ts records nothing
// when reconcile also wants a write back to Google (a merge of changes on both sides), so the link
// would keep the etag our last write got: every later write would fail its If-Match (412) and the
// merge would never reach Google. Recording Google's etag and state is the truth for the next outbound
// reconcile: the CRM event (already the merge) differs from it, so the merge is written, on the
// current etag. A link whose etag is current (our echo, or recorded by inbound) keeps its state.
// The link also learns the item's iCalUID: a create records the UID it asked for, but Google names
// an event it was given an id for `<id>@google.com`, and other calendars match the meeting by that.
import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { eventLinks } from "../../db/schema.js";
import type { ItemPlace } from "../../sync/calendar/inbound.js";
import type { MappedGoogleEvent } from "./calendar-read-map.js";

export async function settleLink(tx: Tx, place: ItemPlace, item: MappedGoogleEvent): Promise<void> {
  const where = and(
    eq(eventLinks.connectionId, place.connectionId),
    eq(eventLinks.calendarId, place.calendarId),
    eq(eventLinks.providerId, place.providerId),
    eq(eventLinks.originalStart, ""),
  );
  const [link] = await tx.select().from(eventLinks).where(where);
  if (!link) return;
  const stale = !!item.etag && link.etag !== item.etag;
  if (!stale && link.icalUid === item.uid) return;
  await tx
    .update(eventLinks)
    .set({
      icalUid: item.uid,
      ...(stale ? { etag: item.etag, lastSynced: item.state } : {}),
      updatedAt: new Date(),
    })
    .where(where);
}
