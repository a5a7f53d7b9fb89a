// A truth event written as another calendar client would: one object per UID, the series (or single
// event) and its overrides as VEVENTs, every time in UTC. Written independently of the engine's own
// writer (server/providers/caldav/map.ts) so the engine reads what it did not write itself.
import type { TruthEvent } from "./_calendar-truth.js";

const stamp = (iso: string) => iso.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const icsText = (s: string) =>
  s.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\n/g, "\\n");
const HOUR = 3_600_000;

export function icsOf(e: TruthEvent, organizer: string, sequence: number): string {
  const duration = Date.parse(e.endAt) - Date.parse(e.startAt);
  const common = [
    `UID:${e.uid}`,
    "DTSTAMP:20261101T090000Z",
    `SEQUENCE:${sequence}`,
    `ORGANIZER:mailto:${organizer}`,
  ];
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Concilia bench//Other client//EN",
    "BEGIN:VEVENT",
    ...common,
    `SUMMARY:${icsText(e.title)}`,
    `DTSTART:${stamp(e.startAt)}`,
    `DTEND:${stamp(e.endAt)}`,
    ...(e.status === "cancelled" ? ["STATUS:CANCELLED"] : []),
    ...(e.rule ? [`RRULE:${e.rule}`] : []),
    ...e.exdates.map((d) => `EXDATE:${stamp(d)}`),
    "END:VEVENT",
  ];
  for (const x of e.exceptions) {
    const start = x.startAt ?? x.originalStart;
    const end = x.endAt ?? new Date(Date.parse(x.originalStart) + (duration || HOUR)).toISOString();
    lines.push(
      "BEGIN:VEVENT",
      ...common,
      `RECURRENCE-ID:${stamp(x.originalStart)}`,
      `SUMMARY:${icsText(x.title ?? e.title)}`,
      `DTSTART:${stamp(start)}`,
      `DTEND:${stamp(end)}`,
      ...(x.status === "cancelled" ? ["STATUS:CANCELLED"] : []),
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR", "");
  return lines.join("\r\n");
}
