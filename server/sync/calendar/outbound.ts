// CRM items out to the connection's target calendar (R-CAL-1, R-CAL-2, R-CAL-7, R-CAL-9, R-ACT-1):
// CRM-owned events and planned activities of calendar-flagged types. A connection's first push to a
// calendar reconciles every such item once (history invites no one: failure mode 9); after it, a step
// drains the connection's outbox (outbox.ts), the rows each CRM change wrote in its own transaction,
// so a step with no change makes no provider request. Each item is reconciled (reconcile/calendar.ts)
// from its CRM state and what was last synced; the provider half of the actions is written (a create
// under a UID of ours, an update with If-Match, a removal), then, for a batch of items, the links'
// states and returned ETags and the deletion of the items' outbox rows are recorded in one
// transaction, with what the writer keeps of its writes (`recordWrites`). That ETag is how the
// object, listed again by the inbound leg, is recognised as our own write (no echo). A crash between the provider writes and that transaction leaves the rows: the
// repeated create finds its own object (same UID) instead of making a second one.
import { and, asc, eq, gte, inArray, isNotNull } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { Db, Tx } from "../../db/index.js";
import { activities, activityTypes, calendarOutbox, eventLinks, events } from "../../db/schema.js";
import { newId } from "../../ids.js";
import { reconcileCalendarItem } from "../../reconcile/calendar.js";
import type { CrmSide } from "../../reconcile/calendar-types.js";
import { readCursor, saveCursor } from "../cursors.js";
import { SyncError } from "../errors.js";
import { activityEntries } from "./activity-entry.js";
import { crmStatesOf } from "./crm-event.js";
import { type Recording, record } from "./link-records.js";
import { type OutboxItem, PUSH_SCOPE } from "./outbox.js";

/**
 * What outbound needs from a calendar provider, one implementation per provider (CalDAV's write.ts,
 * Google's and Graph's calendar writers). `href` is the provider's id for the item (CalDAV: the object
 * URL; Google and Graph: the event id) and `etag` its version (ETag, etag, changeKey). Every write is
 * idempotent: a create repeated after a lost answer finds the item it made (CalDAV If-None-Match on a
 * UID of ours, Google a client-chosen id, Graph a transactionId) instead of making a second one.
 * `eventId` is the Concilia id of the item: an event's, or a planned activity's (R-ACT-1). A create
 * returns the iCalUID the provider gave the item when it is not the one asked for (Google and Outlook
 * may name it themselves): the link records the real one, which other users' calendars match by (R-CAL-3).
 */
export interface CalendarWriter {
  create(
    uid: string,
    eventId: string,
    state: SyncedEventState,
    options: { sendInvitations: boolean },
  ): Promise<{ href: string; etag: string; icalUid?: string }>;
  /**
   * Never sends invitations again (R-CAL-7). An item changed at the provider since `ifMatch` throws
   * SyncError("conflict"), as `remove` does.
   */
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
  /**
   * What the writer keeps of its writes since the last call, recorded in the transaction that
   * records their links (Graph: the events it deleted, whose echo its delta then lists).
   */
  recordWrites?(tx: Tx): Promise<void>;
}

type Place = { connectionId: string; calendarId: string; connectedAt: Date };
type PushMarker = { calendarId: string; complete: boolean };
type OutboxRow = typeof calendarOutbox.$inferSelect;
type Link = typeof eventLinks.$inferSelect;
/** Items read, written and recorded together: a few queries and one transaction per batch. */
const BATCH = 200;

export async function pushCrmEvents(
  db: Db,
  owner: AuthUser,
  place: Place,
  writer: CalendarWriter,
): Promise<PushResult> {
  const push = new Push(db, owner, place, writer);
  const marker = (await readCursor(db, place.connectionId, PUSH_SCOPE)) as PushMarker | null;
  if (marker?.calendarId !== place.calendarId || !marker.complete) await push.everything();
  await push.drain();
  if (push.failure) throw push.failure;
  return { written: push.written, refused: push.refused };
}

/**
 * What a push did. `refused`: items the calendar would not take (a 400, an event it finds invalid);
 * each stays owed in the outbox, tried again at later steps, and the other items go on meanwhile.
 */
export interface PushResult {
  written: number;
  refused: { item: OutboxItem; reason: string }[];
}

/** Items the calendar refused, for the operator: the step goes on, the items stay owed. */
export function logRefused(
  ctx: { connection: { id: string }; log: { warn(o: object, msg: string): void } },
  result: PushResult,
): void {
  for (const r of result.refused)
    ctx.log.warn(
      { connection: ctx.connection.id, item: r.item, reason: r.reason },
      "The calendar refused a CRM item; it is tried again at the next step",
    );
}

/** A failure of the whole connection (credentials, throttling, the network) stops the step. */
const stopsTheStep = (err: unknown) =>
  !(err instanceof SyncError) || ["auth", "throttled", "temporary"].includes(err.kind);

/** One item owed: what it is, its outbox rows, and whether it is history (no invitations). */
interface Owed {
  item: OutboxItem;
  rows: OutboxRow[];
  history: boolean;
}

class Push {
  written = 0;
  /** The first failure of the connection itself; the step reports it. */
  failure: unknown = null;
  refused: PushResult["refused"] = [];
  /** Items of the first push that failed: owed, but with no outbox row yet. */
  unwritten: OutboxItem[] = [];

  constructor(
    private db: Db,
    private owner: AuthUser,
    private place: Place,
    private writer: CalendarWriter,
  ) {}

  /**
   * The first push to this calendar: every CRM-owned event, the planned activities made since the
   * connection (earlier ones wait for "Sync previous activities", R-ACT-3) and those already there. The marker is written
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
    // Entries already written here (a calendar synced again after "Remove sync") catch up too.
    const linked = await db
      .select({ id: eventLinks.activityId })
      .from(eventLinks)
      .where(
        and(
          eq(eventLinks.connectionId, place.connectionId),
          eq(eventLinks.calendarId, place.calendarId),
          isNotNull(eventLinks.activityId),
        ),
      );
    const seen = new Set(planned.map((a) => a.id));
    for (const l of linked) if (l.id && !seen.has(l.id)) planned.push({ id: l.id });
    const owed = (kind: OutboxItem["kind"], ids: { id: string }[]) =>
      ids.map((r): Owed => ({ item: { kind, id: r.id }, rows: [], history: false }));
    await this.batches(owed("event", mine));
    await this.batches(owed("activity", planned));
    // An item not written (the step cut at its time budget, the calendar unreachable or refusing it)
    // has no outbox row to keep it owed: it gets one with the marker, or it would never be written.
    await db.transaction(async (tx) => {
      if (this.unwritten.length)
        await tx.insert(calendarOutbox).values(
          this.unwritten.map((item) => ({
            id: newId(),
            connectionId: place.connectionId,
            itemKind: item.kind,
            itemId: item.id,
          })),
        );
      await saveCursor(tx, place.connectionId, PUSH_SCOPE, { calendarId: place.calendarId, complete: true });
    });
  }

  /** The connection's outbox, item by item in the order of their first change. */
  async drain(): Promise<void> {
    const rows = await this.db
      .select()
      .from(calendarOutbox)
      .where(eq(calendarOutbox.connectionId, this.place.connectionId))
      .orderBy(asc(calendarOutbox.id));
    const byItem = new Map<string, Owed>();
    for (const r of rows) {
      const key = `${r.itemKind}:${r.itemId}`;
      const o = byItem.get(key) ?? { item: { kind: r.itemKind, id: r.itemId }, rows: [], history: false };
      o.rows.push(r);
      o.history ||= r.history;
      byItem.set(key, o);
    }
    const owed = [...byItem.values()];
    await this.batches(owed.filter((o) => o.item.kind === "event"));
    await this.batches(owed.filter((o) => o.item.kind === "activity"));
  }

  private async batches(owed: Owed[]): Promise<void> {
    for (let i = 0; i < owed.length; i += BATCH) {
      const batch = owed.slice(i, i + BATCH);
      const records =
        batch[0]?.item.kind === "event" ? await this.events(batch) : await this.activities(batch);
      await this.db.transaction(async (tx) => {
        await record(tx, records);
        await this.writer.recordWrites?.(tx);
      });
    }
  }

  private async links(kind: OutboxItem["kind"], ids: string[]): Promise<Map<string, Link>> {
    const { connectionId, calendarId } = this.place;
    const column = kind === "event" ? eventLinks.eventId : eventLinks.activityId;
    const rows = await this.db
      .select()
      .from(eventLinks)
      .where(
        and(
          eq(eventLinks.connectionId, connectionId),
          eq(eventLinks.calendarId, calendarId),
          inArray(column, ids),
          eq(eventLinks.originalStart, ""),
        ),
      );
    return new Map(rows.map((l) => [(kind === "event" ? l.eventId : l.activityId)!, l]));
  }

  private async events(batch: Owed[]): Promise<Recording[]> {
    const ids = batch.map((o) => o.item.id);
    const rows = await this.db
      .select()
      .from(events)
      .where(and(inArray(events.id, ids), eq(events.ownerId, this.owner.id)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const live = rows.filter((r) => r.origin === "crm" && !r.guest && r.status !== "cancelled");
    const states = await crmStatesOf(this.db, live);
    const links = await this.links("event", ids);
    const records: Recording[] = [];
    for (const o of batch) {
      const row = byId.get(o.item.id);
      if (row?.origin !== "crm" || row.guest) {
        records.push(this.done(o.rows));
        continue;
      }
      const state = states.get(row.id);
      // R-CAL-9: deleting a calendar-synced event in Concilia cancels it; the calendar loses it.
      const crm: CrmSide = state
        ? { kind: "present", state, changedAt: row.updatedAt.toISOString() }
        : { kind: "deleted" };
      // History made before the account was connected invites no one (failure mode 9).
      const firstSync = o.history || row.createdAt < this.place.connectedAt;
      records.push(...(await this.reconcile(o, crm, links.get(row.id) ?? null, firstSync, true)));
    }
    return records;
  }

  private async activities(batch: Owed[]): Promise<Recording[]> {
    const ids = batch.map((o) => o.item.id);
    const rows = await this.db
      .select()
      .from(activities)
      .where(and(inArray(activities.id, ids), eq(activities.ownerId, this.owner.id)));
    const entries = await activityEntries(this.db, this.owner, rows);
    const changedAt = new Map(rows.map((r) => [r.id, r.updatedAt.toISOString()]));
    const links = await this.links("activity", ids);
    const records: Recording[] = [];
    for (const o of batch) {
      const entry = entries.get(o.item.id);
      if (!entry) {
        records.push(...(await this.removeDeleted(o)));
        continue;
      }
      const crm: CrmSide =
        entry.scope === "type-hidden"
          ? { kind: "deleted" }
          : {
              kind: "present",
              state: entry.state,
              changedAt: changedAt.get(o.item.id)!,
            };
      // A done activity keeps its entry, no longer synced; a hidden type's entries are removed (R-ACT-1).
      // Entries have no attendees and never ask for invitations: activities are not meetings.
      records.push(
        ...(await this.reconcile(o, crm, links.get(o.item.id) ?? null, true, entry.scope !== "no")),
      );
    }
    return records;
  }

  /** A deleted activity: its links went with it; its outbox rows say where it was written. */
  private async removeDeleted(o: Owed): Promise<Recording[]> {
    const here = o.rows.flatMap((r) => r.removal ?? []).filter((r) => r.calendarId === this.place.calendarId);
    try {
      for (const r of here) {
        await this.writer.remove(r.providerId, r.etag);
        this.written++;
      }
      return [this.done(o.rows)];
    } catch (err) {
      this.fail(o.item, err);
      return [];
    }
  }

  /** The item's outbox rows are done: deleted with the link's record, in its transaction. */
  private done(rows: OutboxRow[]): Recording {
    return { kind: "done", ids: rows.map((r) => r.id) };
  }

  /** The item's provider writes, done now; what to record of them, for the batch's transaction. */
  private async reconcile(
    o: Owed,
    crm: CrmSide,
    link: Link | null,
    firstSync: boolean,
    inScope: boolean,
  ): Promise<Recording[]> {
    const { item } = o;
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
    const records: Recording[] = [];
    try {
      for (const a of actions) {
        if (a.kind === "create-at-provider") {
          const put = await this.writer.create(uid, item.id, a.state, { sendInvitations: a.sendInvitations });
          const values = {
            providerId: put.href,
            icalUid: put.icalUid ?? uid,
            etag: put.etag,
            sequence: 0,
            lastSynced: a.state,
          };
          records.push({
            kind: "link",
            values: { id: newId(), ...ids, connectionId, calendarId, ...values },
          });
          this.written++;
        } else if (a.kind === "update-at-provider" && link?.etag) {
          const sequence = link.sequence + 1;
          const put = await this.writer.update(link.providerId, link.etag, uid, sequence, item.id, a.state);
          records.push({
            kind: "relink",
            id: link.id,
            set: { etag: put.etag, sequence, lastSynced: a.state, updatedAt: new Date() },
          });
          this.written++;
        } else if (a.kind === "delete-at-provider" && link) {
          await this.writer.remove(link.providerId, link.etag);
          this.written++;
        } else if (a.kind === "forget-link" && link) {
          records.push({ kind: "forget", id: link.id });
        }
      }
    } catch (err) {
      // Nothing of this item is recorded: its rows stay owed and it is tried again at the next step.
      // A conflict (the calendar changed it since our last write) is no failure: the inbound leg reads
      // the calendar's version and merges it, and the next step writes the result.
      if (!(err instanceof SyncError && err.kind === "conflict")) this.fail(item, err);
      if (o.rows.length === 0) this.unwritten.push(item);
      return [];
    }
    return [...records, this.done(o.rows)];
  }

  /** An item refused stays owed and the rest go on; a failure of the connection stops the step. */
  private fail(item: OutboxItem, err: unknown): void {
    if (stopsTheStep(err)) this.failure ??= err;
    else this.refused.push({ item, reason: err instanceof Error ? err.message : String(err) });
  }
}
