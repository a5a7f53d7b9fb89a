// Failure mode 2 for Google Calendar: a series edited in Google (shifted, its range shortened and
// lengthened, a single event made recurring, one occurrence detached) stays one CRM event with the
// same link, and the CRM lists exactly the occurrences Google has.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoogleEmulator } from "../../../emulators/google/emulator.js";
import { engines, type TestServer } from "../../harness/app.js";
import {
  connectGoogleCalendar,
  googleEmulatorOn,
  startGoogleCalendarServer,
} from "../google-calendar-e2e.js";
import { syncUntilRest, userWithMarta } from "../mail-e2e.js";
import { at, counts, eventIdOf, occurrenceStarts, WEEKLY_WITH_ONE_DETACHED } from "./occurrences.js";

const ACCOUNT = "ana.series@gmail.test";
const madrid = (dateTime: string) => ({ dateTime: `${dateTime}+01:00`, timeZone: "Europe/Madrid" });

describe.each(engines)("failure mode 2: series edited in Google Calendar, on %s", (engine) => {
  let s: TestServer;
  let google: GoogleEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;

  const syncNow = () => syncUntilRest(s, connectionId);

  beforeAll(async () => {
    s = await startGoogleCalendarServer(engine);
    google = googleEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-series-${engine}@acme.test`);
    connectionId = await connectGoogleCalendar(s, google, ana.id, ACCOUNT);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CAL-6, R-CAL-3: shifting the series, shortening and lengthening its range, making a single event recurring and detaching one occurrence: one CRM event each, the same links, exactly Google's occurrences", async () => {
    const weekly = google.seedCalendarEvent(ACCOUNT, {
      summary: "Weekly pipeline",
      start: madrid("2027-01-04T09:00:00"),
      end: madrid("2027-01-04T09:30:00"),
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=5"],
    }).id;
    const single = google.seedCalendarEvent(ACCOUNT, {
      summary: "Office hours",
      start: { dateTime: "2027-01-05T15:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2027-01-05T16:00:00Z", timeZone: "UTC" },
    }).id;
    await syncNow();
    const series = await eventIdOf(s, weekly);
    const office = await eventIdOf(s, single);
    const before = await counts(s, ana, connectionId);
    const mondays = ["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01"];
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("08:00", ...mondays));

    // The whole series an hour later.
    google.userEditEvent(ACCOUNT, weekly, {
      start: madrid("2027-01-04T10:00:00"),
      end: madrid("2027-01-04T10:30:00"),
    });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays));

    // Its range shortened (COUNT), then lengthened (UNTIL).
    google.userEditEvent(ACCOUNT, weekly, { recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"] });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays.slice(0, 3)));
    google.userEditEvent(ACCOUNT, weekly, { recurrence: ["RRULE:FREQ=WEEKLY;UNTIL=20270215T225959Z"] });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(
      at("09:00", ...mondays, "2027-02-08", "2027-02-15"),
    );

    // A single event made recurring.
    google.userEditEvent(ACCOUNT, single, { recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] });
    await syncNow();
    expect(await occurrenceStarts(s, ana, office)).toEqual(
      at("15:00", "2027-01-05", "2027-01-06", "2027-01-07"),
    );

    // One occurrence detached: moved to the Tuesday.
    google.userEditEvent(ACCOUNT, `${weekly}_20270118T090000Z`, {
      start: madrid("2027-01-19T11:00:00"),
      end: madrid("2027-01-19T11:30:00"),
    });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(WEEKLY_WITH_ONE_DETACHED);

    expect(await eventIdOf(s, weekly)).toBe(series);
    expect(await eventIdOf(s, single)).toBe(office);
    expect(await counts(s, ana, connectionId)).toEqual(before);
    // Syncing again changes nothing.
    await syncNow();
    expect(await counts(s, ana, connectionId)).toEqual(before);
  });
});
