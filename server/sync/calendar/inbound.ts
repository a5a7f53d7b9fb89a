// One calendar item coming in (R-CAL-3, R-CAL-6, R-CAL-9): the item's link (or an existing CRM event
// found by our tag or its iCalUID, import.ts), the three views (CRM, provider, last synced) reconciled
// (reconcile/calendar.ts), and the CRM half of the actions applied in the step's transaction. The
// provider half (writing back to the calendar) is not carried out here: when reconcile asks for one,
// the calendar's version is recorded as the synced state, so the CRM's owed write (outbox.ts) goes out
// at the next push on the calendar's current ETag instead of being refused again.
import { and, asc, eq, inArray, isNotNull, ne, or, sql } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { writeAttendees } from "../../crm/event-attendees.js";
import type { Tx } from "../../db/index.js";
import { runPrepared } from "../../db/prepared.js";
import { activities, eventAttendees, eventLinks, events } from "../../db/schema.js";
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
  // The look-ups made for every incoming item are prepared (db/prepared.ts): parsing and planning them
  // cost more than running them.
  const [link] = await runPrepared(
    tx
      .select()
      .from(eventLinks)
      .where(
        and(
          eq(eventLinks.connectionId, place.connectionId),
          eq(eventLinks.calendarId, place.calendarId),
          eq(eventLinks.providerId, place.providerId),
        ),
      ),
  );
  if ("gone" in item && !link) return { skipped: "deleted at the provider" };
  if (link?.activityId || (!link && !("gone" in item) && (await isOurActivity(tx, owner, item))))
    return activityEntry(tx, link, item);
  let eventId = link?.eventId ?? null;
  if (!eventId && !("gone" in item)) eventId = await findExisting(tx, owner, item);
  let row = eventId ? await eventRow(tx, eventId) : null;
  let takenOver = false;
  if (row && row.ownerId !== owner.id) {
    // R-CAL-3, R-CAL-4: another user's meeting. The organiser's copy drives it; any other copy is
    // only kept linked (which lists the event for this user, crm/event-access.ts).
    if (!organisesInstead(row, owner, item)) return followCopy(tx, place, link, row.id, item);
    row = await takeOver(tx, owner, row);
    takenOver = true;
  }
  // The calendar names the user by the account's address, Concilia by the user's own: one organizer,
  // not a change (imported as one, a meeting the user made in Concilia would turn into one he is a
  // guest of, read-only for him).
  const seen = row ? sameOrganizer(item, row, owner) : item;
  const crmState = row ? await crmStateOf(tx, row) : null;
  const crm: CrmSide =
    row && crmState
      ? { kind: "present", state: crmState, changedAt: row.updatedAt.toISOString() }
      : { kind: "absent" };
  const provider: ProviderSide =
    "gone" in seen
      ? { kind: "deleted" }
      : { kind: "present", state: seen.state, etag: seen.etag, changedAt: new Date().toISOString() };
  const organizer = "gone" in seen ? row?.organizerEmail : seen.state.organizer?.email.toLowerCase();
  const guest = !!organizer && !owner.addresses.includes(organizer.toLowerCase());
  // Taken over, the event holds only what the guest's copy brought: as if last synced with this copy,
  // so the organiser's version wins every field it differs in and nothing goes back to his calendar.
  const last = link?.lastSynced
    ? { state: link.lastSynced, etag: link.etag }
    : takenOver && crmState
      ? { state: crmState, etag: null }
      : null;
  const actions = reconcileCalendarItem({
    crm,
    provider,
    last,
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
      await recordSynced(tx, place, id, pushesBack && !("gone" in seen) ? seen.state : a.state, seen);
  }
  // The organiser's copy the guest's import already agreed with: nothing to reconcile, but it is now
  // the link that drives the event.
  if (takenOver && id && !("gone" in seen) && !actions.some((a) => a.kind === "record-synced"))
    await recordSynced(tx, place, id, seen.state, seen);
  // Nothing to reconcile, yet the calendar's version moved (a change of something not synced): the
  // link learns its ETag, or every later write would be refused on If-Match.
  if (
    link &&
    !("gone" in seen) &&
    !actions.some((a) => a.kind === "record-synced" || a.kind === "forget-link")
  )
    if (link.etag !== seen.etag || link.icalUid !== seen.uid)
      await tx
        .update(eventLinks)
        .set({ etag: seen.etag, icalUid: seen.uid, updatedAt: new Date() })
        .where(eq(eventLinks.id, link.id));
  return { stored: true };
}

/**
 * R-CAL-3: the CRM event this item already is: the user's own (our tag, or a link with its iCalUID),
 * else another user's event for the same meeting (a link with its iCalUID), if any.
 */
async function findExisting(
  tx: Tx,
  owner: AuthUser,
  item: Extract<IncomingItem, { uid: string }>,
): Promise<string | null> {
  const rows = await runPrepared(ownEventsOfItem(tx, owner.id, item));
  const decision = decideImport(
    { icalUid: item.uid, conciliaId: item.conciliaId },
    rows.map((r) => ({ eventId: r.eventId, icalUid: r.icalUid })),
  );
  if (decision.kind === "link") return decision.eventId;
  const [theirs] = await runPrepared(othersEventOfItem(tx, owner.id, item.uid));
  return theirs?.eventId ?? null;
}

/**
 * The user's events the item may be, with the iCalUIDs of their links: the one our tag names and those
 * linked with the item's iCalUID. The `in` names the candidates through the indexes (the primary key,
 * event_links_ical_uid); the OR alone spans both sides of the join and read every link and event.
 */
export function ownEventsOfItem(tx: Tx, ownerId: string, item: { uid: string; conciliaId?: string | null }) {
  const byUid = tx
    .select({ id: eventLinks.eventId })
    .from(eventLinks)
    .where(eq(eventLinks.icalUid, item.uid));
  return tx
    .selectDistinct({ eventId: events.id, icalUid: eventLinks.icalUid })
    .from(events)
    .leftJoin(eventLinks, eq(eventLinks.eventId, events.id))
    .where(
      and(
        eq(events.ownerId, ownerId),
        item.conciliaId
          ? sql`${events.id} in (select ${item.conciliaId}::text union ${byUid})`
          : inArray(events.id, byUid),
        or(
          item.conciliaId ? eq(events.id, item.conciliaId) : undefined,
          and(isNotNull(eventLinks.icalUid), inArray(eventLinks.icalUid, [item.uid])),
        ),
      ),
    );
}

/**
 * The same meeting brought in by another CRM user's calendar: the oldest such event, as
 * reconcile/import.ts picks among one user's.
 */
export function othersEventOfItem(tx: Tx, ownerId: string, uid: string) {
  return tx
    .select({ eventId: events.id })
    .from(events)
    .innerJoin(eventLinks, eq(eventLinks.eventId, events.id))
    .where(and(ne(events.ownerId, ownerId), eq(eventLinks.icalUid, uid)))
    .orderBy(asc(events.createdAt), asc(events.id))
    .limit(1);
}

async function eventRow(tx: Tx, id: string): Promise<EventRow | null> {
  const [row] = await tx.select().from(events).where(eq(events.id, id));
  return row ?? null;
}

function sameOrganizer(item: IncomingItem, row: EventRow, owner: AuthUser): IncomingItem {
  if ("gone" in item || !item.state.organizer || !row.organizerEmail) return item;
  const own = (address: string) => owner.addresses.includes(address.toLowerCase());
  if (!own(item.state.organizer.email) || !own(row.organizerEmail)) return item;
  return {
    ...item,
    state: { ...item.state, organizer: { email: row.organizerEmail, name: row.organizerName } },
  };
}

/** Brought in first from a guest's calendar, the meeting passes to its organiser when his copy comes. */
function organisesInstead(row: EventRow, owner: AuthUser, item: IncomingItem): boolean {
  if ("gone" in item || !row.guest) return false;
  const organizer = item.state.organizer?.email.toLowerCase();
  return !!organizer && owner.addresses.includes(organizer);
}

/**
 * The organiser's copy takes over a meeting a guest's calendar brought in: the event becomes his, not a
 * guest's, and its attendees are matched again to the CRM records he sees (R-CAL-5), not the guest's.
 * The guests' links stay as they are: they list the event for them, read-only.
 */
async function takeOver(tx: Tx, owner: AuthUser, row: EventRow): Promise<EventRow> {
  await tx.update(events).set({ ownerId: owner.id, guest: false }).where(eq(events.id, row.id));
  const attendees = await tx
    .select({ email: eventAttendees.email, name: eventAttendees.name })
    .from(eventAttendees)
    .where(eq(eventAttendees.eventId, row.id));
  await writeAttendees(tx, owner, row.id, attendees);
  return { ...row, ownerId: owner.id, guest: false };
}

/**
 * A copy of another user's meeting: its link records the copy's version (so it is not read as a change
 * again) and never imports over the event. Removed from this calendar (declined, deleted), the link
 * goes and the event stays: this user no longer sees it, its owner still does.
 */
async function followCopy(
  tx: Tx,
  place: ItemPlace,
  link: typeof eventLinks.$inferSelect | undefined,
  eventId: string,
  item: IncomingItem,
): Promise<WriteOutcome> {
  if ("gone" in item) {
    if (link) await tx.delete(eventLinks).where(eq(eventLinks.id, link.id));
    return { stored: true };
  }
  await recordSynced(tx, place, eventId, item.state, item);
  return { stored: true };
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
