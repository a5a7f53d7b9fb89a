// A CRM event read as the synced shape, and a synced state written onto a CRM event (the row, its
// exceptions and its attendees, linked to CRM persons and companies by address).
import { eq, inArray, sql } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import { type SyncedEventState, syncedStateOf } from "../../calendar/synced-state.js";
import { writeAttendees } from "../../crm/event-attendees.js";
import type { Tx } from "../../db/index.js";
import { textArray } from "../../db/prepared.js";
import { eventAttendees, eventExceptions, events } from "../../db/schema.js";

export type EventRow = typeof events.$inferSelect;

export async function crmStateOf(tx: Tx, row: EventRow): Promise<SyncedEventState> {
  const attendees = await tx.select().from(eventAttendees).where(eq(eventAttendees.eventId, row.id));
  const exceptions = await tx.select().from(eventExceptions).where(eq(eventExceptions.eventId, row.id));
  return syncedStateOf(row, attendees, exceptions);
}

/** Many events' synced states at once (outbound's batches): three queries, whatever their number. */
export async function crmStatesOf(tx: Tx, rows: EventRow[]): Promise<Map<string, SyncedEventState>> {
  const ids = rows.map((r) => r.id);
  if (!ids.length) return new Map();
  const attendees = await tx.select().from(eventAttendees).where(inArray(eventAttendees.eventId, ids));
  const exceptions = await tx.select().from(eventExceptions).where(inArray(eventExceptions.eventId, ids));
  const group = <T extends { eventId: string }>(xs: T[]) => {
    const by = new Map<string, T[]>();
    for (const x of xs) by.set(x.eventId, [...(by.get(x.eventId) ?? []), x]);
    return by;
  };
  const [a, x] = [group(attendees), group(exceptions)];
  return new Map(rows.map((r) => [r.id, syncedStateOf(r, a.get(r.id) ?? [], x.get(r.id) ?? [])]));
}

/** The events columns a synced state sets; all-day events keep their dates and a UTC-midnight span. */
function columnsOf(s: SyncedEventState) {
  const t = s.timing;
  return {
    title: s.title,
    description: s.description,
    location: s.location,
    status: s.status,
    allDay: t.allDay,
    startAt: new Date(t.allDay ? `${t.startDate}T00:00:00Z` : t.startAt),
    endAt: new Date(t.allDay ? `${t.endDate}T00:00:00Z` : t.endAt),
    timeZone: t.allDay ? "UTC" : t.timeZone,
    endTimeZone: t.allDay ? "UTC" : t.endTimeZone,
    startDate: t.allDay ? t.startDate : null,
    endDate: t.allDay ? t.endDate : null,
    organizerEmail: s.organizer?.email.toLowerCase() ?? null,
    organizerName: s.organizer?.name ?? null,
    recurrence: s.recurrence?.rule ?? null,
    rdates: s.recurrence?.rdates ?? [],
    exdates: s.recurrence?.exdates ?? [],
  };
}

/** Writes the state onto event `id` (made when `create`), for the owner `user`. */
export async function writeCrmState(
  tx: Tx,
  user: AuthUser,
  id: string,
  s: SyncedEventState,
  create: { guest: boolean } | null,
): Promise<void> {
  if (create)
    await tx
      .insert(events)
      .values({ id, ...columnsOf(s), origin: "external", guest: create.guest, ownerId: user.id });
  else
    await tx
      .update(events)
      .set({ ...columnsOf(s), updatedAt: new Date() })
      .where(eq(events.id, id));
  // A new event has no exceptions yet: nothing to delete (one statement less per event of a first sync).
  if (!create) await tx.delete(eventExceptions).where(eq(eventExceptions.eventId, id));
  if (s.exceptions.length)
    await tx.insert(eventExceptions).values(
      s.exceptions.map((x) => ({
        eventId: id,
        originalStart: x.originalStart,
        status: x.status,
        startAt: x.startAt ? new Date(x.startAt) : null,
        endAt: x.endAt ? new Date(x.endAt) : null,
        startDate: x.startDate,
        endDate: x.endDate,
        title: x.title,
      })),
    );
  await writeAttendees(tx, user, id, s.attendees);
  // writeAttendees keeps statuses for edits made in Concilia; the calendar's answers are the truth here.
  // One statement for all of them (an event with many guests took one each); a guest listed twice keeps
  // the last answer, as when they were written one after the other.
  const answers = new Map(s.attendees.map((a) => [a.email.toLowerCase(), a.responseStatus as string]));
  if (answers.size)
    await tx.execute(sql`
      update ${eventAttendees} set response_status = answer.status
        from unnest(${textArray([...answers.keys()])}, ${textArray([...answers.values()])}) as answer(email, status)
       where ${eventAttendees.eventId} = ${id} and ${eventAttendees.email} = answer.email`);
}
