// Calendar events. CRM-owned events are edited here; calendar sync, which would send them out and import
// external events, is not built yet (the job queue is ready for it). External events, events where the
// user is a guest, and recurring events are read-only (R-CAL-4, R-CAL-6).
import { and, asc, eq, gte, inArray, lt, type SQL } from "drizzle-orm";
import type { z } from "zod";
import type { CrmEvent, eventInput, eventPatch } from "../../shared/api/events.js";
import { normalizeEmail } from "../../shared/text.js";
import { badRequest, conflict, notFound } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { eventAttendees, events, type RecordType } from "../db/schema.js";
import { newId } from "../ids.js";
import { ownedBy } from "./access.js";
import { timeCursor } from "./cursor.js";
import { inTurn } from "./in-turn.js";
import { matchAddresses } from "./match.js";
import { ownerRefs, unknownOwner } from "./owners.js";
import { assertRecordsVisible } from "./record-refs.js";

type Row = typeof events.$inferSelect;

export function isReadOnly(e: Row, user: Pick<AuthUser, "addresses">): boolean {
  if (e.origin !== "crm" || e.recurrence) return true;
  return !!e.organizerEmail && !user.addresses.includes(e.organizerEmail.toLowerCase());
}

export async function toEvents(db: Tx, user: AuthUser, rows: Row[]): Promise<CrmEvent[]> {
  const ids = rows.map((r) => r.id);
  const [owners, atts] = await inTurn(
    () =>
      ownerRefs(
        db,
        rows.map((r) => r.ownerId),
      ),
    () => (ids.length ? db.select().from(eventAttendees).where(inArray(eventAttendees.eventId, ids)) : []),
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
    allDay: r.allDay,
    origin: r.origin,
    status: r.status,
    organizerEmail: r.organizerEmail,
    recurrence: r.recurrence,
    readOnly: isReadOnly(r, user),
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

function assertZone(zone: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    throw badRequest(`'${zone}' is not an IANA time zone (for example Europe/Madrid).`, [
      { path: "body.timeZone", message: "unknown time zone" },
    ]);
  }
}

export async function getEventRow(db: Tx, user: AuthUser, id: string): Promise<Row> {
  const [row] = await db
    .select()
    .from(events)
    .where(and(eq(events.id, id), ownedBy(user, events.ownerId)));
  if (!row) throw notFound(`Event ${id}`);
  return row;
}

/** The user's events by start (then id), one page after `cursor`. */
export async function listEvents(
  db: Tx,
  user: AuthUser,
  q: {
    from?: string;
    to?: string;
    cursor?: string;
    limit: number;
    recordType?: RecordType;
    recordId?: string;
  },
) {
  const conds: (SQL | undefined)[] = [
    ownedBy(user, events.ownerId),
    timeCursor.after({ at: events.startAt, id: events.id }, q.cursor),
  ];
  if (q.from) conds.push(gte(events.endAt, new Date(q.from)));
  if (q.to) conds.push(lt(events.startAt, new Date(q.to)));
  if (q.recordType && q.recordId)
    conds.push(
      inArray(
        events.id,
        db
          .select({ id: eventAttendees.eventId })
          .from(eventAttendees)
          .where(and(eq(eventAttendees.recordType, q.recordType), eq(eventAttendees.recordId, q.recordId))),
      ),
    );
  const rows = await db
    .select({ row: events, at: timeCursor.text(events.startAt) })
    .from(events)
    .where(and(...conds))
    .orderBy(asc(events.startAt), asc(events.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: await toEvents(
      db,
      user,
      page.map((r) => r.row),
    ),
    nextCursor: rows.length > q.limit ? timeCursor.encode(last.at, last.row.id) : null,
  };
}

async function writeAttendees(
  db: Tx,
  user: AuthUser,
  eventId: string,
  list: { email: string; name?: string | null }[],
) {
  await db.delete(eventAttendees).where(eq(eventAttendees.eventId, eventId));
  const unique = [...new Map(list.map((a) => [normalizeEmail(a.email), a])).values()];
  if (!unique.length) return;
  const matches = await matchAddresses(
    db,
    user,
    unique.map((a) => a.email),
  );
  await db.insert(eventAttendees).values(
    unique.map((a) => {
      const email = normalizeEmail(a.email);
      const m = matches.get(email)?.[0];
      return {
        eventId,
        email,
        name: a.name ?? null,
        responseStatus: "needsAction" as const,
        recordType: m?.type ?? null,
        recordId: m?.id ?? null,
      };
    }),
  );
}

export async function createEvent(db: Tx, user: AuthUser, input: z.output<typeof eventInput>): Promise<Row> {
  assertZone(input.timeZone);
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
      startAt: new Date(input.startAt),
      endAt: new Date(input.endAt),
      timeZone: input.timeZone,
      allDay: input.allDay,
      origin: "crm",
      status: "confirmed",
      organizerEmail: user.email,
      dealId: input.dealId ?? null,
      ownerId: user.id,
    })
    .returning();
  await writeAttendees(db, user, id, input.attendees);
  return row;
}

export async function updateEvent(db: Tx, user: AuthUser, id: string, patch: z.output<typeof eventPatch>) {
  const current = await getEventRow(db, user, id);
  if (isReadOnly(current, user))
    throw conflict(
      current.origin === "external"
        ? "This event comes from your calendar and you are not its organizer in Concilia: change it in the calendar."
        : "Recurring events and events you were invited to are read-only in Concilia.",
    );
  if (current.status === "cancelled")
    throw conflict("This event was cancelled and can no longer be changed.");
  if (patch.timeZone) assertZone(patch.timeZone);
  const startAt = patch.startAt ? new Date(patch.startAt) : current.startAt;
  const endAt = patch.endAt ? new Date(patch.endAt) : current.endAt;
  if (endAt < startAt)
    throw badRequest("The end is before the start.", [
      { path: "body.endAt", message: "must not be before startAt" },
    ]);
  if (patch.dealId) await assertRecordsVisible(db, user, [], patch.dealId);
  const [row] = await db
    .update(events)
    .set({
      title: patch.title ?? current.title,
      description: patch.description !== undefined ? patch.description : current.description,
      location: patch.location !== undefined ? patch.location : current.location,
      onlineMeetingUrl:
        patch.onlineMeetingUrl !== undefined ? patch.onlineMeetingUrl : current.onlineMeetingUrl,
      startAt,
      endAt,
      timeZone: patch.timeZone ?? current.timeZone,
      allDay: patch.allDay ?? current.allDay,
      dealId: patch.dealId !== undefined ? patch.dealId : current.dealId,
      updatedAt: new Date(),
    })
    .where(eq(events.id, id))
    .returning();
  if (patch.attendees) await writeAttendees(db, user, id, patch.attendees);
  return row;
}

/** R-CAL-9: deleting a CRM-owned event removes it here; the calendar side will follow once calendar sync exists. */
export async function deleteEvent(db: Tx, user: AuthUser, id: string): Promise<void> {
  const current = await getEventRow(db, user, id);
  if (isReadOnly(current, user))
    throw conflict("Events from your calendar are deleted in the calendar, not in Concilia.");
  await db.delete(events).where(eq(events.id, id));
}
