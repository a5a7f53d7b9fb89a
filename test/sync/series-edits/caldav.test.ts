// Failure mode 2 for CalDAV (the tests' Radicale): a series rewritten by another client (shifted, its
// range shortened and lengthened, a single event made recurring, one occurrence detached with a
// RECURRENCE-ID) stays one CRM event with the same link, and the CRM lists exactly its occurrences.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestServer } from "../../harness/app.js";
import type { TestCalendarUser } from "../../harness/caldav.js";
import {
  anaWithCalendar,
  connectIcloudCalendar,
  putAsOtherClient,
  startCaldavSyncServer,
} from "../caldav-e2e.js";
import { syncUntilRest } from "../mail-e2e.js";
import { at, counts, eventIdOf, occurrenceStarts, WEEKLY_WITH_ONE_DETACHED } from "./occurrences.js";

const vevent = (uid: string, lines: string[]) => [
  "BEGIN:VEVENT",
  `UID:${uid}`,
  "DTSTAMP:20261201T090000Z",
  ...lines,
  "END:VEVENT",
];
const calendar = (...events: string[][]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Other client//EN",
    ...events.flat(),
    "END:VCALENDAR",
    "",
  ].join("\r\n");

describe.each(engines)("failure mode 2: series edited by another CalDAV client, on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let connectionId: string;

  const syncNow = () => syncUntilRest(s, connectionId);
  /** Writes an object as another client does; answers its href, the provider's id for it. */
  const put = (name: string, body: string) => putAsOtherClient(cal, name, body);

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine);
    ({ cal, ana } = await anaWithCalendar(s, engine));
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-CAL-6, R-CAL-3: shifting the series, shortening and lengthening its range, making a single event recurring and detaching one occurrence: one CRM event each, the same links, exactly the calendar's occurrences", async () => {
    const weekly = (start: string, end: string, rule: string, ...more: string[][]) =>
      calendar(
        vevent("pipeline@other.test", [
          "SUMMARY:Weekly pipeline",
          `DTSTART:${start}`,
          `DTEND:${end}`,
          `RRULE:${rule}`,
        ]),
        ...more,
      );
    const office = (...rule: string[]) =>
      calendar(
        vevent("office@other.test", [
          "SUMMARY:Office hours",
          "DTSTART:20270105T150000Z",
          "DTEND:20270105T160000Z",
          ...rule,
        ]),
      );
    const seriesHref = await put(
      "pipeline.ics",
      weekly("20270104T080000Z", "20270104T083000Z", "FREQ=WEEKLY;COUNT=5"),
    );
    const singleHref = await put("office.ics", office());
    await syncNow();
    const series = await eventIdOf(s, seriesHref);
    const single = await eventIdOf(s, singleHref);
    const before = await counts(s, ana, connectionId);
    const mondays = ["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01"];
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("08:00", ...mondays));

    // The whole series an hour later.
    await put("pipeline.ics", weekly("20270104T090000Z", "20270104T093000Z", "FREQ=WEEKLY;COUNT=5"));
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays));

    // Its range shortened (COUNT), then lengthened (UNTIL, the last occurrence's own instant).
    await put("pipeline.ics", weekly("20270104T090000Z", "20270104T093000Z", "FREQ=WEEKLY;COUNT=3"));
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays.slice(0, 3)));
    const longer = "FREQ=WEEKLY;UNTIL=20270215T090000Z";
    await put("pipeline.ics", weekly("20270104T090000Z", "20270104T093000Z", longer));
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(
      at("09:00", ...mondays, "2027-02-08", "2027-02-15"),
    );

    // A single event made recurring.
    await put("office.ics", office("RRULE:FREQ=DAILY;COUNT=3"));
    await syncNow();
    expect(await occurrenceStarts(s, ana, single)).toEqual(
      at("15:00", "2027-01-05", "2027-01-06", "2027-01-07"),
    );

    // One occurrence detached: moved to the Tuesday.
    await put(
      "pipeline.ics",
      weekly(
        "20270104T090000Z",
        "20270104T093000Z",
        longer,
        vevent("pipeline@other.test", [
          "RECURRENCE-ID:20270118T090000Z",
          "SUMMARY:Weekly pipeline",
          "DTSTART:20270119T100000Z",
          "DTEND:20270119T103000Z",
        ]),
      ),
    );
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(WEEKLY_WITH_ONE_DETACHED);

    expect(await eventIdOf(s, seriesHref)).toBe(series);
    expect(await eventIdOf(s, singleHref)).toBe(single);
    expect(await counts(s, ana, connectionId)).toEqual(before);
    await syncNow();
    expect(await counts(s, ana, connectionId)).toEqual(before);
  });
});
