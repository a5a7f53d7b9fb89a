// Failure mode 4 (time zones and daylight saving) per calendar provider: each provider's event as it
// arrives is mapped to Concilia's synced state, and that state's occurrences are what the CRM lists.
// Graph with and without Prefer: outlook.timezone, all-day events made at UTC−10, UTC+13 and UTC+14,
// a weekly series crossing a daylight-saving change, Windows zone names and Outlook's "Customized Time
// Zone", floating times. The end-to-end all-day case across readers' zones is in
// test/server/calendar-model.test.ts, the DST expansion itself in test/calendar/occurrences.test.ts.
import { describe, expect, it } from "vitest";
import { occurrencesBetween } from "../../server/calendar/occurrences.js";
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import { parseCalendarObject } from "../../server/providers/caldav/map.js";
import { mapGoogleEvent } from "../../server/providers/google/calendar-read-map.js";
import { type GraphEventJson, graphEventState } from "../../server/providers/graph/calendar-map.js";

const ME = "ana@acme.test";

/** The start instants the CRM lists for a synced state between two instants. */
function listed(state: SyncedEventState, from: string, to: string): string[] {
  const t = state.timing;
  const timing = t.allDay
    ? {
        allDay: true,
        startAt: new Date(`${t.startDate}T00:00:00Z`),
        endAt: new Date(`${t.endDate}T00:00:00Z`),
        timeZone: "UTC",
        endTimeZone: "UTC",
        startDate: t.startDate,
        endDate: t.endDate,
      }
    : {
        allDay: false,
        startAt: new Date(t.startAt),
        endAt: new Date(t.endAt),
        timeZone: t.timeZone,
        endTimeZone: t.endTimeZone,
        startDate: null,
        endDate: null,
      };
  return occurrencesBetween(
    {
      id: "e",
      ...timing,
      status: "confirmed",
      recurrence: state.recurrence?.rule || null,
      rdates: state.recurrence?.rdates ?? [],
      exdates: state.recurrence?.exdates ?? [],
    },
    [],
    new Date(from),
    new Date(to),
  ).map((o) => (o.startDate ?? o.startAt.toISOString()) as string);
}

const graph = (over: Partial<GraphEventJson>): GraphEventJson => ({
  id: "AAMk1",
  "@odata.etag": 'W/"ck1"',
  type: "singleInstance",
  iCalUId: "040000008200E00074C5B7101A82E008000000001",
  subject: "Kick-off",
  isAllDay: false,
  start: { dateTime: "2027-03-22T09:00:00.0000000", timeZone: "UTC" },
  end: { dateTime: "2027-03-22T10:00:00.0000000", timeZone: "UTC" },
  originalStartTimeZone: "Romance Standard Time",
  originalEndTimeZone: "Romance Standard Time",
  organizer: { emailAddress: { name: "Ana Ruiz", address: ME } },
  isOrganizer: true,
  attendees: [],
  ...over,
});

const ics = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Other client//EN", ...lines, "END:VCALENDAR", ""].join(
    "\r\n",
  );
const vevent = (...lines: string[]) => [
  "BEGIN:VEVENT",
  "UID:zones@other.test",
  "DTSTAMP:20270101T000000Z",
  "SUMMARY:Zones",
  ...lines,
  "END:VEVENT",
];
/** Outlook's export of a zone the user edited: Central European rules under a made-up name. */
const customized = [
  "BEGIN:VTIMEZONE",
  "TZID:Customized Time Zone",
  "BEGIN:STANDARD",
  "DTSTART:16010101T030000",
  "TZOFFSETFROM:+0200",
  "TZOFFSETTO:+0100",
  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
  "END:STANDARD",
  "BEGIN:DAYLIGHT",
  "DTSTART:16010101T020000",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0200",
  "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
  "END:DAYLIGHT",
  "END:VTIMEZONE",
];

/** All-day on 24 and 25 December, made in Honolulu (UTC−10), Tonga (UTC+13) and Kiritimati (UTC+14). */
const allDayZones = [
  ["Hawaiian Standard Time", "Pacific/Honolulu"],
  ["Tonga Standard Time", "Pacific/Tongatapu"],
  ["Line Islands Standard Time", "Pacific/Kiritimati"],
] as const;

describe("failure mode 4: time zones per provider", () => {
  describe("Microsoft Graph", () => {
    it("R-ACT-5: the same meeting read with Prefer: outlook.timezone=UTC and without it (times in its Windows zone) is one instant", () => {
      const withPrefer = graphEventState(graph({}), ME).state.timing;
      const without = graphEventState(
        graph({
          start: { dateTime: "2027-03-22T10:00:00.0000000", timeZone: "Romance Standard Time" },
          end: { dateTime: "2027-03-22T11:00:00.0000000", timeZone: "Romance Standard Time" },
        }),
        ME,
      ).state.timing;
      expect(withPrefer).toEqual(without);
      expect(without).toMatchObject({ startAt: "2027-03-22T09:00:00.000Z", timeZone: "Europe/Paris" });
    });

    it.each(allDayZones)(
      "R-CAL-6: an all-day event made in %s stays on its dates, with or without Prefer",
      (windows) => {
        for (const timeZone of [windows, "UTC"]) {
          const e = graph({
            isAllDay: true,
            start: { dateTime: "2026-12-24T00:00:00.0000000", timeZone },
            end: { dateTime: "2026-12-26T00:00:00.0000000", timeZone },
            originalStartTimeZone: windows,
            originalEndTimeZone: windows,
          });
          const state = graphEventState(e, ME).state;
          expect(state.timing).toEqual({ allDay: true, startDate: "2026-12-24", endDate: "2026-12-26" });
          expect(listed(state, "2026-12-20T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual(["2026-12-24"]);
        }
      },
    );

    it("R-CAL-6: a weekly 10:00 Paris series keeps 10:00 across the change to summer time (08:00 UTC after 28 March)", () => {
      const e = graph({
        type: "seriesMaster",
        start: { dateTime: "2027-03-22T09:00:00.0000000", timeZone: "UTC" },
        end: { dateTime: "2027-03-22T10:00:00.0000000", timeZone: "UTC" },
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"], firstDayOfWeek: "sunday" },
          range: { type: "numbered", startDate: "2027-03-22", numberOfOccurrences: 3 },
        },
      });
      expect(listed(graphEventState(e, ME).state, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z")).toEqual([
        "2027-03-22T09:00:00.000Z",
        "2027-03-29T08:00:00.000Z",
        "2027-04-05T08:00:00.000Z",
      ]);
    });
  });

  describe("Google Calendar", () => {
    const ctx = { self: { email: ME, name: "Ana" }, calendarZone: "Pacific/Honolulu" };

    it("R-CAL-6: an all-day event is its dates whatever the calendar's zone (UTC−10 here), listed on those dates", () => {
      const m = mapGoogleEvent(
        { id: "fair", summary: "Fair", start: { date: "2026-12-24" }, end: { date: "2026-12-26" } },
        [],
        { ...ctx, calendarZone: "Pacific/Kiritimati" },
      );
      expect(m.state.timing).toEqual({ allDay: true, startDate: "2026-12-24", endDate: "2026-12-26" });
      expect(listed(m.state, "2026-12-20T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual(["2026-12-24"]);
    });

    it("R-CAL-6: a weekly 10:00 Madrid series keeps 10:00 across the change to summer time", () => {
      const m = mapGoogleEvent(
        {
          id: "weekly",
          summary: "Weekly",
          start: { dateTime: "2027-03-22T10:00:00+01:00", timeZone: "Europe/Madrid" },
          end: { dateTime: "2027-03-22T10:30:00+01:00", timeZone: "Europe/Madrid" },
          recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"],
        },
        [],
        ctx,
      );
      expect(listed(m.state, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z")).toEqual([
        "2027-03-22T09:00:00.000Z",
        "2027-03-29T08:00:00.000Z",
        "2027-04-05T08:00:00.000Z",
      ]);
    });
  });

  describe("CalDAV", () => {
    it('R-CAL-6: a "Customized Time Zone" is read from its VTIMEZONE: the meeting\'s instant, and a weekly series at 10:30 on its clock across the change to summer time', () => {
      const [e] = parseCalendarObject(
        ics(
          ...customized,
          ...vevent(
            "DTSTART;TZID=Customized Time Zone:20270322T103000",
            "DTEND;TZID=Customized Time Zone:20270322T110000",
            "RRULE:FREQ=WEEKLY;COUNT=3",
          ),
        ),
      );
      expect(e!.state.timing).toMatchObject({
        startAt: "2027-03-22T09:30:00.000Z",
        endAt: "2027-03-22T10:00:00.000Z",
      });
      expect(listed(e!.state, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z")).toEqual([
        "2027-03-22T09:30:00.000Z",
        "2027-03-29T08:30:00.000Z",
        "2027-04-05T08:30:00.000Z",
      ]);
    });

    it("R-ACT-5: a Windows TZID without VTIMEZONE is its IANA zone", () => {
      const [e] = parseCalendarObject(
        ics(
          ...vevent(
            "DTSTART;TZID=Tonga Standard Time:20261224T090000",
            "DTEND;TZID=Tonga Standard Time:20261224T100000",
          ),
        ),
      );
      expect(e!.state.timing).toMatchObject({
        startAt: "2026-12-23T20:00:00.000Z",
        timeZone: "Pacific/Tongatapu",
      });
    });

    it.each(allDayZones)(
      "R-CAL-6: an all-day event whose calendar is at %s stays on its dates",
      (_windows, iana) => {
        const [e] = parseCalendarObject(
          ics(`X-WR-TIMEZONE:${iana}`, ...vevent("DTSTART;VALUE=DATE:20261224", "DTEND;VALUE=DATE:20261226")),
        );
        expect(e!.state.timing).toEqual({ allDay: true, startDate: "2026-12-24", endDate: "2026-12-26" });
        expect(listed(e!.state, "2026-12-20T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual(["2026-12-24"]);
      },
    );

    it("R-ACT-5: a floating time (no TZID, no Z) is read as that clock time in UTC, the same wall time for a series", () => {
      const [e] = parseCalendarObject(
        ics(...vevent("DTSTART:20270322T103000", "DTEND:20270322T110000", "RRULE:FREQ=WEEKLY;COUNT=2")),
      );
      expect(e!.state.timing).toMatchObject({ startAt: "2027-03-22T10:30:00.000Z", timeZone: "UTC" });
      expect(listed(e!.state, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z")).toEqual([
        "2027-03-22T10:30:00.000Z",
        "2027-03-29T10:30:00.000Z",
      ]);
    });
  });
});
