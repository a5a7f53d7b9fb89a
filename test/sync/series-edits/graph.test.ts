// Failure mode 2 for Outlook (Graph): a series edited in Outlook (shifted, its range shortened and
// lengthened, a single event made recurring, one occurrence detached) stays one CRM event with the
// same link, and the CRM lists exactly the occurrences Outlook has.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MicrosoftEmulator } from "../../../emulators/microsoft/emulator.js";
import { engines, type TestServer } from "../../harness/app.js";
import { syncUntilRest, userWithMarta } from "../mail-e2e.js";
import {
  connectOutlookCalendar,
  microsoftEmulatorOn,
  startOutlookCalendarServer,
} from "../outlook-calendar-e2e.js";
import { at, counts, eventIdOf, occurrenceStarts, WEEKLY_WITH_ONE_DETACHED } from "./occurrences.js";

const ACCOUNT = "ana.series@contoso.test";
const paris = (dateTime: string) => ({ dateTime, timeZone: "Romance Standard Time" });
const weeklyOnMonday = { type: "weekly", interval: 1, daysOfWeek: ["monday"], firstDayOfWeek: "sunday" };

describe.each(engines)("failure mode 2: series edited in Outlook, on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);

  const syncNow = () => syncUntilRest(s, connectionId, { waitMs: 50 });

  beforeAll(async () => {
    s = await startOutlookCalendarServer(engine);
    microsoft = microsoftEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-series-${engine}@acme.test`);
    connectionId = await connectOutlookCalendar(s, microsoft, ana.id, ACCOUNT);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CAL-6, R-CAL-3: shifting the series, shortening and lengthening its range, making a single event recurring and detaching one occurrence: one CRM event each, the same links, exactly Outlook's occurrences", async () => {
    const weekly = outlook().seedEvent({
      subject: "Weekly pipeline",
      start: paris("2027-01-04T09:00:00"),
      end: paris("2027-01-04T09:30:00"),
      recurrence: {
        pattern: weeklyOnMonday,
        range: { type: "numbered", startDate: "2027-01-04", numberOfOccurrences: 5 },
      },
    });
    const single = outlook().seedEvent({
      subject: "Office hours",
      start: { dateTime: "2027-01-05T15:00:00", timeZone: "UTC" },
      end: { dateTime: "2027-01-05T16:00:00", timeZone: "UTC" },
    });
    await syncNow();
    const series = await eventIdOf(s, weekly.id);
    const office = await eventIdOf(s, single.id);
    const before = await counts(s, ana, connectionId);
    const mondays = ["2027-01-04", "2027-01-11", "2027-01-18", "2027-01-25", "2027-02-01"];
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("08:00", ...mondays));

    // The whole series an hour later.
    outlook().userEdit(weekly.id, { start: paris("2027-01-04T10:00:00"), end: paris("2027-01-04T10:30:00") });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays));

    // Its range shortened (three occurrences), then lengthened (to an end date).
    outlook().userEdit(weekly.id, {
      recurrence: {
        pattern: weeklyOnMonday,
        range: { type: "numbered", startDate: "2027-01-04", numberOfOccurrences: 3 },
      },
    });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(at("09:00", ...mondays.slice(0, 3)));
    outlook().userEdit(weekly.id, {
      recurrence: {
        pattern: weeklyOnMonday,
        range: { type: "endDate", startDate: "2027-01-04", endDate: "2027-02-15" },
      },
    });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(
      at("09:00", ...mondays, "2027-02-08", "2027-02-15"),
    );

    // A single event made recurring: its id becomes the series master's.
    outlook().userEdit(single.id, {
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2027-01-05", numberOfOccurrences: 3 },
      },
    });
    await syncNow();
    expect(await occurrenceStarts(s, ana, office)).toEqual(
      at("15:00", "2027-01-05", "2027-01-06", "2027-01-07"),
    );

    // One occurrence detached: moved to the Tuesday.
    const third = outlook()
      .views(weekly)
      .find((v) => new Date(v.originalStart!).toISOString() === "2027-01-18T09:00:00.000Z")!;
    outlook().userEdit(third.id, { start: paris("2027-01-19T11:00:00"), end: paris("2027-01-19T11:30:00") });
    await syncNow();
    expect(await occurrenceStarts(s, ana, series)).toEqual(WEEKLY_WITH_ONE_DETACHED);

    expect(await eventIdOf(s, weekly.id)).toBe(series);
    expect(await eventIdOf(s, single.id)).toBe(office);
    expect(await counts(s, ana, connectionId)).toEqual(before);
    await syncNow();
    expect(await counts(s, ana, connectionId)).toEqual(before);
  });
});
