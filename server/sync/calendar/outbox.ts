// The calendar outbox (ARCHITECTURE's data flow, point 4): every CRM change that a calendar must see
// (an event created, edited, cancelled or deleted; a planned activity created, edited or deleted; an
// activity type's "show in calendars" switched) writes rows here in the change's own transaction, so a
// change is never committed without its write being owed. One row per connection of the item's owner
// that has made its first push (the `calendar-push` cursor): a connection that has not yet pushed
// reconciles every item once at its first step (outbound.ts), so rows for it would say nothing new.
import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { activities, calendarOutbox, connections, eventLinks, syncCursors } from "../../db/schema.js";
import { newId } from "../../ids.js";

/** The cursor scope that records which calendar a connection made its first push to. */
export const PUSH_SCOPE = "calendar-push";

export type OutboxItem = { kind: "event" | "activity"; id: string };

/**
 * The owner's connections that have done their first push. One whose calendar sync is off meanwhile
 * keeps its rows until it syncs again: nothing changed in between is missed.
 */
async function pushingConnections(tx: Tx, ownerId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: connections.id })
    .from(connections)
    .innerJoin(
      syncCursors,
      and(eq(syncCursors.connectionId, connections.id), eq(syncCursors.scopeKey, PUSH_SCOPE)),
    )
    .where(eq(connections.userId, ownerId));
  return rows.map((r) => r.id);
}

/** A CRM change to an event or activity of `ownerId`: its calendars owe it a write. */
export async function enqueueCalendarChange(tx: Tx, ownerId: string, item: OutboxItem): Promise<void> {
  const ids = await pushingConnections(tx, ownerId);
  if (ids.length)
    await tx
      .insert(calendarOutbox)
      .values(
        ids.map((connectionId) => ({ id: newId(), connectionId, itemKind: item.kind, itemId: item.id })),
      );
}

/**
 * An activity about to be deleted: its `event_links` rows go with it (cascade), so each connection it
 * was written to gets a row that names where to remove it (R-ACT-1). Call before deleting.
 */
export async function enqueueActivityRemoval(tx: Tx, activityId: string): Promise<void> {
  const links = await tx.select().from(eventLinks).where(eq(eventLinks.activityId, activityId));
  const byConnection = new Map<string, typeof links>();
  for (const l of links) byConnection.set(l.connectionId, [...(byConnection.get(l.connectionId) ?? []), l]);
  for (const [connectionId, ls] of byConnection)
    await tx.insert(calendarOutbox).values({
      id: newId(),
      connectionId,
      itemKind: "activity",
      itemId: activityId,
      removal: ls.map((l) => ({ calendarId: l.calendarId, providerId: l.providerId, etag: l.etag })),
    });
}

/**
 * R-ACT-1: an activity type's "show in calendars" switched. On: its planned activities go out. Off:
 * the entries already written are removed (the rows' drain finds the type no longer shown).
 */
export async function enqueueActivityType(tx: Tx, typeKey: string, shown: boolean): Promise<void> {
  const owed = shown
    ? await tx
        .select({ connectionId: connections.id, itemId: activities.id })
        .from(activities)
        .innerJoin(connections, eq(connections.userId, activities.ownerId))
        .innerJoin(
          syncCursors,
          and(eq(syncCursors.connectionId, connections.id), eq(syncCursors.scopeKey, PUSH_SCOPE)),
        )
        .where(and(eq(activities.type, typeKey), eq(activities.state, "planned")))
    : await tx
        .selectDistinct({ connectionId: eventLinks.connectionId, itemId: activities.id })
        .from(eventLinks)
        .innerJoin(activities, eq(activities.id, eventLinks.activityId))
        .where(eq(activities.type, typeKey));
  for (let i = 0; i < owed.length; i += 500)
    await tx
      .insert(calendarOutbox)
      .values(owed.slice(i, i + 500).map((o) => ({ id: newId(), ...o, itemKind: "activity" as const })));
}

/**
 * R-ACT-3: the owner's planned activities of calendar-flagged types made before the connection, owed
 * to it as history (no invitations). Those already there are reconciled to nothing: no duplicates.
 */
export async function enqueuePreviousActivities(
  tx: Tx,
  connection: { id: string; userId: string; createdAt: Date },
  flaggedTypes: string[],
): Promise<number> {
  if (!flaggedTypes.length) return 0;
  const rows = await tx
    .select({ id: activities.id, createdAt: activities.createdAt })
    .from(activities)
    .where(
      and(
        eq(activities.ownerId, connection.userId),
        eq(activities.state, "planned"),
        inArray(activities.type, flaggedTypes),
      ),
    );
  const previous = rows.filter((r) => r.createdAt < connection.createdAt);
  for (let i = 0; i < previous.length; i += 500)
    await tx.insert(calendarOutbox).values(
      previous.slice(i, i + 500).map((a) => ({
        id: newId(),
        connectionId: connection.id,
        itemKind: "activity" as const,
        itemId: a.id,
        history: true,
      })),
    );
  return previous.length;
}
