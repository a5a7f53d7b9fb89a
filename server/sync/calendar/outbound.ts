// CRM items out to the connection's target calendar (R-CAL-1, R-CAL-2, R-CAL-7, R-CAL-9, R-ACT-1):
// CRM-owned events and planned activities of calendar-flagged types. A connection's first push to a
// calendar reconciles every such item once (history invites no one: failure mode 9); after it, a step
// drains the connection's outbox (outbox.ts), the rows each CRM change wrote in its own transaction,
// so a step with no change makes no provider request. Each item is reconciled (reconcile/calendar.ts)
// from its CRM state and what was last synced; the provider half of the actions is written (a create
// under a UID of ours, an update with If-Match, a removal), then the link's state and returned ETag
// and the deletion of the item's outbox rows are recorded in one transaction. That ETag is how the
// object, listed again by the inbound leg, is recognised as our own write (no echo). A crash between
// the provider write and that transaction leaves the rows: the repeated create finds its own object
// (same UID) instead of making a second one.
import { and, asc, eq, gte, inArray, lte } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Db, Tx } from "../../db/index.js";
import { activities, activityTypes, calendarOutbox, eventLinks, events } from "../../db/schema.js";
import { newId } from "../../ids.js";
import { reconcileCalendarItem } from "../../reconcile/calendar.js";
import type { CrmSide } from "../../reconcile/calendar-types.js";
import { readCursor, saveCursor } from "../cursors.js";
import { activityInScope, activityStateOf } from "./activity-entry.js";
import { crmStateOf } from "./crm-event.js";
import { type OutboxItem, PUSH_SCOPE } from "./outbox.js";

/**
 * What outbound needs from a calendar provider, one implementation per provider (CalDAV's write.ts,
 * Google's and Graph's calendar writers). `href` is the provider's id for the item (CalDAV: the object
 * URL; Google and Graph: the event id) and `etag` its version (ETag, etag, changeKey). Every write is
 * idempotent: a create repeated after a lost answer finds the item it made (CalDAV If-None-Match on a
 * UID of ours, Google a client-chosen id, Graph a transactionId) instead of making a second one.
 * `eventId` is the Concilia id of the item: an event's, or a planned activity's (R-ACT-1).
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

type Place = { connectionId: string; calendarId: string; connectedAt: Date };
type PushMarker = { calendarId: string; complete: boolean };
type OutboxRow = typeof calendarOutbox.$inferSelect;

export async function pushCrmEvents(
  db: Db,
  owner: AuthUser,
  place: Place,
  writer: CalendarWriter,
): Promise<number> {
  const push = new Push(db, owner, place, writer);
  const marker = (await readCursor(db, place.connectionId, PUSH_SCOPE)) as PushMarker | null;
  if (marker?.calendarId !== place.calendarId || !marker.complete) await push.everything();
  await push.drain();
  if (push.failure) throw push.failure;
  return push.written;
}

class Push {
  written = 0;
  /** The first item that failed; the others still go, then the step reports it. */
  failure: unknown = null;

  constructor(
    private db: Db,
    private owner: AuthUser,
    private place: Place,
    private writer: CalendarWriter,
  ) {}

  /**
   * The first push to this calendar: every CRM-owned event, and the planned activities made since the
   * connection (earlier ones wait for "Sync previous activities", R-ACT-3). The marker is written
   * first, so that changes made meanwhile are queued in the outbox and none is missed.
   */
  async everything(): Promise<void> {
    const { db, owner, place } = this;
    await saveCursor(db, place.connectionId, PUSH_SCOPE, { calendarId: place.calendarId, complete: false });
    const mine = await db
      .select({ id: events.id })
      .from(events)
      .where(and(eq(events.ownerId, owner.id), eq(events.origin, "crm"), eq(events.guest, false)))
      .orderBy(asc(events.id));
    for (const e of mine) await this.item({ kind: "event", id: e.id }, [], false);
    const flagged = db
      .select({ key: activityTypes.key })
      .from(activityTypes)
      .where(eq(activityTypes.showInCalendars, true));
    const planned = await db
      .select({ id: activities.id })
      .from(activities)
      .where(
        and(
          eq(activities.ownerId, owner.id),
          eq(activities.state, "planned"),
          inArray(activities.type, flagged),
          gte(activities.createdAt, place.connectedAt),
        ),
      )
      .orderBy(asc(activities.id));
    for (const a of planned) await this.item({ kind: "activity", id: a.id }, [], false);
    await saveCursor(db, place.connectionId, PUSH_SCOPE, { calendarId: place.calendarId, complete: true });
  }

  /** The connection's outbox, item by item in the order of their first change. */
  async drain(): Promise<void> {
    const rows = await this.db
      .select()
      .from(calendarOutbox)
      .where(eq(calendarOutbox.connectionId, this.place.connectionId))
      .orderBy(asc(calendarOutbox.id));
    const byItem = new Map<string, OutboxRow[]>();
    for (const r of rows) {
      const key = `${r.itemKind}:${r.itemId}`;
      byItem.set(key, [...(byItem.get(key) ?? []), r]);
    }
    for (const group of byItem.values()) {
      const first = group[0]!;
      await this.item(
        { kind: first.itemKind, id: first.itemId },
        group,
        group.some((r) => r.history),
      );
    }
  }

  private async item(item: OutboxItem, rows: OutboxRow[], history: boolean): Promise<void> {
    try {
      if (item.kind === "event") await this.event(item.id, rows, history);
      else await this.activity(item.id, rows);
    } catch (err) {
      this.failure ??= err;
    }
  }

  /** The item's outbox rows are done: deleted with the link's record, in its transaction. */
  private async done(tx: Tx, rows: OutboxRow[]): Promise<void> {
    if (!rows.length) return;
    const last = rows[rows.length - 1]!;
    await tx
      .delete(calendarOutbox)
      .where(
        and(
          eq(calendarOutbox.connectionId, this.place.connectionId),
          eq(calendarOutbox.itemKind, last.itemKind),
          eq(calendarOutbox.itemId, last.itemId),
          lte(calendarOutbox.id, last.id),
        ),
      );
  }

  private async linkOf(item: OutboxItem) {
    const { connectionId, calendarId } = this.place;
    const [link] = await this.db
      .select()
      .from(eventLinks)
      .where(
        and(
          eq(eventLinks.connectionId, connectionId),
          eq(eventLinks.calendarId, calendarId),
          item.kind === "event" ? eq(eventLinks.eventId, item.id) : eq(eventLinks.activityId, item.id),
          eq(eventLinks.originalStart, ""),
        ),
      );
    return link ?? null;
  }

  private async event(id: string, rows: OutboxRow[], history: boolean): Promise<void> {
    const [row] = await this.db
      .select()
      .from(events)
      .where(and(eq(events.id, id), eq(events.ownerId, this.owner.id)));
    if (!row || row.origin !== "crm" || row.guest) {
      await this.db.transaction((tx) => this.done(tx, rows));
      return;
    }
    // R-CAL-9: deleting a calendar-synced event in Concilia cancels it there; the calendar loses it.
    const crm: CrmSide =
      row.status === "cancelled"
        ? { kind: "deleted" }
        : { kind: "present", state: await crmStateOf(this.db, row), changedAt: row.updatedAt.toISOString() };
    // History made before the account was connected invites no one (failure mode 9).
    const firstSync = history || row.createdAt < this.place.connectedAt;
    await this.reconcile({ kind: "event", id }, crm, rows, firstSync, true);
  }

  private async activity(id: string, rows: OutboxRow[]): Promise<void> {
    const [row] = await this.db
      .select()
      .from(activities)
      .where(and(eq(activities.id, id), eq(activities.ownerId, this.owner.id)));
    if (!row) {
      // Deleted: its links went with it; the rows say where it was written.
      const here = rows.flatMap((r) => r.removal ?? []).filter((r) => r.calendarId === this.place.calendarId);
      for (const r of here) await this.writer.remove(r.providerId, r.etag);
      this.written += here.length;
      await this.db.transaction((tx) => this.done(tx, rows));
      return;
    }
    const scope = await activityInScope(this.db, row);
    const crm: CrmSide =
      scope === "type-hidden"
        ? { kind: "deleted" }
        : {
            kind: "present",
            state: await activityStateOf(this.db, row),
            changedAt: row.updatedAt.toISOString(),
          };
    // A done activity keeps its entry, no longer synced; a hidden type's entries are removed (R-ACT-1).
    // Entries have no attendees and never ask for invitations: activities are not meetings.
    await this.reconcile({ kind: "activity", id }, crm, rows, true, scope !== "no");
  }

  private async reconcile(
    item: OutboxItem,
    crm: CrmSide,
    rows: OutboxRow[],
    firstSync: boolean,
    inScope: boolean,
  ): Promise<void> {
    const link = await this.linkOf(item);
    const last = link?.lastSynced ? { state: link.lastSynced, etag: link.etag } : null;
    const actions = reconcileCalendarItem({
      crm,
      // The calendar's own changes come in through the inbound leg; here it holds what we last agreed.
      provider: last
        ? { kind: "present", state: last.state, etag: last.etag, changedAt: link!.updatedAt.toISOString() }
        : { kind: "absent" },
      last,
      role: "organizer",
      firstSync,
      inScope,
    });
    const { connectionId, calendarId } = this.place;
    const uid = link?.icalUid ?? `${item.id}@concilia`;
    const ids = item.kind === "event" ? { eventId: item.id } : { activityId: item.id };
    let record: ((tx: Tx) => Promise<unknown>) | null = null;
    for (const a of actions) {
      if (a.kind === "create-at-provider") {
        const put = await this.writer.create(uid, item.id, a.state, { sendInvitations: a.sendInvitations });
        const values = {
          providerId: put.href,
          icalUid: uid,
          etag: put.etag,
          sequence: 0,
          lastSynced: a.state,
        };
        record = (tx) =>
          tx
            .insert(eventLinks)
            .values({ id: newId(), ...ids, connectionId, calendarId, ...values })
            .onConflictDoUpdate({
              target: [eventLinks.connectionId, eventLinks.calendarId, eventLinks.providerId],
              set: { ...values, updatedAt: new Date() },
            });
        this.written++;
      } else if (a.kind === "update-at-provider" && link?.etag) {
        const sequence = link.sequence + 1;
        const put = await this.writer.update(link.providerId, link.etag, uid, sequence, item.id, a.state);
        record = (tx) =>
          tx
            .update(eventLinks)
            .set({ etag: put.etag, sequence, lastSynced: a.state, updatedAt: new Date() })
            .where(eq(eventLinks.id, link.id));
        this.written++;
      } else if (a.kind === "delete-at-provider" && link) {
        await this.writer.remove(link.providerId, link.etag);
        this.written++;
      } else if (a.kind === "forget-link" && link) {
        record = (tx) => tx.delete(eventLinks).where(eq(eventLinks.id, link.id));
      }
    }
    await this.db.transaction(async (tx) => {
      if (record) await record(tx);
      await this.done(tx, rows);
    });
  }
}
