// The occurrences of series between two instants (server/calendar/occurrences.ts): ical.js expands
// the rule on the series' wall clock, exceptions keyed by original start apply on top.
import { describe, expect, it } from "vitest";
import {
  type EventTiming,
  type ExceptionRow,
  occurrencesBetween,
  parseRule,
} from "../../server/calendar/occurrences.js";
import { wallStrings } from "../../shared/zoned-time.js";

const weekly = (over: Partial<EventTiming> = {}): EventTiming => ({
  id: "series",
  allDay: false,
  // Monday 2 March 2026, 09:00 in New York (EST, UTC−5); the US moves to EDT on Sunday 8 March.
  startAt: new Date("2026-03-02T14:00:00Z"),
  endAt: new Date("2026-03-02T15:00:00Z"),
  timeZone: "America/New_York",
  endTimeZone: "America/New_York",
  startDate: null,
  endDate: null,
  status: "confirmed",
  recurrence: "FREQ=WEEKLY;BYDAY=MO",
  rdates: [],
  exdates: [],
  ...over,
});

const exception = (originalStart: string, over: Partial<ExceptionRow>): ExceptionRow => ({
  originalStart,
  status: "confirmed",
  startAt: null,
  endAt: null,
  timeZone: null,
  endTimeZone: null,
  startDate: null,
  endDate: null,
  title: null,
  description: null,
  location: null,
  ...over,
});

const between = (e: EventTiming, x: ExceptionRow[], from: string, to: string) =>
  occurrencesBetween(e, x, new Date(from), new Date(to));

describe("occurrences of a series", () => {
  it("R-CAL-6 (failure mode 3): a UTC UNTIL is an instant: east of Greenwich the occurrence at UNTIL is the last one, west of it an occurrence after UNTIL is not one", () => {
    // Outlook's end date 16 March and Apple's clients both write UNTIL as the last occurrence's instant.
    const madrid = weekly({
      startAt: new Date("2026-03-02T09:00:00Z"),
      endAt: new Date("2026-03-02T09:30:00Z"),
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
      recurrence: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T090000Z",
    });
    expect(
      between(madrid, [], "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z").map((o) => o.startAt.toISOString()),
    ).toEqual(["2026-03-02T09:00:00.000Z", "2026-03-09T09:00:00.000Z", "2026-03-16T09:00:00.000Z"]);
    // 06:00 in New York on the 16th: that day's 09:00 meeting is after the end.
    const newYork = weekly({ recurrence: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20260316T100000Z" });
    expect(
      between(newYork, [], "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z").map((o) =>
        o.startAt.toISOString(),
      ),
    ).toEqual(["2026-03-02T14:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
  });

  it("R-CAL-6: a weekly 09:00 meeting stays at 09:00 on its zone's clock across the change to summer time and back", () => {
    const spring = between(weekly(), [], "2026-03-01T00:00:00Z", "2026-03-17T00:00:00Z");
    expect(spring.map((o) => o.startAt.toISOString())).toEqual([
      "2026-03-02T14:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
      "2026-03-16T13:00:00.000Z",
    ]);
    const autumn = between(weekly(), [], "2026-10-26T00:00:00Z", "2026-11-10T00:00:00Z");
    expect(autumn.map((o) => o.startAt.toISOString())).toEqual([
      "2026-10-26T13:00:00.000Z",
      "2026-11-02T14:00:00.000Z",
      "2026-11-09T14:00:00.000Z",
    ]);
    for (const o of [...spring, ...autumn]) {
      expect(wallStrings(o.startAt.getTime(), "America/New_York").time).toBe("09:00");
      expect(o.endAt.getTime() - o.startAt.getTime()).toBe(3_600_000);
      expect(o.originalStart).toBe(o.startAt.toISOString());
    }
  });

  it("R-CAL-6: a daily 02:30 in Madrid, a time the clock skips on 29 March, comes at 03:30 that day, as RFC 5545 reads it", () => {
    const daily = weekly({
      startAt: new Date("2026-03-27T01:30:00Z"),
      endAt: new Date("2026-03-27T02:00:00Z"),
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
      recurrence: "FREQ=DAILY;COUNT=4",
    });
    const list = between(daily, [], "2026-03-01T00:00:00Z", "2026-04-30T00:00:00Z");
    expect(list.map((o) => wallStrings(o.startAt.getTime(), "Europe/Madrid"))).toEqual([
      { date: "2026-03-27", time: "02:30" },
      { date: "2026-03-28", time: "02:30" },
      { date: "2026-03-29", time: "03:30" },
      { date: "2026-03-30", time: "02:30" },
    ]);
  });

  it("R-CAL-6: moved, changed and cancelled occurrences are applied by original start; a move into the range shows, a move out of it does not", () => {
    const x = [
      exception("2026-03-09T13:00:00.000Z", { status: "cancelled" }),
      // Moved from Monday 16 to Wednesday 18 March, 15:00 New York.
      exception("2026-03-16T13:00:00.000Z", {
        startAt: new Date("2026-03-18T19:00:00Z"),
        endAt: new Date("2026-03-18T20:00:00Z"),
      }),
      exception("2026-03-23T13:00:00.000Z", { title: "Quarterly review", location: "Room 4" }),
      // Moved from 6 April back into the range.
      exception("2026-04-06T13:00:00.000Z", {
        startAt: new Date("2026-03-25T13:00:00Z"),
        endAt: new Date("2026-03-25T14:00:00Z"),
      }),
      // Moved from 30 March out of the range.
      exception("2026-03-30T13:00:00.000Z", {
        startAt: new Date("2026-05-04T13:00:00Z"),
        endAt: new Date("2026-05-04T14:00:00Z"),
      }),
    ];
    const list = between(weekly(), x, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    expect(list.map((o) => [o.originalStart, o.startAt.toISOString(), o.exception?.title ?? null])).toEqual([
      ["2026-03-02T14:00:00.000Z", "2026-03-02T14:00:00.000Z", null],
      ["2026-03-16T13:00:00.000Z", "2026-03-18T19:00:00.000Z", null],
      ["2026-03-23T13:00:00.000Z", "2026-03-23T13:00:00.000Z", "Quarterly review"],
      ["2026-04-06T13:00:00.000Z", "2026-03-25T13:00:00.000Z", null],
    ]);
    expect(list[2].exception?.location).toBe("Room 4");
  });

  it("R-CAL-6: RDATE adds an occurrence and EXDATE removes one, both as UTC instants of the series", () => {
    const e = weekly({
      recurrence: "FREQ=WEEKLY;BYDAY=MO;COUNT=3",
      rdates: ["2026-03-04T20:00:00.000Z"],
      exdates: ["2026-03-09T13:00:00.000Z"],
    });
    expect(
      between(e, [], "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z").map((o) => o.startAt.toISOString()),
    ).toEqual(["2026-03-02T14:00:00.000Z", "2026-03-04T20:00:00.000Z", "2026-03-16T13:00:00.000Z"]);
  });

  it("R-CAL-6: an all-day series stays on its dates, from UTC+14 to UTC−10 readers alike, and a cancelled date vanishes", () => {
    const yearly = weekly({
      allDay: true,
      startDate: "2026-12-31",
      endDate: "2027-01-01",
      startAt: new Date("2026-12-31T00:00:00Z"),
      endAt: new Date("2027-01-01T00:00:00Z"),
      timeZone: "Pacific/Kiritimati",
      endTimeZone: "Pacific/Kiritimati",
      recurrence: "FREQ=YEARLY",
    });
    const list = between(
      yearly,
      [exception("2027-12-31", { status: "cancelled" })],
      "2026-01-01T00:00:00Z",
      "2029-06-01T00:00:00Z",
    );
    expect(list.map((o) => [o.originalStart, o.startDate, o.endDate])).toEqual([
      ["2026-12-31", "2026-12-31", "2027-01-01"],
      ["2028-12-31", "2028-12-31", "2029-01-01"],
    ]);
    // New Year's Eve in Honolulu (UTC−10) runs until 10:00 UTC on 1 January: the day is still listed then.
    const honolulu = between(yearly, [], "2027-01-01T09:00:00Z", "2027-01-01T09:30:00Z");
    expect(honolulu.map((o) => o.startDate)).toEqual(["2026-12-31"]);
    // In Kiritimati (UTC+14) it began at 10:00 UTC on 30 December.
    expect(between(yearly, [], "2026-12-30T10:30:00Z", "2026-12-30T11:00:00Z")).toHaveLength(1);
    expect(between(yearly, [], "2027-01-02T00:00:00Z", "2027-01-03T00:00:00Z")).toHaveLength(0);
  });

  it("a single event is its own one occurrence; a cancelled series has none", () => {
    const single = weekly({ recurrence: null });
    expect(between(single, [], "2026-03-02T14:30:00Z", "2026-03-02T16:00:00Z")).toHaveLength(1);
    expect(
      between(weekly({ status: "cancelled" }), [], "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    ).toEqual([]);
  });

  it("an RRULE is taken with or without its name, and a malformed one is refused", () => {
    expect(parseRule("RRULE:FREQ=WEEKLY;BYDAY=TU")).toBe("FREQ=WEEKLY;BYDAY=TU");
    expect(() => parseRule("FREQ=SOMETIMES")).toThrow();
  });
});
