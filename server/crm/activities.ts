// Activities: calls, meetings, tasks, and emails logged from the inbox. A user sees the activities he
// owns (an admin sees all). Logged mail (source "auto") is read-only (R-MAIL-3).
import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { Activity, activityInput, activityPatch } from "../../shared/api/activities.js";
import { badRequest, conflict, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { zoneOrProblem } from "../calendar/zones.js";
import type { Tx } from "../db/index.js";
import { activities, activityLinks, activityTypes, attachments, type RecordType } from "../db/schema.js";
import { newId } from "../ids.js";
import { enqueueActivityRemoval, enqueueCalendarChange } from "../sync/calendar/outbox.js";
import { ownedBy } from "./access.js";
import { listPage, pageWhere } from "./cursor.js";
import { inTurn } from "./in-turn.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { assertRecordsVisible } from "./record-refs.js";

type Row = typeof activities.$inferSelect;

export const READ_ONLY_MESSAGE =
  "This activity was logged automatically from email and is read-only: it mirrors the message as it was sent.";

export async function toActivities(db: Tx, rows: Row[]): Promise<Activity[]> {
  const ids = rows.map((r) => r.id);
  const [owners, links, atts] = await inTurn(
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
    () => (ids.length ? db.select().from(activityLinks).where(inArray(activityLinks.activityId, ids)) : []),
    () =>
      ids.length
        ? db
            .select()
            .from(attachments)
            .where(inArray(attachments.activityId, ids))
            .orderBy(asc(attachments.position))
        : [],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    state: r.state,
    subject: r.subject,
    description: r.description,
    startAt: r.startAt?.toISOString() ?? null,
    endAt: r.endAt?.toISOString() ?? null,
    timeZone: r.timeZone,
    dealId: r.dealId,
    source: r.source,
    readOnly: r.source === "auto",
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    links: links.filter((l) => l.activityId === r.id).map((l) => ({ type: l.recordType, id: l.recordId })),
    email:
      r.type === "email"
        ? {
            messageId: r.messageId,
            direction: r.direction,
            from: r.fromAddress ?? null,
            to: r.toAddresses ?? [],
            cc: r.ccAddresses ?? [],
            html: r.bodyHtml,
            text: r.bodyText,
            threadId: r.threadId,
            attachments: atts
              .filter((a) => a.activityId === r.id)
              .map((a) => ({
                id: a.id,
                filename: a.filename,
                contentType: a.contentType,
                size: a.size,
                sha256: a.sha256,
                inline: a.inline,
                contentId: a.contentId,
              })),
          }
        : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getActivityRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(activities)
    .where(and(eq(activities.id, id), ownedBy(user, activities.ownerId)));
  if (!row) throw notFound(`Activity ${id}`);
  return row;
}

export async function listActivities(
  db: Tx,
  user: AuthUser,
  q: {
    cursor?: string;
    limit: number;
    recordType?: RecordType;
    recordId?: string;
    state?: string;
    type?: string;
  },
) {
  const conds: (SQL | undefined)[] = [ownedBy(user, activities.ownerId), ...pageWhere(activities, q)];
  if (q.state) conds.push(eq(activities.state, q.state as Row["state"]));
  if (q.type) conds.push(eq(activities.type, q.type));
  if (q.recordType && q.recordId)
    conds.push(
      inArray(
        activities.id,
        db
          .select({ id: activityLinks.activityId })
          .from(activityLinks)
          .where(and(eq(activityLinks.recordType, q.recordType), eq(activityLinks.recordId, q.recordId))),
      ),
    );
  return listPage(db, activities, conds, q.limit, toActivities);
}

async function assertType(db: Tx, key: string) {
  const [t] = await db.select().from(activityTypes).where(eq(activityTypes.key, key));
  if (!t)
    throw badRequest(`Activity type '${key}' does not exist.`, [
      { path: "body.type", message: "unknown type" },
    ]);
  if (key === "email")
    throw badRequest("Email activities are created by logging a message (POST /api/v1/emails).", [
      { path: "body.type", message: "email is reserved for logged mail" },
    ]);
}

export async function createActivity(
  db: Tx,
  user: AuthUser,
  input: z.output<typeof activityInput>,
): Promise<Row> {
  await assertType(db, input.type);
  await assertRecordsVisible(db, user, input.links, input.dealId);
  const id = newId();
  const [row] = await db
    .insert(activities)
    .values({
      id,
      type: input.type,
      state: input.state,
      subject: input.subject,
      description: input.description ?? null,
      startAt: input.startAt ? new Date(input.startAt) : null,
      endAt: input.endAt ? new Date(input.endAt) : null,
      // R-ACT-5: a zone is checked (Windows names mapped) like an event's.
      timeZone: input.timeZone ? zoneOrProblem(input.timeZone, "body.timeZone") : user.timeZone,
      dealId: input.dealId ?? null,
      ownerId: user.id,
      source: "manual",
    })
    .returning();
  if (input.links.length)
    await db
      .insert(activityLinks)
      .values(input.links.map((l) => ({ activityId: id, recordType: l.type, recordId: l.id })))
      .onConflictDoNothing();
  // R-ACT-1: a planned activity may go to the user's calendars; the outbox decides by its type.
  if (row.state === "planned") await enqueueCalendarChange(db, user.id, { kind: "activity", id });
  return row;
}

export async function updateActivity(
  db: Tx,
  user: AuthUser,
  id: string,
  patch: z.output<typeof activityPatch>,
) {
  const current = await getActivityRow(db, user, id);
  if (current.source === "auto") throw conflict(READ_ONLY_MESSAGE);
  if (patch.type) await assertType(db, patch.type);
  if (patch.links || patch.dealId) await assertRecordsVisible(db, user, patch.links ?? [], patch.dealId);
  const [row] = await db
    .update(activities)
    .set({
      type: patch.type ?? current.type,
      state: patch.state ?? current.state,
      subject: patch.subject ?? current.subject,
      description: patch.description !== undefined ? patch.description : current.description,
      startAt:
        patch.startAt !== undefined ? (patch.startAt ? new Date(patch.startAt) : null) : current.startAt,
      endAt: patch.endAt !== undefined ? (patch.endAt ? new Date(patch.endAt) : null) : current.endAt,
      timeZone:
        patch.timeZone !== undefined
          ? patch.timeZone && zoneOrProblem(patch.timeZone, "body.timeZone")
          : current.timeZone,
      dealId: patch.dealId !== undefined ? patch.dealId : current.dealId,
      updatedAt: new Date(),
    })
    .where(eq(activities.id, id))
    .returning();
  if (patch.links) {
    await db.delete(activityLinks).where(eq(activityLinks.activityId, id));
    if (patch.links.length)
      await db
        .insert(activityLinks)
        .values(patch.links.map((l) => ({ activityId: id, recordType: l.type, recordId: l.id })))
        .onConflictDoNothing();
  }
  if (current.state === "planned" || row.state === "planned")
    await enqueueCalendarChange(db, current.ownerId, { kind: "activity", id });
  return row;
}

/** Returns the SHA-256 of the attachment blobs the activity used: collect them once this commits. */
export async function deleteActivity(db: Tx, user: AuthUser, id: string): Promise<string[]> {
  const current = await getActivityRow(db, user, id);
  if (current.source === "auto") throw conflict(READ_ONLY_MESSAGE);
  const used = await db
    .selectDistinct({ sha256: attachments.sha256 })
    .from(attachments)
    .where(eq(attachments.activityId, id));
  // Its calendar entries are removed (R-ACT-1): where they are goes into the outbox before the links do.
  await enqueueActivityRemoval(db, id);
  await db.delete(activities).where(eq(activities.id, id));
  return used.map((a) => a.sha256);
}
