// One occurrence of a series made in Concilia changed, moved or cancelled (R-CAL-6, R-CAL-2): an
// exception keyed by where the rule puts the occurrence (its original start: a UTC instant, or a date
// for an all-day series), as every provider keys them. The change owes the user's calendars a write
// of the series, in the same transaction (the writers then patch or delete that one occurrence).
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import type { occurrencePatch } from "../../shared/api/events.js";
import { badRequest, conflict, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { dateKeyMs, msToDate, occurrencesBetween } from "../calendar/occurrences.js";
import type { Tx } from "../db/index.js";
import { eventExceptions, events } from "../db/schema.js";
import { enqueueCalendarChange } from "../sync/calendar/outbox.js";
import { type EventRow, getEventRow, readOnlyReason } from "./events.js";
import { assertBetweenNeighbours } from "./occurrence-bounds.js";

const DAY = 86_400_000;

/** The exception key `originalStart` names in `series`, or a 404 when the rule puts no occurrence there. */
function slotOf(series: EventRow, originalStart: string): string {
  const allDay = series.allDay && !!series.startDate;
  const ms =
    allDay && /^\d{4}-\d\d-\d\d$/.test(originalStart) ? dateKeyMs(originalStart) : Date.parse(originalStart);
  const key = Number.isFinite(ms) ? (allDay ? msToDate(ms) : new Date(ms).toISOString()) : null;
  const slots = key
    ? occurrencesBetween(series, [], new Date(ms - 2 * DAY), new Date(ms + 2 * DAY)).map(
        (o) => o.originalStart,
      )
    : [];
  if (!key || !slots.includes(key))
    throw notFound(
      `Occurrence ${originalStart} of this series (give its original start: ${allDay ? "its date, YYYY-MM-DD" : "the instant the rule puts it at"})`,
    );
  return key;
}

async function seriesFor(db: Tx, user: AuthUser, id: string): Promise<EventRow> {
  const series = await getEventRow(db, user, id);
  const reason = readOnlyReason(series, user);
  if (reason) throw conflict(reason);
  if (!series.recurrence)
    throw conflict("This event is not a recurring series: change it with PATCH /api/v1/events/{id}.");
  if (series.status === "cancelled")
    throw conflict("This series was cancelled and can no longer be changed.");
  return series;
}

async function touch(db: Tx, series: EventRow): Promise<EventRow> {
  const [row] = await db
    .update(events)
    .set({ updatedAt: new Date() })
    .where(eq(events.id, series.id))
    .returning();
  await enqueueCalendarChange(db, series.ownerId, { kind: "event", id: series.id });
  return row!;
}

export async function changeOccurrence(
  db: Tx,
  user: AuthUser,
  id: string,
  originalStart: string,
  patch: z.output<typeof occurrencePatch>,
): Promise<EventRow> {
  const series = await seriesFor(db, user, id);
  const key = slotOf(series, originalStart);
  const where = and(eq(eventExceptions.eventId, id), eq(eventExceptions.originalStart, key));
  const [current] = await db.select().from(eventExceptions).where(where);
  if (current?.status === "cancelled")
    throw conflict("This occurrence was cancelled and can no longer be changed.");
  const times: Partial<typeof eventExceptions.$inferInsert> = {};
  if (series.allDay && series.startDate && series.endDate) {
    if (patch.startAt || patch.endAt)
      throw badRequest("This is an all-day series: move an occurrence with startDate and endDate.", [
        {
          path: `body.${patch.startAt ? "startAt" : "endAt"}`,
          message: "is for timed series; use startDate",
        },
      ]);
    if (patch.endDate && !patch.startDate)
      throw badRequest("A new endDate needs its startDate.", [
        { path: "body.startDate", message: "is required with endDate" },
      ]);
    if (patch.startDate) {
      const days = dateKeyMs(series.endDate) - dateKeyMs(series.startDate);
      times.startDate = patch.startDate;
      times.endDate = patch.endDate ?? msToDate(dateKeyMs(patch.startDate) + days);
    }
  } else {
    if (patch.startDate || patch.endDate)
      throw badRequest("This is a timed series: move an occurrence with startAt and endAt.", [
        {
          path: `body.${patch.startDate ? "startDate" : "endDate"}`,
          message: "is for all-day series; use startAt",
        },
      ]);
    if (patch.endAt && !patch.startAt)
      throw badRequest("A new endAt needs its startAt.", [
        { path: "body.startAt", message: "is required with endAt" },
      ]);
    if (patch.startAt) {
      const start = new Date(patch.startAt);
      times.startAt = start;
      times.endAt = patch.endAt
        ? new Date(patch.endAt)
        : new Date(start.getTime() + series.endAt.getTime() - series.startAt.getTime());
    }
  }
  if (times.startAt || times.startDate) {
    const siblings = await db.select().from(eventExceptions).where(eq(eventExceptions.eventId, id));
    assertBetweenNeighbours(series, siblings, key, {
      startAt: times.startAt ?? undefined,
      startDate: times.startDate ?? undefined,
    });
  }
  const values = {
    eventId: id,
    originalStart: key,
    status: "confirmed" as const,
    ...(current ? {} : { startAt: null, endAt: null, startDate: null, endDate: null, title: null }),
    ...times,
    ...(patch.title !== undefined ? { title: patch.title === series.title ? null : patch.title } : {}),
    updatedAt: new Date(),
  };
  if (current) await db.update(eventExceptions).set(values).where(where);
  else await db.insert(eventExceptions).values(values);
  return touch(db, series);
}

/** The occurrence is cancelled: kept as a cancelled exception, removed from the calendars. */
export async function cancelOccurrence(
  db: Tx,
  user: AuthUser,
  id: string,
  originalStart: string,
): Promise<void> {
  const series = await seriesFor(db, user, id);
  const key = slotOf(series, originalStart);
  const values = {
    eventId: id,
    originalStart: key,
    status: "cancelled" as const,
    startAt: null,
    endAt: null,
    startDate: null,
    endDate: null,
    title: null,
    updatedAt: new Date(),
  };
  await db
    .insert(eventExceptions)
    .values(values)
    .onConflictDoUpdate({ target: [eventExceptions.eventId, eventExceptions.originalStart], set: values });
  await touch(db, series);
}
