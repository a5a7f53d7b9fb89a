// R-P-4: the Google Calendar readers given answers Google should not send (a page token given again, a
// last page without its sync token, a time that is no time, an empty body where an event was due) end
// in a classified SyncError the sync engine reacts to, never a TypeError, a RangeError or a listing
// that asks for the same page for ever.
import { afterEach, describe, expect, it } from "vitest";
import { listGoogleCalendarChanges } from "../../../server/providers/google/calendar-changes.js";
import { GoogleCalendarClient } from "../../../server/providers/google/calendar-client.js";
import { fetchGoogleEvents } from "../../../server/providers/google/calendar-fetch.js";
import { listGoogleCalendars } from "../../../server/providers/google/calendar-list.js";
import { forgetKeptPages } from "../../../server/providers/kept-pages.js";
import { SyncError } from "../../../server/sync/errors.js";
import { failure, noWait, replying, type Scripted } from "../replying.js";

const CALENDAR = "ana@acme.test";
const SINCE = new Date("2026-01-01T00:00:00Z");
const meeting = {
  id: "e1",
  etag: '"1"',
  status: "confirmed",
  summary: "Call with Bo",
  start: { dateTime: "2026-02-02T10:00:00+01:00" },
  end: { dateTime: "2026-02-02T11:00:00+01:00" },
};

const clientOf = (reply: (url: string, body: string | undefined) => Scripted) => {
  const r = replying(reply);
  const client = new GoogleCalendarClient({
    baseUrl: "https://google.test",
    accessToken: async () => "t",
    fetch: r.fetch,
    retry: noWait,
  });
  return { client, requests: r.requests };
};

describe("Google Calendar readers given bad answers", () => {
  afterEach(() => forgetKeptPages());

  it("R-P-4: a calendar list whose next page token comes back again ends in a classified SyncError after two pages, not an endless listing", async () => {
    const { client, requests } = clientOf(() => ({
      items: [{ id: CALENDAR, summary: "Ana", accessRole: "owner", primary: true }],
      nextPageToken: "c2",
    }));
    expect((await failure(listGoogleCalendars(client))).kind).toBe("unknown");
    expect(requests).toHaveLength(2);
  });

  it("R-P-4: a last page of events that carries no nextSyncToken is a classified SyncError", async () => {
    const { client } = clientOf(() => ({ items: [meeting], timeZone: "Europe/Paris" }));
    const err = await failure(listGoogleCalendarChanges(client, "conn", CALENDAR, null, 50, SINCE));
    expect(err.kind).toBe("unknown");
    expect(err.message).toMatch(/nextSyncToken/);
  });

  it("R-P-4: a page of events with a start that is no time, or a zone no one knows, is a classified SyncError when listed, not a RangeError at import", async () => {
    for (const bad of [
      { ...meeting, start: { dateTime: "tomorrow at ten" } },
      { ...meeting, start: { dateTime: "2026-02-02T10:00:00", timeZone: "Mars/Olympus" } },
      { ...meeting, start: "2026-02-02" },
      { ...meeting, start: undefined },
    ]) {
      forgetKeptPages();
      const { client } = clientOf(() => ({ items: [bad], timeZone: "Europe/Paris", nextSyncToken: "s2" }));
      const err = await failure(listGoogleCalendarChanges(client, "conn", CALENDAR, null, 50, SINCE));
      expect(err.message).toMatch(/not in the expected shape/);
    }
    // The same page with its event right is listed.
    const { client } = clientOf(() => ({ items: [meeting], timeZone: "Europe/Paris", nextSyncToken: "s2" }));
    const page = await listGoogleCalendarChanges(client, "conn", CALENDAR, null, 50, SINCE);
    expect(page.items.map((i) => i.key)).toEqual(["e1"]);
  });

  it("R-P-4: a series whose parent is answered with an empty body is that item's classified SyncError; the listed event beside it is fetched", async () => {
    const { client } = clientOf((url) =>
      url.includes("/batch/")
        ? { status: 200, raw: "<html>proxy</html>", contentType: "multipart/mixed; boundary=b" }
        : { status: 204, raw: "" },
    );
    const fetched = await fetchGoogleEvents(client, CALENDAR, [
      { key: "s1", ref: { series: true, zone: "Europe/Paris" } },
      { key: "e1", ref: { event: meeting, zone: "Europe/Paris" } },
    ]);
    expect(fetched.map((f) => f.key)).toEqual(["s1", "e1"]);
    expect("error" in fetched[0]! && fetched[0].error).toBeInstanceOf(SyncError);
    expect("raw" in fetched[1]! && JSON.parse(fetched[1].raw.toString()).event.summary).toBe("Call with Bo");
  });

  it("R-P-4: a series whose instances come back with the same next page token each time is that item's classified SyncError", async () => {
    const parent = { ...meeting, id: "s1", recurrence: ["RRULE:FREQ=WEEKLY"] };
    const { client, requests } = clientOf((url) => {
      if (url.includes("/batch/")) return { status: 503, raw: "" };
      if (url.includes("/instances")) return { items: [], nextPageToken: "again" };
      return parent;
    });
    const [one] = await fetchGoogleEvents(client, CALENDAR, [
      { key: "s1", ref: { series: true, zone: "UTC" } },
    ]);
    expect("error" in one! && one.error).toBeInstanceOf(SyncError);
    expect(requests.filter((u) => u.includes("/instances")).length).toBe(2);
  });
});
