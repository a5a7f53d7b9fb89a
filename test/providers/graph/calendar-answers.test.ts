// R-P-4: the Outlook calendar readers given answers Graph should not send (a delta page with no body,
// a listed event whose start is no time, a $batch part that is not an event, a next link given again)
// end in a classified SyncError, or read the item in full, never a TypeError, a RangeError or a
// listing that asks for the same page for ever.
import { describe, expect, it } from "vitest";
import { listGraphCalendarChanges } from "../../../server/providers/graph/calendar-delta.js";
import { fetchGraphEvents } from "../../../server/providers/graph/calendar-fetch.js";
import { listGraphCalendars } from "../../../server/providers/graph/calendar-list.js";
import { GraphClient } from "../../../server/providers/graph/client.js";
import { SyncError } from "../../../server/sync/errors.js";
import { failure, noWait, replying, type Scripted } from "../replying.js";

const ACCOUNT = "ana@contoso.test";
const NOW = Date.parse("2026-01-10T00:00:00Z");
const when = (d: string) => ({ dateTime: `${d}.0000000`, timeZone: "UTC" });
const meeting = {
  id: "g1",
  "@odata.etag": 'W/"1"',
  type: "singleInstance",
  subject: "Call with Bo",
  start: when("2026-01-12T10:00:00"),
  end: when("2026-01-12T11:00:00"),
};
const DELTA = {
  "@odata.deltaLink": "https://graph.test/v1.0/me/calendars/c1/calendarView/delta?$deltatoken=d",
};

const clientOf = (reply: (url: string, body: string | undefined) => Scripted) => {
  const r = replying(reply);
  const client = new GraphClient({
    baseUrl: "https://graph.test/v1.0",
    accessToken: async () => "t",
    fetch: r.fetch,
    retry: noWait,
  });
  return { client, requests: r.requests };
};

const asItem = (i: { key: string }, got: unknown) => ({ key: i.key, raw: Buffer.from(JSON.stringify(got)) });

describe("Outlook calendar readers given bad answers", () => {
  it("R-P-4: a calendarView delta page answered 204, or with rows that are not a list, is a classified SyncError", async () => {
    for (const answer of [
      { status: 204, raw: "" },
      { value: { id: "g1" }, ...DELTA },
      { value: [{}], ...DELTA },
    ]) {
      const { client } = clientOf(() => answer);
      const err = await failure(listGraphCalendarChanges(client, "c1", null, 50, NOW));
      expect(err.kind).toBe("unknown");
    }
  });

  it("R-P-4: a listed single event whose start is no time is read in full rather than mapped as listed", async () => {
    const { client } = clientOf(() => ({
      value: [meeting, { ...meeting, id: "g2", start: { dateTime: "soon", timeZone: "UTC" } }],
      ...DELTA,
    }));
    const page = await listGraphCalendarChanges(client, "c1", null, 50, NOW);
    expect(page.rows.map((r) => [r.id, r.event?.subject ?? null])).toEqual([
      ["g1", "Call with Bo"],
      ["g2", null],
    ]);
  });

  it("R-P-4: an event answered in a $batch without its start or end is that item's classified SyncError; the other item is read", async () => {
    const { client } = clientOf((_url, body) => {
      const ids = (JSON.parse(body!) as { requests: { id: string }[] }).requests.map((r) => r.id);
      return {
        responses: [
          { id: ids[0], status: 200, body: { ...meeting, id: "g1", end: undefined } },
          { id: ids[1], status: 200, body: { ...meeting, id: "g2" } },
        ],
      };
    });
    const fetched = await fetchGraphEvents(client, [{ key: "g1" }, { key: "g2" }], ACCOUNT, asItem, NOW);
    expect(fetched.map((f) => f.key)).toEqual(["g1", "g2"]);
    expect("error" in fetched[0]! && fetched[0].error).toBeInstanceOf(SyncError);
    expect("raw" in fetched[1]! && JSON.parse(fetched[1].raw.toString()).state.title).toBe("Call with Bo");
  });

  it("R-P-4: a series whose instances come back with the same next link each time is that item's classified SyncError, not an endless read", async () => {
    const master = {
      ...meeting,
      id: "s1",
      type: "seriesMaster",
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
        range: { type: "noEnd", startDate: "2026-01-12" },
      },
    };
    const again = {
      value: [],
      "@odata.nextLink": "https://graph.test/v1.0/me/events/s1/instances?$skip=500",
    };
    const { client, requests } = clientOf((_url, body) => {
      if (!body) return again;
      return { responses: [{ id: "0", status: 200, body: body.includes("/instances") ? again : master }] };
    });
    const [one] = await fetchGraphEvents(client, [{ key: "s1" }], ACCOUNT, asItem, NOW);
    expect("error" in one! && one.error).toBeInstanceOf(SyncError);
    expect(requests.filter((u) => u.includes("/instances")).length).toBe(2);
  });

  it("R-P-4: a calendar list whose next link comes back again ends in a classified SyncError, not an endless listing", async () => {
    const { client, requests } = clientOf(() => ({
      value: [{ id: "c1", name: "Calendar", isDefaultCalendar: true }],
      "@odata.nextLink": "https://graph.test/v1.0/me/calendars?$skip=1",
    }));
    expect((await failure(listGraphCalendars(client))).kind).toBe("unknown");
    expect(requests).toHaveLength(2);
  });
});
