// Calendar events. CRM-owned events are edited here; each change owes the user's synced calendars a
// write, queued in the calendar outbox in the same transaction (sync/calendar/outbox.ts, R-CAL-1,
// R-CAL-2, R-CAL-9). Events from the calendar, events where the user is a guest, and series that came
// from a calendar are read-only (R-CAL-4, R-CAL-6); a series made in Concilia is its organizer's to
// change, as a whole here and one occurrence at a time in event-occurrences.ts.
import { and, eq, inArray } from "drizzle-orm";
import type { z } from "zod";
import type { CrmEvent, eventInput, eventPatch } from "../../shared/api/events.js";
import { conflict, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { ruleWarnings } from "../calendar/rule-bounds.js";
import { syncedException } from "../calendar/synced-state.js";
import type { Tx } from "../db/index.js";
import { eventAttendees, eventExceptions, eventLinks, events } from "../db/schema.js";
import { newId } from "../ids.js";
import { enqueueCalendarChange } from "../sync/calendar/outbox.js";
import { eventVisibleTo } from "./event-access.js";
import { writeAttendees } from "./event-attendees.js";
import { recurrenceOfRule, ruleFor } from "./event-recurrence.js";
import { planTiming, type Timing } from "./event-timing.js";
import { inTurn } from "./in-turn.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { assertRecordsVisible } from "./record-refs.js";

export type EventRow = typeof events.$inferSelect;
type ExceptionRow = typeof eventExceptions.$inferSelect;

/** Why the user may not change or delete this event in Concilia, or null if he may. */
export function readOnlyReason(
  e: EventRow,
  user: Pick<AuthUser, "id" | "role" | "addresses">,
): string | null {
  const organizer = e.organizerName ? `${e.organizerName} <${e.organizerEmail}>` : e.organizerEmail;
  if (e.guest || (e.organizerEmail && !user.addresses.includes(e.organizerEmail.toLowerCase())))
    return `You are a guest of this event${organizer ? `, organized by ${organizer}` : ""}: only the organizer changes or deletes it. Answer the invitation in your calendar.`;
  // Another user's meeting, listed for this one because his calendar holds a copy (event-access.ts).
  if (e.ownerId !== user.id && user.role !== "admin")
    return "This meeting came into Concilia through another user's calendar: change it in your calendar or ask its organizer.";
  if (e.recurrence && e.origin !== "crm")
    return "This is a recurring series from your calendar: its occurrences are read-only in Concilia; change them in your calendar.";
  if (e.origin !== "crm") return "This event comes from your calendar: change or delete it there.";
  return null;
}

export const isReadOnly = (e: EventRow, user: Pick<AuthUser, "id" | "role" | "addresses">) =>
  readOnlyReason(e, user) !== null;

export async function toEvents(db: Tx, user: AuthUser, rows: EventRow[]): Promise<CrmEvent[]> {
  const ids = rows.map((r) => r.id);
  const seriesIds = rows.filter((r) => r.recurrence).map((r) => r.id);
  const [owners, atts, exceptions] = await inTurn(
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
    () => (ids.length ? db.select().from(eventAttendees).where(inArray(eventAttendees.eventId, ids)) : []),
    (): Promise<ExceptionRow[]> | ExceptionRow[] =>
      seriesIds.length
        ? db.select().from(eventExceptions).where(inArray(eventExceptions.eventId, seriesIds))
        : [],
  );
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    location: r.location,
    onlineMeetingUrl: r.onlineMeetingUrl,
    startAt: r.startAt.toISOString(),
    endAt: r.endAt.toISOString(),
    timeZone: r.timeZone,
    endTimeZone: r.endTimeZone,
    allDay: r.allDay,
    startDate: r.allDay ? r.startDate : null,
    endDate: r.allDay ? r.endDate : null,
    origin: r.origin,
    guest: r.guest,
    status: r.status,
    organizerEmail: r.organizerEmail,
    organizerName: r.organizerName,
    recurrence: r.recurrence ? { rule: r.recurrence, rdates: r.rdates, exdates: r.exdates } : null,
    occurrence: null,
    exceptions: exceptions
      .filter((x) => x.eventId === r.id)
      .sort((a, b) => a.originalStart.localeCompare(b.originalStart))
      .map(syncedException),
    readOnly: isReadOnly(r, user),
    warnings: ruleWarnings(r.recurrence),
    dealId: r.dealId,
    owner: owners.get(r.ownerId) ?? unknownOwner(r.ownerId),
    attendees: atts
      .filter((a) => a.eventId === r.id)
      .map((a) => ({
        email: a.email,
        name: a.name,
        responseStatus: a.responseStatus,
        // R-CAL-5: attendees who are not CRM records are shown by address only.
        record: a.recordType && a.recordId ? { type: a.recordType, id: a.recordId } : null,
      })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  }));
}

export async function getEventRow(db: Tx, user: AuthUser, id: string): Promise<EventRow> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), eventVisibleTo(db, user)));
  if (!row) throw notFound(`Event ${id}`);
  return row;
}

export async function createEvent(
  db: Tx,
  user: AuthUser,
  input: z.output<typeof eventInput>,
): Promise<EventRow> {
  const timing = planTiming(input);
  await assertRecordsVisible(db, user, [], input.dealId);
  const id = newId();
  const [row] = await db
    .insert(events)
    .values({
      id,
      title: input.title,
      description: input.description ?? null,
      location: input.location ?? null,
      onlineMeetingUrl: input.onlineMeetingUrl ?? null,
      ...timing,
      recurrence: input.recurrence ? ruleFor(input.recurrence, timing) : null,
      origin: "crm",
      status: "confirmed",
      organizerEmail: user.email,
      organizerName: user.name,
      dealId: input.dealId ?? null,
      ownerId: user.id,
    })
    .returning();
  await writeAttendees(db, user, id, input.attendees);
  await enqueueCalendarChange(db, user.id, { kind: "event", id });
  return row;
}

export async function updateEvent(db: Tx, user: AuthUser, id: string, patch: z.output<typeof eventPatch>) {
  const current = await getEventRow(db, user, id);
  const reason = readOnlyReason(current, user);
  if (reason) throw conflict(reason);
  if (current.status === "cancelled")
    throw conflict("This event was cancelled and can no longer be changed.");
  const timing = planTiming(patch, current);
  const recurrence = nextRule(patch, current, timing);
  if (patch.dealId) await assertRecordsVisible(db, user, [], patch.dealId);
  // The changed occurrences were keyed by the old pattern: a new rule or a new start drops them.
  if (recurrence !== current.recurrence || (current.recurrence && moved(current, timing)))
    await db.delete(eventExceptions).where(eq(eventExceptions.eventId, id));
  const [row] = await db
    .update(events)
    .set({
      title: patch.title ?? current.title,
      description: patch.description !== undefined ? patch.description : current.description,
      location: patch.location !== undefined ? patch.location : current.location,
      onlineMeetingUrl:
        patch.onlineMeetingUrl !== undefined ? patch.onlineMeetingUrl : current.onlineMeetingUrl,
      ...timing,
      recurrence,
      dealId: patch.dealId !== undefined ? patch.dealId : current.dealId,
      updatedAt: new Date(),
    })
    .where(eq(events.id, id))
    .returning();
  if (patch.attendees) await writeAttendees(db, user, id, patch.attendees);
  await enqueueCalendarChange(db, current.ownerId, { kind: "event", id });
  return row;
}

const moved = (a: Timing, b: Timing) =>
  a.allDay !== b.allDay ||
  a.startDate !== b.startDate ||
  a.startAt.getTime() !== b.startAt.getTime() ||
  a.timeZone !== b.timeZone;

/** The series' rule after a PATCH: the new one, none, or the current one fitted to a new start. */
function nextRule(patch: z.output<typeof eventPatch>, current: EventRow, timing: Timing): string | null {
  if (patch.recurrence === null) return null;
  if (patch.recurrence) return ruleFor(patch.recurrence, timing);
  if (!current.recurrence || !moved(current, timing)) return current.recurrence;
  return ruleFor(recurrenceOfRule(current.recurrence, current), timing);
}

/**
 * R-CAL-9: deleting a CRM-owned event removes it. One already in a calendar is kept, cancelled, and
 * calendar sync removes it there (and forgets the link); one in no calendar goes at once.
 */
export async function deleteEvent(db: Tx, user: AuthUser, id: string): Promise<void> {
  const current = await getEventRow(db, user, id);
  const reason = readOnlyReason(current, user);
  if (reason) throw conflict(reason);
  const [linked] = await db
    .select({ id: eventLinks.id })
    .from(eventLinks)
    .where(eq(eventLinks.eventId, id))
    .limit(1);
  if (linked) {
    await db.update(events).set({ status: "cancelled", updatedAt: new Date() }).where(eq(events.id, id));
    await enqueueCalendarChange(db, current.ownerId, { kind: "event", id });
  } else await db.delete(events).where(eq(events.id, id));
}
