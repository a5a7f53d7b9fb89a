// Series no calendar schedules by, synced from a CalDAV calendar (the tests' Radicale): a FREQ=SECONDLY
// event is imported and kept with its rule, listed as its first event only, and the sync records a
// warning naming it, which the event's answer gives the user too (R-CAL-6, R-P-4). Long series begun years ago are proven in
// test/calendar/expansion-bounds.test.ts: Radicale itself takes longer than a request's budget to
// store an hourly series with a COUNT of a million.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestServer } from "../harness/app.js";
import { otherClientIcs, type TestCalendarUser } from "../harness/caldav.js";
import {
  anaWithCalendar,
  connectIcloudCalendar,
  putAsOtherClient,
  startCaldavSyncServer,
} from "./caldav-e2e.js";
import { api, syncUntilRest } from "./mail-e2e.js";

describe.each(engines)("CalDAV series with rules no calendar schedules by, on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let connectionId: string;
  const logLines: string[] = [];

  const syncNow = () => syncUntilRest(s, connectionId);
  const put = (name: string, body: string) => putAsOtherClient(cal, name, body);
  async function listed(title: string, from: string, to: string) {
    const res = await api(s, ana, "GET", `/api/v1/events?from=${from}&to=${to}&limit=200`);
    expect(res.statusCode).toBe(200);
    return res.json().items.filter((e: { title: string }) => e.title === title);
  }

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine, { logLines });
    ({ cal, ana } = await anaWithCalendar(s, engine));
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-CAL-6, R-P-4: a FREQ=SECONDLY event is kept with its rule, listed as its first event only, with a warning recorded and given in the event's answer", async () => {
    await put(
      "tick.ics",
      otherClientIcs("tick-1@other.test", [
        "SUMMARY:Tick",
        "DTSTART:20261201T090000Z",
        "DTEND:20261201T093000Z",
        "RRULE:FREQ=SECONDLY",
      ]),
    );
    await syncNow();
    const occurrences = await listed("Tick", "2026-11-01T00:00:00Z", "2027-02-01T00:00:00Z");
    expect(occurrences.map((o: { startAt: string }) => o.startAt)).toEqual(["2026-12-01T09:00:00.000Z"]);
    const seriesId = occurrences[0].occurrence.seriesId;
    const series = (await api(s, ana, "GET", `/api/v1/events/${seriesId}`)).json();
    expect(series).toMatchObject({ title: "Tick", recurrence: { rule: "FREQ=SECONDLY" } });
    // The user is told too, in the event's answer and in the occurrence the list gives.
    const warning = {
      code: "recurrence-read-as-first-event",
      message: expect.stringContaining("FREQ=SECONDLY is not a calendar recurrence"),
    };
    expect(series.warnings).toEqual([warning]);
    expect(occurrences[0].warnings).toEqual([warning]);
    const warned = logLines.map((l) => JSON.parse(l)).filter((l) => l.level >= 40 && /SECONDLY/.test(l.msg));
    expect(warned).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining("not a calendar recurrence"),
        item: expect.stringContaining("tick.ics"),
      }),
    ]);
  });
});
