// After an item is imported, its link holds the etag and state Google has now. inbound.ts records
// neither when reconcile also wants a write back to Google (a merge of changes on both sides), so the
// link would keep the etag our last write got: every later write would fail its If-Match (412) and
// the merge would never reach Google. Recording what Google has is the truth for the next outbound
// reconcile: the CRM event (already the merge) differs from it, so the merge is written, on the
// current etag.
import { and, eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { eventLinks } from "../../db/schema.js";
import type { ItemPlace } from "../../sync/calendar/inbound.js";
import type { MappedGoogleEvent } from "./calendar-read-map.js";

export async function settleLink(tx: Tx, place: ItemPlace, item: MappedGoogleEvent): Promise<void> {
  if (!item.etag) return;
  await tx
    .update(eventLinks)
    .set({ etag: item.etag, lastSynced: item.state, icalUid: item.uid, updatedAt: new Date() })
    .where(
      and(
        eq(eventLinks.connectionId, place.connectionId),
        eq(eventLinks.calendarId, place.calendarId),
        eq(eventLinks.providerId, place.providerId),
        eq(eventLinks.originalStart, ""),
      ),
    );
}
