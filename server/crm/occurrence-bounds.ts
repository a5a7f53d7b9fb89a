// Where one occurrence of a series may be moved to (R-CAL-6, R-CAL-2): strictly between the days of
// its neighbours. Outlook refuses a move onto or past the day of the previous or the next occurrence
// (Graph's 400 ErrorOccurrenceCrossingBoundary), so such a move, once stored, could never be written to
// a Microsoft calendar and the series' sync would fail on it. The rule holds for every series, not only
// those in a Microsoft calendar today: connecting one later sends every existing series to it, and an
// occurrence that stays between its neighbours keeps the series in order in every calendar.
//
// A neighbour is the rule's previous or next slot, cancelled or not (Outlook counts a cancelled slot
// too); a neighbour that was itself moved bounds by its new day as well, whichever is nearer.
import { unprocessable } from "../api/problem.js";
import { wallOfInstant } from "../calendar/local-time.js";
import { msToDate, occurrencesBetween } from "../calendar/occurrences.js";
import type { eventExceptions } from "../db/schema.js";
import type { EventRow } from "./events.js";

type ExceptionRow = typeof eventExceptions.$inferSelect;

const DAY = 86_400_000;
/** Search windows either side of the slot, widened until both neighbours are found (99 years at most). */
const WINDOWS_DAYS = [8, 64, 800, 3_200, 36_600];

export const OCCURRENCE_CROSSES_NEIGHBOUR = "urn:concilia:problem:occurrence-crosses-neighbour";

/** The rule's slots just before and after `key` (null: the series has none on that side). */
function neighbourSlots(series: EventRow, key: string, keyMs: number) {
  let previous: string | null = null;
  let next: string | null = null;
  for (const days of WINDOWS_DAYS) {
    const slots = occurrencesBetween(
      series,
      [],
      new Date(keyMs - days * DAY),
      new Date(keyMs + days * DAY),
    ).map((o) => o.originalStart);
    previous = slots.filter((k) => k < key).at(-1) ?? null;
    next = slots.find((k) => k > key) ?? null;
    if (previous && next) break;
  }
  return { previous, next };
}

/**
 * Throws a 422 naming the neighbour's day when the occurrence at `key` would start on or before the
 * previous occurrence's day, or on or after the next one's. Days are the series' own: its dates for an
 * all-day series, its zone's calendar otherwise.
 */
export function assertBetweenNeighbours(
  series: EventRow,
  exceptions: ExceptionRow[],
  key: string,
  start: { startAt?: Date; startDate?: string },
): void {
  const allDay = series.allDay && !!series.startDate;
  const dayOfInstant = (d: Date) => msToDate(wallOfInstant(d.getTime(), series.timeZone));
  const dayOfKey = (k: string) => (allDay ? k : dayOfInstant(new Date(k)));
  const newDay = allDay ? start.startDate : start.startAt && dayOfInstant(start.startAt);
  if (!newDay) return;
  const keyMs = allDay ? Date.parse(`${key}T00:00:00Z`) : Date.parse(key);
  const { previous, next } = neighbourSlots(series, key, keyMs);
  /** The neighbour's day and, when it was moved, its new day: both bound the move. */
  const daysOf = (slot: string) => {
    const x = exceptions.find((e) => e.originalStart === slot && e.status !== "cancelled");
    const moved = allDay ? x?.startDate : x?.startAt && dayOfInstant(x.startAt);
    return moved ? [dayOfKey(slot), moved] : [dayOfKey(slot)];
  };
  const after = previous ? daysOf(previous).sort().at(-1)! : null;
  const before = next ? daysOf(next).sort()[0] : null;
  const field = allDay ? "body.startDate" : "body.startAt";
  const range = `pick a day ${after ? `after ${after}` : ""}${after && before ? " and " : ""}${before ? `before ${before}` : ""}`;
  const why =
    "an occurrence may not move onto or past the day of the previous or the next one in its series (Outlook calendars refuse it)";
  if (after && newDay <= after)
    throw crossing(
      `This occurrence cannot move to ${newDay}: the previous occurrence of the series is on ${after}, and ${why}; ${range}.`,
      field,
      `is on or before the day of the previous occurrence, ${after}`,
    );
  if (before && newDay >= before)
    throw crossing(
      `This occurrence cannot move to ${newDay}: the next occurrence of the series is on ${before}, and ${why}; ${range}.`,
      field,
      `is on or after the day of the next occurrence, ${before}`,
    );
}

function crossing(detail: string, path: string, message: string) {
  const problem = unprocessable(detail, [{ path, message }]);
  problem.type = OCCURRENCE_CROSSES_NEIGHBOUR;
  return problem;
}
