// Wall-clock times in IANA zones (R-ACT-5), with nothing but Intl, so that neither the Outlook pane nor
// the Gmail add-on carries a time-zone database: both sidebars convert the same way.

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

// Building a formatter costs far more than using one; a zone list formats hundreds of zones.
const clocks = new Map<string, Intl.DateTimeFormat | null>();

function clock(timeZone: string): Intl.DateTimeFormat | null {
  let f = clocks.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        weekday: "short",
      });
    } catch {
      f = null;
    }
    clocks.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  return !!timeZone && clock(timeZone) !== null;
}

/** The wall clock in `timeZone` at an instant; an unknown zone is refused as Intl refuses it. */
export function wallClock(instant: number, timeZone: string): WallClock {
  const f = clock(timeZone);
  if (!f) throw new RangeError(`Invalid time zone: ${timeZone}`);
  const parts = f.formatToParts(new Date(instant));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    year: Number(part("year")),
    month: Number(part("month")),
    day: Number(part("day")),
    hour: Number(part("hour")) % 24,
    minute: Number(part("minute")),
    weekday: weekdays.indexOf(part("weekday")),
  };
}

/** Minutes east of UTC of `timeZone` at an instant; an unknown zone counts as UTC. */
export function offsetMinutes(instant: number, timeZone: string): number {
  if (!isTimeZone(timeZone)) return 0;
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  return Math.round((asUtc - Math.floor(instant / 60000) * 60000) / 60000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `UTC+01:00`, `UTC−03:30`, `UTC`. */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? "−" : "+"}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The instant at which `timeZone`'s clock shows `date` (YYYY-MM-DD) `time` (HH:MM), plus `addMinutes`. */
export function zonedInstant(date: string, time: string, timeZone: string, addMinutes = 0): number {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi) + addMinutes * 60000;
  // The offset depends on the instant; one correction step settles it except inside a DST gap.
  const first = offsetMinutes(wall, timeZone);
  return wall - offsetMinutes(wall - first * 60000, timeZone) * 60000;
}

/** Like zonedInstant, as ISO 8601 with the zone's offset at that moment (`2026-12-01T10:00:00+01:00`). */
export function zonedIso(date: string, time: string, timeZone: string, addMinutes = 0): string {
  const instant = zonedInstant(date, time, timeZone, addMinutes);
  const offset = offsetMinutes(instant, timeZone);
  const w = new Date(instant + offset * 60000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:` +
    `${pad(w.getUTCMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** `date` (YYYY-MM-DD) and `time` (HH:MM) of an instant as `timeZone`'s clock shows it. */
export function wallStrings(instant: number, timeZone: string): { date: string; time: string } {
  const w = wallClock(instant, timeZone);
  return { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
}
