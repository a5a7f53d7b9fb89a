// Utilities.formatDate: Java SimpleDateFormat patterns in an IANA zone. Letters this fake does not
// know throw, so the add-on cannot rely on output nobody checked.

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The wall-clock fields of an instant in a zone; an unknown zone fails as Apps Script does. */
export function parts(date: Date, timeZone: string) {
  let f: Intl.DateTimeFormat;
  try {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "long",
    });
  } catch {
    throw new Error(`Exception: Invalid argument: timeZone ${timeZone}`);
  }
  const p = Object.fromEntries(f.formatToParts(date).map((x) => [x.type, x.value]));
  return {
    y: Number(p.year),
    M: Number(p.month),
    d: Number(p.day),
    H: Number(p.hour) % 24,
    m: Number(p.minute),
    s: Number(p.second),
    weekday: String(p.weekday),
  };
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function formatDate(date: Date, timeZone: string, pattern: string): string {
  // The add-on's Date comes from another realm (its own context), so instanceof would not do.
  if (Object.prototype.toString.call(date) !== "[object Date]" || Number.isNaN(date.getTime()))
    throw new Error("Exception: Invalid argument: date");
  const v = parts(date, timeZone);
  let out = "";
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      out += end === i + 1 ? "'" : pattern.slice(i + 1, end < 0 ? undefined : end);
      i = end < 0 ? pattern.length : end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    switch (c) {
      case "y":
        out += n === 2 ? pad(v.y % 100, 2) : pad(v.y, n);
        break;
      case "M":
        out += n >= 4 ? MONTHS[v.M - 1] : n === 3 ? MONTHS[v.M - 1].slice(0, 3) : pad(v.M, n);
        break;
      case "d":
        out += pad(v.d, n);
        break;
      case "H":
        out += pad(v.H, n);
        break;
      case "h":
        out += pad(v.H % 12 || 12, n);
        break;
      case "m":
        out += pad(v.m, n);
        break;
      case "s":
        out += pad(v.s, n);
        break;
      case "a":
        out += v.H < 12 ? "AM" : "PM";
        break;
      case "E":
        out += n >= 4 ? v.weekday : v.weekday.slice(0, 3);
        break;
      default:
        throw new Error(
          `Exception: Invalid argument: pattern letter '${c}' in "${pattern}" (not supported by this fake)`,
        );
    }
  }
  return out;
}
