// Expansion work bounded by the range asked for, not by the rule (server/calendar/rule-bounds.ts):
// SECONDLY and MINUTELY rules are read as their first event with a warning; simple HOURLY, DAILY and
// WEEKLY rules restart just before the range. The work is counted in ical.js iterator steps, not in
// time, so the tests hold on a loaded machine: the 100,000-step bound these cases used to reach cost
// seconds per event; a few hundred steps are well under a millisecond each.
import { describe, expect, it } from "vitest";
import { parseIcs } from "../../server/calendar/ics.js";
import { icsOccurrences } from "../../server/calendar/ics-occurrences.js";
import {
  allDaySpan,
  type EventTiming,
  type ExceptionRow,
  type ExpansionMeter,
  occurrencesBetween,
} from "../../server/calendar/occurrences.js";

const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2027-01-01T00:00:00Z");
/** Far below the old 100,000-step bound: the expansion work of one ordinary series over a year. */
const CHEAP = 1_000;

const file = (...vevent: string[]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Test//EN",
    "BEGIN:VEVENT",
    "UID:rule@test",
    "DTSTAMP:20250101T000000Z",
    "SUMMARY:Tick",
    ...vevent,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

function readIcs(text: string, from = FROM, to = TO) {
  const meter: ExpansionMeter = { steps: 0 };
  const read = icsOccurrences(parseIcs(text), from, to, undefined, meter);
  return { ...read, steps: meter.steps, starts: read.occurrences.map((o) => o.start) };
}

const timing = (over: Partial<EventTiming>): EventTiming => ({
  id: "series",
  allDay: false,
  startAt: new Date("2026-03-02T09:00:00Z"),
  endAt: new Date("2026-03-02T09:30:00Z"),
  timeZone: "Europe/Madrid",
  endTimeZone: "Europe/Madrid",
  startDate: null,
  endDate: null,
  status: "confirmed",
  recurrence: null,
  rdates: [],
  exdates: [],
  ...over,
});

function stored(e: EventTiming, from: string, to: string) {
  const meter: ExpansionMeter = { steps: 0 };
  const list = occurrencesBetween(e, [], new Date(from), new Date(to), meter);
  return { steps: meter.steps, starts: list.map((o) => o.startAt.toISOString()) };
}

describe("iCalendar files: expansion bounded by the range (R-P-4, R-CAL-6)", () => {
  for (const freq of ["SECONDLY", "MINUTELY"])
    it(`R-P-4: a FREQ=${freq} series is read as its first event with a warning on its line, in a handful of steps`, () => {
      const r = readIcs(file("DTSTART:20260301T090000Z", "DTEND:20260301T093000Z", `RRULE:FREQ=${freq}`));
      expect(r.starts).toEqual(["2026-03-01T09:00:00.000Z"]);
      expect(r.problems).toEqual([
        expect.objectContaining({
          line: 4,
          message: expect.stringContaining(`FREQ=${freq} is not a calendar recurrence`),
        }),
      ]);
      expect(r.steps).toBeLessThan(10);
    });

  it("R-P-4: an hourly series begun in 2000 with a COUNT of a million reaches 2026 in a few hundred steps, its occurrences exact", () => {
    const r = readIcs(
      file(
        "DTSTART:20000101T093000Z",
        "DTEND:20000101T094500Z",
        "RRULE:FREQ=HOURLY;INTERVAL=5;COUNT=1000000",
      ),
      new Date("2026-06-01T00:00:00Z"),
      new Date("2026-06-02T00:00:00Z"),
    );
    // Every 5 hours from 2000-01-01 09:30 UTC: 2026-06-01 00:00 is 231,552 hours after 2000-01-01 00:00,
    // so the day's first is 231,545 hours (46,309 periods) after the start: 02:30.
    expect(r.starts).toEqual([
      "2026-06-01T02:30:00.000Z",
      "2026-06-01T07:30:00.000Z",
      "2026-06-01T12:30:00.000Z",
      "2026-06-01T17:30:00.000Z",
      "2026-06-01T22:30:00.000Z",
    ]);
    expect(r.problems).toEqual([]);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(CHEAP);
  });

  it("R-CAL-6: a daily series begun in 1990 in Madrid keeps 09:00 on its zone's clock, its COUNT ending it exactly, with an occurrence moved into the range from before it", () => {
    const zone = [
      "BEGIN:VTIMEZONE",
      "TZID:Europe/Madrid",
      "BEGIN:STANDARD",
      "DTSTART:19701025T030000",
      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
      "TZOFFSETFROM:+0200",
      "TZOFFSETTO:+0100",
      "END:STANDARD",
      "BEGIN:DAYLIGHT",
      "DTSTART:19700329T020000",
      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
      "TZOFFSETFROM:+0100",
      "TZOFFSETTO:+0200",
      "END:DAYLIGHT",
      "END:VTIMEZONE",
    ];
    // 1 Jan 1990 + 13,240 days = 2026-04-02 (the last of 13,241 occurrences).
    const text = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Test//EN",
      ...zone,
      "BEGIN:VEVENT",
      "UID:daily@test",
      "DTSTAMP:20250101T000000Z",
      "SUMMARY:Stand-up",
      "DTSTART;TZID=Europe/Madrid:19900101T090000",
      "DTEND;TZID=Europe/Madrid:19900101T091500",
      "RRULE:FREQ=DAILY;COUNT=13241",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:daily@test",
      "DTSTAMP:20250101T000000Z",
      "RECURRENCE-ID;TZID=Europe/Madrid:20260210T090000",
      "SUMMARY:Stand-up (moved)",
      "DTSTART;TZID=Europe/Madrid:20260327T170000",
      "DTEND;TZID=Europe/Madrid:20260327T171500",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n");
    const r = readIcs(text, new Date("2026-03-27T00:00:00Z"), new Date("2026-04-10T00:00:00Z"));
    expect(r.problems).toEqual([]);
    expect(r.starts).toEqual([
      "2026-03-27T08:00:00.000Z",
      "2026-03-27T16:00:00.000Z",
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
      "2026-04-01T07:00:00.000Z",
      "2026-04-02T07:00:00.000Z",
    ]);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(CHEAP);
  });

  it("a weekly series with a BY part is stepped through as it is and still comes out right", () => {
    const r = readIcs(
      file("DTSTART:20250106T090000Z", "DTEND:20250106T100000Z", "RRULE:FREQ=WEEKLY;BYDAY=MO,TH"),
      new Date("2026-03-01T00:00:00Z"),
      new Date("2026-03-08T00:00:00Z"),
    );
    expect(r.starts).toEqual(["2026-03-02T09:00:00.000Z", "2026-03-05T09:00:00.000Z"]);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(CHEAP);
  });
});

describe("stored series: expansion bounded by the range (R-CAL-6)", () => {
  it("R-CAL-6: restarting a rule before the range lists the same occurrences as stepping through it from its start", () => {
    const cases: Partial<EventTiming>[] = [
      { recurrence: "FREQ=DAILY;INTERVAL=3;COUNT=400", exdates: ["2026-03-05T08:00:00.000Z"] },
      { recurrence: "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270101T000000Z" },
      { recurrence: "FREQ=HOURLY;INTERVAL=7;COUNT=2000", timeZone: "America/New_York" },
      { recurrence: "FREQ=DAILY", allDay: true, startDate: "2025-01-30", endDate: "2025-01-31" },
    ];
    for (const over of cases) {
      const e = timing({
        startAt: new Date("2025-01-30T08:00:00Z"),
        endAt: new Date("2025-01-30T09:00:00Z"),
        ...over,
      });
      const from = "2026-03-01T00:00:00Z";
      const to = "2026-03-15T00:00:00Z";
      const whole = occurrencesBetween(e, [], new Date("2025-01-01T00:00:00Z"), new Date(to))
        .filter((o) =>
          o.startDate && o.endDate
            ? allDaySpan(o.startDate, o.endDate).to > Date.parse(from)
            : o.endAt > new Date(from),
        )
        .map((o) => o.startAt.toISOString());
      const windowed = stored(e, from, to);
      expect(windowed.starts).toEqual(whole);
      expect(windowed.starts.length).toBeGreaterThan(0);
      expect(windowed.steps).toBeGreaterThan(0);
      expect(windowed.steps).toBeLessThan(CHEAP);
    }
  });

  it("R-CAL-6: a daily series begun in 2000 shows an occurrence moved into the range from a month before it", () => {
    const e = timing({
      startAt: new Date("2000-01-03T08:00:00Z"),
      endAt: new Date("2000-01-03T08:30:00Z"),
      recurrence: "FREQ=DAILY",
    });
    const moved: ExceptionRow = {
      originalStart: "2026-02-10T08:00:00.000Z",
      status: "confirmed",
      startAt: new Date("2026-03-11T15:00:00Z"),
      endAt: new Date("2026-03-11T15:30:00Z"),
      timeZone: null,
      endTimeZone: null,
      startDate: null,
      endDate: null,
      title: "Moved",
      description: null,
      location: null,
    };
    const meter: ExpansionMeter = { steps: 0 };
    const list = occurrencesBetween(
      e,
      [moved],
      new Date("2026-03-11T00:00:00Z"),
      new Date("2026-03-12T00:00:00Z"),
      meter,
    );
    expect(list.map((o) => [o.startAt.toISOString(), o.originalStart])).toEqual([
      ["2026-03-11T08:00:00.000Z", "2026-03-11T08:00:00.000Z"],
      ["2026-03-11T15:00:00.000Z", "2026-02-10T08:00:00.000Z"],
    ]);
    expect(meter.steps).toBeGreaterThan(0);
    expect(meter.steps).toBeLessThan(CHEAP);
  });

  it("R-P-4: a stored FREQ=SECONDLY series lists its first event only, in a handful of steps", () => {
    const r = stored(timing({ recurrence: "FREQ=SECONDLY" }), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    expect(r.starts).toEqual(["2026-03-02T09:00:00.000Z"]);
    expect(r.steps).toBeLessThan(10);
  });

  it("R-P-4: a stored FREQ=MINUTELY series a year old lists nothing in a later month, in a handful of steps", () => {
    const r = stored(
      timing({ recurrence: "FREQ=MINUTELY;COUNT=5000000" }),
      "2027-03-01T00:00:00Z",
      "2027-04-01T00:00:00Z",
    );
    expect(r.starts).toEqual([]);
    expect(r.steps).toBeLessThan(10);
  });

  it("R-CAL-6: an hourly series begun in 2001 lists the right hours of a day in 2026, in a few hundred steps", () => {
    const e = timing({
      startAt: new Date("2001-01-01T00:15:00Z"),
      endAt: new Date("2001-01-01T00:45:00Z"),
      timeZone: "UTC",
      endTimeZone: "UTC",
      recurrence: "FREQ=HOURLY;INTERVAL=6",
    });
    const r = stored(e, "2026-05-10T00:00:00Z", "2026-05-11T00:00:00Z");
    expect(r.starts).toEqual([
      "2026-05-10T00:15:00.000Z",
      "2026-05-10T06:15:00.000Z",
      "2026-05-10T12:15:00.000Z",
      "2026-05-10T18:15:00.000Z",
    ]);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(CHEAP);
  });

  it("R-CAL-6: a weekly Madrid series begun in 1995 keeps 09:00 across the 2026 summer-time change, and its COUNT, used up before the range, leaves nothing after it", () => {
    const e = timing({
      // Monday 2 January 1995, 09:00 in Madrid (CET, UTC+1).
      startAt: new Date("1995-01-02T08:00:00Z"),
      endAt: new Date("1995-01-02T09:00:00Z"),
      recurrence: "FREQ=WEEKLY",
    });
    const r = stored(e, "2026-03-20T00:00:00Z", "2026-04-07T00:00:00Z");
    expect(r.starts).toEqual([
      "2026-03-23T08:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
      "2026-04-06T07:00:00.000Z",
    ]);
    expect(r.steps).toBeGreaterThan(0);
    expect(r.steps).toBeLessThan(CHEAP);
    // 1,000 weeks from 2 January 1995 end in March 2014.
    const ended = stored(
      { ...e, recurrence: "FREQ=WEEKLY;COUNT=1000" },
      "2026-03-20T00:00:00Z",
      "2026-04-07T00:00:00Z",
    );
    expect(ended).toEqual({ steps: expect.any(Number), starts: [] });
    expect(ended.steps).toBeLessThan(10);
  });
});
