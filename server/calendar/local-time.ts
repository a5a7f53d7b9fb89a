// Wall-clock times of an IANA zone to instants and back, as RFC 5545 reads them: a time the clock
// skips (spring forward) is read with the offset before the gap, so 02:30 becomes 03:30; a time the
// clock shows twice (fall back) is its first occurrence.
import { offsetMinutes, wallClock } from "../../shared/zoned-time.js";

const HOUR = 3_600_000;

/** Wall-clock fields as if they were UTC: `2026-03-29T02:30` → its UTC milliseconds. */
export type WallMs = number;

export function instantOfWall(wall: WallMs, zone: string): number {
  // Offsets change at most once in any 24 hours: those 12 hours either side bound the candidates.
  const before = offsetMinutes(wall - 12 * HOUR, zone) * 60_000;
  const after = offsetMinutes(wall + 12 * HOUR, zone) * 60_000;
  const fits = (offset: number) => offsetMinutes(wall - offset, zone) * 60_000 === offset;
  const candidates = [before, after].filter(fits).map((offset) => wall - offset);
  if (candidates.length) return Math.min(...candidates);
  return wall - before;
}

export function wallOfInstant(instant: number, zone: string): WallMs {
  const w = wallClock(instant, zone);
  const seconds = Math.floor((instant % 60_000) / 1000);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, seconds);
}
