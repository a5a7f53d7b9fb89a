import { findIana } from "windows-iana";

/**
 * Wall-clock times in named zones (§0 rule 5). Graph takes and gives Windows zone names
 * (`Pacific Standard Time`) as well as IANA ones; Google takes IANA only. Instants are UTC ms.
 */

/** The IANA zone a Windows or IANA name means, or null when neither knows it. */
export function ianaZone(name: string): string | null {
  if (name === "UTC" || name === "Etc/UTC") return "UTC";
  const windows = findIana(name)[0];
  if (windows) return windows;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name;
  } catch {
    return null;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, zone: string): Record<string, number> {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(ms)) if (p.type !== "literal") out[p.type] = Number(p.value);
  return out;
}

/** `YYYY-MM-DDTHH:mm:ss` of an instant in a zone. */
export function localTime(ms: number, zone: string): string {
  const p = parts(ms, zone);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

function offsetMs(ms: number, zone: string): number {
  return Date.parse(`${localTime(ms, zone)}Z`) - (ms - (ms % 1000));
}

/** The instant a wall-clock time (`YYYY-MM-DDTHH:mm[:ss[.fff]]`, no offset) has in a zone. */
export function zonedInstant(local: string, zone: string): number {
  const wall = local.length === 16 ? `${local}:00` : local.slice(0, 19);
  const naive = Date.parse(`${wall}Z`);
  if (!Number.isFinite(naive)) return Number.NaN;
  const first = naive - offsetMs(naive, zone);
  return naive - offsetMs(first, zone);
}

/** Whole days after a `YYYY-MM-DD` date, as a date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
