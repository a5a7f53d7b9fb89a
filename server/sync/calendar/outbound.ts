// CRM-owned events out to the connection's target calendar (R-CAL-1, R-CAL-2, R-CAL-7): at each step,
// every event the user made in Concilia is reconciled against what was last synced for it there, and
// the provider half of the actions is written (a create under a UID of ours with If-None-Match, an
// update with If-Match), then its state and returned ETag recorded in `event_links`. That ETag is how
// the object, listed again by the inbound leg, is recognised as our own write (no echo update). The
// provider is written before the link is recorded: a crash in between repeats the create, which finds
// its own object (same UID) instead of making a second one.
import { and, eq } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Db } from "../../db/index.js";
import { eventLinks, events } from "../../db/schema.js";
import { newId } from "../../ids.js";
import { reconcileCalendarItem } from "../../reconcile/calendar.js";
import { crmStateOf } from "./crm-event.js";

/**
 * What outbound needs from a calendar provider, one implementation per provider (CalDAV's write.ts,
 * Google's and Graph's calendar writers). `href` is the provider's id for the item (CalDAV: the object
 * URL; Google and Graph: the event id) and `etag` its version (ETag, etag, changeKey). Every write is
 * idempotent: a create repeated after a lost answer finds the item it made (CalDAV If-None-Match on a
 * UID of ours, Google a client-chosen id, Graph a transactionId) instead of making a second one.
 */
export interface CalendarWriter {
  create(
    uid: string,
    eventId: string,
    state: SyncedEventState,
    options: { sendInvitations: boolean },
  ): Promise<{ href: string; etag: string }>;
  /** Never sends invitations again (R-CAL-7). */
  update(
    href: string,
    ifMatch: string,
    uid: string,
    sequence: number,
    eventId: string,
    state: SyncedEventState,
  ): Promise<{ href: string; etag: string }>;
  /** Removes the item (R-CAL-9); one already gone counts as removed. */
  remove(href: string, ifMatch: string | null): Promise<void>;
}

export async function pushCrmEvents(
  db: Db,
  owner: AuthUser,
  place: { connectionId: string; calendarId: string; connectedAt: Date },
  writer: CalendarWriter,
): Promise<number> {
  const mine = await db
    .select({ event: events, link: eventLinks })
    .from(events)
    .leftJoin(
      eventLinks,
      and(
        eq(eventLinks.eventId, events.id),
        eq(eventLinks.connectionId, place.connectionId),
        eq(eventLinks.calendarId, place.calendarId),
        eq(eventLinks.originalStart, ""),
      ),
    )
    .where(and(eq(events.ownerId, owner.id), eq(events.origin, "crm"), eq(events.guest, false)));
  let written = 0;
  for (const { event, link } of mine) {
    const state = await crmStateOf(db, event);
    const last = link?.lastSynced ? { state: link.lastSynced, etag: link.etag } : null;
    const actions = reconcileCalendarItem({
      crm: { kind: "present", state, changedAt: event.updatedAt.toISOString() },
      // The calendar's own changes come in through the inbound leg; here it holds what we last agreed.
      provider: last
        ? { kind: "present", state: last.state, etag: last.etag, changedAt: link!.updatedAt.toISOString() }
        : { kind: "absent" },
      last,
      role: "organizer",
      // History made before the account was connected invites no one (failure mode 9).
      firstSync: event.createdAt < place.connectedAt,
    });
    for (const a of actions) {
      if (a.kind === "create-at-provider") {
        const uid = `${event.id}@concilia`;
        const put = await writer.create(uid, event.id, a.state, {
          sendInvitations: a.sendInvitations,
        });
        await db.insert(eventLinks).values({
          id: newId(),
          eventId: event.id,
          connectionId: place.connectionId,
          calendarId: place.calendarId,
          providerId: put.href,
          icalUid: uid,
          etag: put.etag,
          lastSynced: a.state,
        });
        written++;
      } else if (a.kind === "update-at-provider" && link?.etag && link.icalUid) {
        const sequence = link.sequence + 1;
        const put = await writer.update(
          link.providerId,
          link.etag,
          link.icalUid,
          sequence,
          event.id,
          a.state,
        );
        await db
          .update(eventLinks)
          .set({ etag: put.etag, sequence, lastSynced: a.state, updatedAt: new Date() })
          .where(eq(eventLinks.id, link.id));
        written++;
      }
    }
  }
  return written;
}
