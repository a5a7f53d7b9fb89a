// One meeting in several CRM users' calendars is one CRM event (R-CAL-3, failure mode 1):
// sync/calendar/inbound.ts looks for the event an item already is among the syncing user's own events
// only, so a meeting another user's calendar brought in first would become a second event. Here, an
// item with no link whose iCalUID is not among the user's events is linked to the event another user
// holds for it (the oldest, as reconcile/import.ts picks). That event stays its owner's: it follows the
// owner's calendar copy, and this user's copy is only kept linked (its etag and state recorded), never
// imported over it; its deletion (the user declined or removed it) does not cancel the meeting.
import { and, asc, eq, isNotNull, ne, or } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { Tx } from "../../db/index.js";
import { eventLinks, events } from "../../db/schema.js";
import { newId } from "../../ids.js";
import type { ItemPlace } from "../../sync/calendar/inbound.js";
import type { MappedGoogleEvent } from "./calendar-read-map.js";

const placeOf = (place: ItemPlace) =>
  and(
    eq(eventLinks.connectionId, place.connectionId),
    eq(eventLinks.calendarId, place.calendarId),
    eq(eventLinks.providerId, place.providerId),
    eq(eventLinks.originalStart, ""),
  );

/** Whether the item's link points at another user's event (then only the link is kept up to date). */
export async function linkedToOthersEvent(tx: Tx, owner: AuthUser, place: ItemPlace): Promise<boolean> {
  const [row] = await tx
    .select({ ownerId: events.ownerId })
    .from(eventLinks)
    .innerJoin(events, eq(events.id, eventLinks.eventId))
    .where(placeOf(place));
  return !!row && row.ownerId !== owner.id;
}

/** Links a new item to another user's event for the same meeting; false when there is none to join. */
export async function joinOthersMeeting(
  tx: Tx,
  owner: AuthUser,
  place: ItemPlace,
  item: MappedGoogleEvent,
): Promise<boolean> {
  const [linked] = await tx.select({ id: eventLinks.id }).from(eventLinks).where(placeOf(place));
  if (linked) return false;
  const sameMeeting = and(isNotNull(eventLinks.icalUid), eq(eventLinks.icalUid, item.uid));
  const mine = await tx
    .select({ id: events.id })
    .from(events)
    .leftJoin(eventLinks, eq(eventLinks.eventId, events.id))
    .where(
      and(
        eq(events.ownerId, owner.id),
        or(sameMeeting, item.conciliaId ? eq(events.id, item.conciliaId) : undefined),
      ),
    )
    .limit(1);
  if (mine.length) return false;
  const [theirs] = await tx
    .select({ id: events.id })
    .from(events)
    .innerJoin(eventLinks, eq(eventLinks.eventId, events.id))
    .where(and(ne(events.ownerId, owner.id), sameMeeting))
    .orderBy(asc(events.id))
    .limit(1);
  if (!theirs) return false;
  await tx.insert(eventLinks).values({
    id: newId(),
    eventId: theirs.id,
    connectionId: place.connectionId,
    calendarId: place.calendarId,
    providerId: place.providerId,
    icalUid: item.uid,
    etag: item.etag,
    sequence: item.sequence,
    lastSynced: item.state,
  });
  return true;
}
