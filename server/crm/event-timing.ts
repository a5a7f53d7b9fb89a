// When an event is, as stored: timed events are two instants with their zones; all-day events are
// dates (end exclusive), with the dates' UTC midnights as their sort keys. Zones are checked and
// Windows names mapped here, at the edge (R-ACT-5).
import { badRequest } from "../api/problem.js";
import { dateKeyMs, msToDate, type Timing } from "../calendar/occurrences.js";
import { zoneOrProblem } from "../calendar/zones.js";

export type { Timing };

export interface TimingInput {
  allDay?: boolean;
  startAt?: string;
  endAt?: string;
  timeZone?: string;
  endTimeZone?: string;
  startDate?: string;
  endDate?: string;
}

/** The timing `input` asks for, on top of `current` (a PATCH) or from nothing (a create). */
export function planTiming(input: TimingInput, current?: Timing): Timing {
  const timeZone = input.timeZone
    ? zoneOrProblem(input.timeZone, "body.timeZone")
    : (current?.timeZone ?? "UTC");
  const endTimeZone = input.endTimeZone
    ? zoneOrProblem(input.endTimeZone, "body.endTimeZone")
    : input.timeZone || !current
      ? timeZone
      : current.endTimeZone;
  const allDay = input.allDay ?? current?.allDay ?? false;
  if (allDay) {
    const startDate = input.startDate ?? current?.startDate;
    if (!startDate)
      throw badRequest("An all-day event needs its startDate (YYYY-MM-DD).", [
        { path: "body.startDate", message: "is required for an all-day event" },
      ]);
    const days =
      current?.startDate && current.endDate
        ? dateKeyMs(current.endDate) - dateKeyMs(current.startDate)
        : 86_400_000;
    const endDate =
      input.endDate ?? (input.startDate ? msToDate(dateKeyMs(startDate) + days) : current?.endDate);
    if (!endDate || endDate <= startDate)
      throw badRequest(
        "The endDate of an all-day event is the day after its last day: it must be after startDate.",
        [{ path: "body.endDate", message: "must be after startDate (it is exclusive)" }],
      );
    return {
      allDay,
      startDate,
      endDate,
      startAt: new Date(dateKeyMs(startDate)),
      endAt: new Date(dateKeyMs(endDate)),
      timeZone,
      endTimeZone,
    };
  }
  const wasTimed = current && !current.allDay;
  const startAt = input.startAt ? new Date(input.startAt) : wasTimed ? current.startAt : null;
  const endAt = input.endAt ? new Date(input.endAt) : wasTimed ? current.endAt : null;
  if (!startAt || !endAt)
    throw badRequest("A timed event needs startAt and endAt.", [
      { path: `body.${startAt ? "endAt" : "startAt"}`, message: "is required for a timed event" },
    ]);
  if (endAt < startAt)
    throw badRequest("The end is before the start.", [
      { path: "body.endAt", message: "must not be before startAt" },
    ]);
  return { allDay, startAt, endAt, timeZone, endTimeZone, startDate: null, endDate: null };
}
