// GET /api/v1/events: the user's events in a time range by start, with the occurrences of his series
// (R-CAL-6: each carries its series id and original start, and is read-only as its series is; one of a
// series made in Concilia changes through /occurrences/{originalStart}), one page after the cursor.
// Single events come from one indexed query; series are few, and are expanded in TypeScript
// (calendar/occurrences.ts) and merged in.
import { and, asc, eq, gte, inArray, isNotNull, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { CrmEvent } from "../../shared/api/events.js";
import { badRequest } from "../api/problem.js";
import type { AuthUser } from "../auth/user.js";
import { type Occurrence, occurrencesBetween } from "../calendar/occurrences.js";
import type { Tx } from "../db/index.js";
import { eventAttendees, eventExceptions, events, type RecordType } from "../db/schema.js";
import { timeCursor } from "./cursor.js";
import { eventVisibleTo } from "./event-access.js";
import { toEvents } from "./events.js";

/** How far a range without an end reaches for occurrences of series. */
const OPEN_RANGE_MS = 366 * 86_400_000;
/** All-day events are dates: listed in a range if some zone's calendar shows them in it (UTC+14 … UTC−12). */
const ALL_DAY_BEFORE = sql`interval '14 hours'`;
const ALL_DAY_AFTER = sql`interval '12 hours'`;

/** The sort key text of a time, as timeCursor.text gives it for a column (microseconds, UTC). */
const atText = (d: Date) => d.toISOString().replace("Z", "000Z");

function parseCursor(cursor: string | undefined): { at: string; id: string } | null {
  if (!cursor) return null;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|(.{1,64})$/.exec(
    Buffer.from(cursor, "base64url").toString(),
  );
  if (!m) throw badRequest("The cursor is not valid: pass back nextCursor as it was given.");
  return { at: m[1], id: m[2] };
}

interface Item {
  at: string;
  key: string;
  event: CrmEvent;
}

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
  const after = parseCursor(q.cursor);
  const from = q.from ? new Date(q.from) : null;
  const to = q.to ? new Date(q.to) : null;
  const scope: (SQL | undefined)[] = [eventVisibleTo(db, user)];
  if (q.recordType && q.recordId)
    scope.push(
      inArray(
        events.id,
        db
          .select({ id: eventAttendees.eventId })
          .from(eventAttendees)
          .where(and(eq(eventAttendees.recordType, q.recordType), eq(eventAttendees.recordId, q.recordId))),
      ),
    );

  const singleConds = [
    ...scope,
    isNull(events.recurrence),
    timeCursor.after({ at: events.startAt, id: events.id }, q.cursor),
  ];
  if (from)
    singleConds.push(
      gte(
        sql`${events.endAt} + case when ${events.allDay} then ${ALL_DAY_AFTER} else interval '0' end`,
        from,
      ),
    );
  if (to)
    singleConds.push(
      lt(
        sql`${events.startAt} - case when ${events.allDay} then ${ALL_DAY_BEFORE} else interval '0' end`,
        to,
      ),
    );
  const singles = await db
    .select({ row: events, at: timeCursor.text(events.startAt) })
    .from(events)
    .where(and(...singleConds))
    .orderBy(asc(events.startAt), asc(events.id))
    .limit(q.limit + 1);

  const occFrom = from ?? new Date(0);
  const occTo = to ?? new Date((from ?? new Date()).getTime() + OPEN_RANGE_MS);
  const series = await db
    .select()
    .from(events)
    .where(and(...scope, isNotNull(events.recurrence), lt(events.startAt, occTo)));
  const exceptions = series.length
    ? await db
        .select()
        .from(eventExceptions)
        .where(
          inArray(
            eventExceptions.eventId,
            series.map((s) => s.id),
          ),
        )
    : [];
  const occurrences = series.flatMap((s) =>
    occurrencesBetween(
      s,
      exceptions.filter((x) => x.eventId === s.id),
      occFrom,
      occTo,
    ),
  );
  const seriesEvents = new Map((await toEvents(db, user, series)).map((e) => [e.id, e]));
  const isAfter = (i: { at: string; key: string }) =>
    !after || i.at > after.at || (i.at === after.at && i.key > after.id);
  const occurrenceItems: Item[] = occurrences
    .map((o) => ({
      at: atText(o.startAt),
      key: `${o.seriesId}~${o.originalStart}`,
      event: asOccurrence(seriesEvents.get(o.seriesId)!, o),
    }))
    .filter(isAfter);

  const singleEvents = await toEvents(
    db,
    user,
    singles.map((r) => r.row),
  );
  const items: Item[] = [
    ...singles.map((r, i) => ({ at: r.at, key: r.row.id, event: singleEvents[i] })),
    ...occurrenceItems,
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const page = items.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((i) => i.event),
    nextCursor: items.length > q.limit ? timeCursor.encode(last.at, last.key) : null,
  };
}

/** An occurrence as an event of the list: the series with this occurrence's time and changes. */
export function asOccurrence(series: CrmEvent, o: Occurrence): CrmEvent {
  const x = o.exception;
  return {
    ...series,
    title: x?.title ?? series.title,
    description: x?.description ?? series.description,
    location: x?.location ?? series.location,
    startAt: o.startAt.toISOString(),
    endAt: o.endAt.toISOString(),
    timeZone: o.timeZone,
    endTimeZone: o.endTimeZone,
    startDate: o.startDate,
    endDate: o.endDate,
    status: o.status,
    occurrence: { seriesId: o.seriesId, originalStart: o.originalStart },
    exceptions: [],
    readOnly: series.readOnly,
  };
}
