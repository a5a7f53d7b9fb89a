// The start a new meeting form proposes, the same in both sidebars: the next round half hour within
// working hours (09:00–18:00, Monday to Friday) on the user's clock, else the next working day at 09:00.
import { wallClock, zonedInstant } from "./zoned-time.js";

export const WORK_DAY_START = 9 * 60;
export const WORK_DAY_END = 18 * 60;
const SLOT = 30;

const pad = (n: number) => String(n).padStart(2, "0");
const isWorkingDay = (weekday: number) => weekday >= 1 && weekday <= 5;

export interface ProposedStart {
  /** YYYY-MM-DD on the user's clock. */
  date: string;
  /** HH:MM on the user's clock. */
  time: string;
  /** The same moment in ms since the epoch. */
  instant: number;
}

export function proposedMeetingStart(now: number, timeZone: string): ProposedStart {
  const w = wallClock(now, timeZone);
  // Strictly after now: at 10:00 sharp the next round half hour is 10:30.
  const next = (Math.floor((w.hour * 60 + w.minute) / SLOT) + 1) * SLOT;
  let day = Date.UTC(w.year, w.month - 1, w.day);
  let minutes: number;
  if (isWorkingDay(w.weekday) && next < WORK_DAY_END) minutes = Math.max(next, WORK_DAY_START);
  else {
    do day += 86_400_000;
    while (!isWorkingDay(new Date(day).getUTCDay()));
    minutes = WORK_DAY_START;
  }
  const d = new Date(day);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  return { date, time, instant: zonedInstant(date, time, timeZone) };
}
