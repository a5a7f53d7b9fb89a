// Calendar objects as other clients write them, read into the synced event shape (R-P-4: bad data is
// a clear error), and what Concilia writes (CRLF, folded lines, one VTIMEZONE per zone).
import { describe, expect, it } from "vitest";
import {
  IcsParseError,
  parseCalendarObject,
  toCalendarObject,
} from "../../../server/providers/caldav/map.js";

const wrap = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//T//EN", ...lines, "END:VCALENDAR", ""].join("\r\n");

describe("CalDAV calendar object mapping", () => {
  it("R-CAL-6: a zone behind a vendor prefix (Thunderbird's /mozilla.org/…) is read as the IANA zone", () => {
    const [e] = parseCalendarObject(
      wrap(
        "BEGIN:VEVENT",
        "UID:m1",
        "DTSTAMP:20260101T000000Z",
        "DTSTART;TZID=/mozilla.org/20050126_1/Europe/Madrid:20260706T090000",
        "DTEND;TZID=/mozilla.org/20050126_1/Europe/Madrid:20260706T100000",
        "SUMMARY:Summer",
        "END:VEVENT",
      ),
    );
    expect(e.state.timing).toEqual({
      allDay: false,
      startAt: "2026-07-06T07:00:00.000Z",
      endAt: "2026-07-06T08:00:00.000Z",
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
    });
  });

  it("R-CAL-4: an invitation to one occurrence only (an override without its series) is one event", () => {
    const events = parseCalendarObject(
      wrap(
        "BEGIN:VEVENT",
        "UID:series-elsewhere",
        "DTSTAMP:20260101T000000Z",
        "RECURRENCE-ID:20260310T090000Z",
        "DTSTART:20260310T100000Z",
        "DTEND:20260310T110000Z",
        "SUMMARY:Just this one",
        "ORGANIZER:mailto:boss@client.example",
        "END:VEVENT",
      ),
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      uid: "series-elsewhere",
      state: { title: "Just this one", recurrence: null },
    });
    expect(events[0].state.organizer).toEqual({ email: "boss@client.example", name: null });
  });

  it("R-P-4: text that is not iCalendar, or holds no event, is an IcsParseError", () => {
    expect(() => parseCalendarObject("hello")).toThrow(IcsParseError);
    expect(() => parseCalendarObject(wrap("BEGIN:VTODO", "UID:t", "END:VTODO"))).toThrow(/no VEVENT/);
  });

  it("R-CAL-1: what Concilia writes has CRLF lines folded at 75 octets and one VTIMEZONE per zone", () => {
    const ics = toCalendarObject(
      {
        uid: "w1@concilia",
        sequence: 0,
        conciliaId: "evt_w1",
        state: {
          title: "A long title ".repeat(10).trim(),
          description: null,
          location: null,
          status: "confirmed",
          timing: {
            allDay: false,
            startAt: "2026-03-04T08:00:00.000Z",
            endAt: "2026-03-04T10:00:00.000Z",
            timeZone: "Europe/Madrid",
            endTimeZone: "America/New_York",
          },
          organizer: null,
          attendees: [],
          recurrence: null,
          exceptions: [],
        },
      },
      { now: new Date("2026-03-01T10:00:00Z") },
    );
    const lines = ics.split("\r\n");
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/\n/);
    expect(Math.max(...lines.map((l) => Buffer.byteLength(l)))).toBeLessThanOrEqual(75);
    expect(ics.match(/BEGIN:VTIMEZONE/g)).toHaveLength(2);
    expect(ics).toMatch(/DTEND;TZID=America\/New_York:20260304T050000/);
    const [back] = parseCalendarObject(ics);
    expect(back.state.title).toBe("A long title ".repeat(10).trim());
    expect(back.state.timing).toMatchObject({
      endAt: "2026-03-04T10:00:00.000Z",
      endTimeZone: "America/New_York",
    });
  });
});
