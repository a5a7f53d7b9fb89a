// A card's next events: the single events the context statement found, and the next occurrence of
// each recurring series linked to the record (a weekly meeting that began last year is still coming),
// expanded here with its exceptions (calendar/occurrences.ts).
import type { RecordCard } from "../../shared/api/context.js";
import { type EventStatus, type ExceptionRow, occurrencesBetween } from "../calendar/occurrences.js";
import { ruleWarnings } from "../calendar/rule-bounds.js";

type NextEvent = RecordCard["nextEvents"][number];

/** A series as the context statement gives it (JSON: times as text). */
export interface SeriesJson {
  id: string;
  title: string;
  startAt: string;
  endAt: string;
  timeZone: string;
  endTimeZone: string;
  status: EventStatus;
  allDay: boolean;
  startDate: string | null;
  endDate: string | null;
  recurrence: string;
  rdates: string[];
  exdates: string[];
  exceptions: {
    originalStart: string;
    status: EventStatus;
    startAt: string | null;
    endAt: string | null;
    timeZone: string | null;
    endTimeZone: string | null;
    startDate: string | null;
    endDate: string | null;
    title: string | null;
  }[];
}

const SHOWN = 3;
const HORIZON_MS = 366 * 86_400_000;
const date = (v: string | null) => (v ? new Date(v) : null);

export function nextEvents(
  singles: Omit<NextEvent, "originalStart" | "warnings">[],
  series: SeriesJson[],
  now: Date,
): NextEvent[] {
  const list: NextEvent[] = singles.map((e) => ({
    ...e,
    startAt: new Date(e.startAt).toISOString(),
    endAt: new Date(e.endAt).toISOString(),
    originalStart: null,
    warnings: [],
  }));
  const horizon = new Date(now.getTime() + HORIZON_MS);
  for (const s of series) {
    const exceptions: ExceptionRow[] = s.exceptions.map((x) => ({
      ...x,
      startAt: date(x.startAt),
      endAt: date(x.endAt),
      description: null,
      location: null,
    }));
    const timing = { ...s, startAt: new Date(s.startAt), endAt: new Date(s.endAt) };
    const next = occurrencesBetween(timing, exceptions, now, horizon)[0];
    if (!next) continue;
    list.push({
      id: s.id,
      title: next.exception?.title ?? s.title,
      startAt: next.startAt.toISOString(),
      endAt: next.endAt.toISOString(),
      timeZone: next.timeZone,
      status: next.status,
      allDay: s.allDay,
      startDate: next.startDate,
      endDate: next.endDate,
      originalStart: next.originalStart,
      warnings: ruleWarnings(s.recurrence),
    });
  }
  return list.sort((a, b) => a.startAt.localeCompare(b.startAt) || a.id.localeCompare(b.id)).slice(0, SHOWN);
}
