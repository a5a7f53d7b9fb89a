// One calendar item coming in (R-CAL-3, R-CAL-6, R-CAL-9): the item's link (or an existing CRM event
// found by our tag or its iCalUID, import.ts), the three views (CRM, provider, last synced) reconciled
// (reconcile/calendar.ts), and the CRM half of the actions applied in the step's transaction. The
// provider half (writing back to the calendar) is not carried out here: when reconcile asks for one,
// the calendar's version is recorded as the synced state, so the CRM's owed write (outbox.ts) goes out
// at the next push on the calendar's current ETag instead of being refused again.
import { and, eq, inArray, isNotNull, or } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Tx } from "../../db/index.js";
import { activities, eventLinks, events } from "../../db/schema.js";
import { newId } from "../../ids.js";
import { reconcileCalendarItem } from "../../reconcile/calendar.js";
import type { CrmSide, ProviderSide } from "../../reconcile/calendar-types.js";
import { decideImport } from "../../reconcile/import.js";
import type { WriteOutcome } from "../provider.js";
import { crmStateOf, type EventRow, writeCrmState } from "./crm-event.js";

export interface ItemPlace {
  connectionId: string;
  /** Provider calendar id (CalDAV: the collection URL). */
  calendarId: string;
  /** Provider item id (CalDAV: the object href). */
  providerId: string;
}

export type IncomingItem =
  | { gone: true }
  | {
      etag: string | null;
      uid: string;
      sequence: number;
      conciliaId: string | null;
      state: SyncedEventState;
    };

export async function importCalendarItem(
  tx: Tx,
  owner: AuthUser,
  place: ItemPlace,
  item: IncomingItem,
): Promise<WriteOutcome> {
  const [link] = await tx
    .select()
    .from(eventLinks)
    .where(
      and(
        eq(eventLinks.connectionId, place.connectionId),
        eq(eventLinks.calendarId, place.calendarId),
        eq(eventLinks.providerId, place.providerId),
      ),
    );
  if ("gone" in item && !link) return { skipped: "deleted at the provider" };
  if (link?.activityId || (!link && !("gone" in item) && (await isOurActivity(tx, owner, item))))
    return activityEntry(tx, link, item);
  let eventId = link?.eventId ?? null;
  if (!eventId && !("gone" in item)) eventId = await findExisting(tx, owner, item);
  const row = eventId ? await ownedEvent(tx, owner, eventId) : null;
  const crm: CrmSide = row
    ? { kind: "present", state: await crmStateOf(tx, row), changedAt: row.updatedAt.toISOString() }
    : { kind: "absent" };
  const provider: ProviderSide =
    "gone" in item
      ? { kind: "deleted" }
      : { kind: "present", state: item.state, etag: item.etag, changedAt: new Date().toISOString() };
  const organizer = "gone" in item ? row?.organizerEmail : item.state.organizer?.email.toLowerCase();
  const guest = !!organizer && !owner.addresses.includes(organizer.toLowerCase());
  const actions = reconcileCalendarItem({
    crm,
    provider,
    last: link?.lastSynced ? { state: link.lastSynced, etag: link.etag } : null,
    role: guest ? "guest" : "organizer",
    firstSync: false,
  });
  const pushesBack = actions.some((a) => a.kind.endsWith("-at-provider"));
  let id = eventId;
  for (const a of actions) {
    if (a.kind === "create-in-crm") {
      id = newId();
      await writeCrmState(tx, owner, id, a.state, { guest });
    } else if (a.kind === "update-in-crm" && id) await writeCrmState(tx, owner, id, a.state, null);
    else if (a.kind === "mark-cancelled-in-crm" && id)
      await tx.update(events).set({ status: "cancelled", updatedAt: new Date() }).where(eq(events.id, id));
    else if (a.kind === "forget-link" && link) await tx.delete(eventLinks).where(eq(eventLinks.id, link.id));
    else if (a.kind === "record-synced" && id)
      // When the merge must go back to the calendar, what both sides hold in common is the calendar's
      // version at its new ETag: recorded so, the CRM's owed write (its outbox row) goes out on it.
      await recordSynced(tx, place, id, pushesBack && !("gone" in item) ? item.state : a.state, item);
  }
  return { stored: true };
}

/** R-CAL-3: the CRM event this item already is (our tag, or a link with its iCalUID), if any. */
async function findExisting(
  tx: Tx,
  owner: AuthUser,
  item: Extract<IncomingItem, { uid: string }>,
): Promise<string | null> {
  const rows = await tx
    .selectDistinct({ eventId: events.id, icalUid: eventLinks.icalUid })
    .from(events)
    .leftJoin(eventLinks, eq(eventLinks.eventId, events.id))
    .where(
      and(
        eq(events.ownerId, owner.id),
        or(
          item.conciliaId ? eq(events.id, item.conciliaId) : undefined,
          and(isNotNull(eventLinks.icalUid), inArray(eventLinks.icalUid, [item.uid])),
        ),
      ),
    );
  const decision = decideImport(
    { icalUid: item.uid, conciliaId: item.conciliaId },
    rows.map((r) => ({ eventId: r.eventId, icalUid: r.icalUid })),
  );
  return decision.kind === "link" ? decision.eventId : null;
}

async function ownedEvent(tx: Tx, owner: AuthUser, id: string): Promise<EventRow | null> {
  const [row] = await tx
    .select()
    .from(events)
    .where(and(eq(events.id, id), eq(events.ownerId, owner.id)));
  return row ?? null;
}

async function recordSynced(
  tx: Tx,
  place: ItemPlace,
  eventId: string,
  state: SyncedEventState,
  item: IncomingItem,
): Promise<void> {
  const known = "gone" in item ? {} : { etag: item.etag, icalUid: item.uid, sequence: item.sequence };
  await tx
    .insert(eventLinks)
    .values({
      id: newId(),
      connectionId: place.connectionId,
      calendarId: place.calendarId,
      providerId: place.providerId,
      eventId,
      lastSynced: state,
      ...known,
    })
    .onConflictDoUpdate({
      target: [eventLinks.connectionId, eventLinks.calendarId, eventLinks.providerId],
      set: { eventId, lastSynced: state, ...known, updatedAt: new Date() },
    });
}

/** An entry written for one of the owner's planned activities, found by our tag before its link is. */
async function isOurActivity(tx: Tx, owner: AuthUser, item: Extract<IncomingItem, { uid: string }>) {
  if (!item.conciliaId) return false;
  const [row] = await tx
    .select({ id: activities.id })
    .from(activities)
    .where(and(eq(activities.id, item.conciliaId), eq(activities.ownerId, owner.id)));
  return !!row;
}

/**
 * A planned activity's entry (R-ACT-1) goes one way, from the CRM to the calendar: it is never imported
 * as an event. Its new ETag is kept so the next CRM change can overwrite a calendar edit; removed in the
 * calendar, the link is forgotten and the activity stays.
 */
async function activityEntry(
  tx: Tx,
  link: typeof eventLinks.$inferSelect | undefined,
  item: IncomingItem,
): Promise<WriteOutcome> {
  if (link && "gone" in item) await tx.delete(eventLinks).where(eq(eventLinks.id, link.id));
  else if (link && !("gone" in item) && item.etag !== link.etag)
    await tx
      .update(eventLinks)
      .set({ etag: item.etag, updatedAt: new Date() })
      .where(eq(eventLinks.id, link.id));
  return { stored: true };
}
