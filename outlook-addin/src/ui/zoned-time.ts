// A wall-clock time in an IANA zone → ISO 8601 with that zone's offset at that moment (R-ACT-5), using
// only Intl, so the pane carries no time-zone database.
function offsetMinutes(instant: number, timeZone: string): number {
  // An unknown zone is sent as typed at UTC's offset: the server names what is wrong with it.
  if (!isZone(timeZone)) return 0;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return Math.round((asUtc - instant) / 60000);
}

function isZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number) => String(n).padStart(2, "0");

/** `date` YYYY-MM-DD and `time` HH:MM as seen in `timeZone`, plus `addMinutes`. */
export function zonedIso(date: string, time: string, timeZone: string, addMinutes = 0): string {
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi) + addMinutes * 60000;
  let offset = offsetMinutes(wall, timeZone);
  const second = offsetMinutes(wall - offset * 60000, timeZone);
  if (second !== offset) offset = second;
  const w = new Date(wall);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return (
    `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:` +
    `${pad(w.getUTCMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Today's date (YYYY-MM-DD) in `timeZone`, shifted by `days`. */
export function dateIn(timeZone: string, days = 0): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(Date.now() + days * 86400000));
  return parts;
}
