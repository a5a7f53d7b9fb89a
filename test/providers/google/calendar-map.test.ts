// The Google event resource read into Concilia's synced shape and written back (§3.4, §3.5, §3.7):
// zones per start and end, all-day dates, recurrence lines, instances as exceptions keyed by their
// original start, the etag that changes with an exception, our id for inserts, our tag and channel tokens.
import { describe, expect, it } from "vitest";
import type { SyncedEventState } from "../../../server/calendar/synced-state.js";
import { itemsOf } from "../../../server/providers/google/calendar-changes.js";
import {
  channelDue,
  channelToken,
  newChannelId,
  verifyChannel,
} from "../../../server/providers/google/calendar-channel.js";
import type { GoogleEvent } from "../../../server/providers/google/calendar-event.js";
import { base32hex, googleEventIdFor } from "../../../server/providers/google/calendar-ids.js";
import {
  mapGoogleEvent,
  parentEtagOf,
  recurrenceDates,
} from "../../../server/providers/google/calendar-read-map.js";
import { toGoogleEvent } from "../../../server/providers/google/calendar-write-map.js";

const ctx = { self: { email: "ana@acme.test", name: "Ana" }, calendarZone: "Europe/Madrid" };

const series: GoogleEvent = {
  id: "weekly1",
  etag: '"100"',
  status: "confirmed",
  iCalUID: "weekly1@google.com",
  summary: "Weekly",
  start: { dateTime: "2026-12-01T10:00:00+01:00", timeZone: "Europe/Madrid" },
  end: { dateTime: "2026-12-01T10:30:00+01:00", timeZone: "Europe/Madrid" },
  organizer: { email: "ana.ruiz@gmail.test", self: true },
  recurrence: ["RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=Europe/Madrid:20261229T100000"],
};
const slot = (day: string, over: Partial<GoogleEvent> = {}): GoogleEvent => ({
  id: `weekly1_202612${day}T090000Z`,
  etag: '"100"',
  recurringEventId: "weekly1",
  originalStartTime: { dateTime: `2026-12-${day}T10:00:00+01:00`, timeZone: "Europe/Madrid" },
  summary: "Weekly",
  start: { dateTime: `2026-12-${day}T10:00:00+01:00`, timeZone: "Europe/Madrid" },
  end: { dateTime: `2026-12-${day}T10:30:00+01:00`, timeZone: "Europe/Madrid" },
  ...over,
});

describe("Google event → synced state", () => {
  it("R-CAL-6: unmodified instances are the pattern; moved, renamed and cancelled ones are exceptions by original start", () => {
    const instances = [
      slot("01"),
      slot("08", {
        etag: '"201"',
        start: { dateTime: "2026-12-08T17:00:00+01:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2026-12-08T17:30:00+01:00", timeZone: "Europe/Madrid" },
      }),
      slot("15", { etag: '"202"', summary: "Weekly (plan)" }),
      {
        id: "weekly1_20261222T090000Z",
        etag: '"203"',
        status: "cancelled",
        recurringEventId: "weekly1",
        originalStartTime: { dateTime: "2026-12-22T10:00:00+01:00", timeZone: "Europe/Madrid" },
      },
    ] as GoogleEvent[];
    const m = mapGoogleEvent(series, instances, ctx);
    expect(m.state.recurrence).toEqual({
      rule: "FREQ=WEEKLY;COUNT=5",
      rdates: [],
      exdates: ["2026-12-29T09:00:00.000Z"],
    });
    expect(m.state.exceptions).toEqual([
      {
        originalStart: "2026-12-08T09:00:00.000Z",
        status: "confirmed",
        startAt: "2026-12-08T16:00:00.000Z",
        endAt: "2026-12-08T16:30:00.000Z",
        startDate: null,
        endDate: null,
        title: null,
      },
      {
        originalStart: "2026-12-15T09:00:00.000Z",
        status: "confirmed",
        startAt: null,
        endAt: null,
        startDate: null,
        endDate: null,
        title: "Weekly (plan)",
      },
      {
        originalStart: "2026-12-22T09:00:00.000Z",
        status: "cancelled",
        startAt: null,
        endAt: null,
        startDate: null,
        endDate: null,
        title: null,
      },
    ]);
    // The organiser of what this calendar organises is the CRM user.
    expect(m.state.organizer).toEqual({ email: "ana@acme.test", name: "Ana" });
  });

  it("R-P-3: a change to one instance changes the item's etag, and writes send only the parent's", () => {
    const plain = mapGoogleEvent(series, [slot("01")], ctx);
    expect(plain.etag).toBe('"100"');
    const one = mapGoogleEvent(series, [slot("15", { etag: '"300"', summary: "x" })], ctx);
    const two = mapGoogleEvent(series, [slot("15", { etag: '"301"', summary: "y" })], ctx);
    expect(one.etag).not.toBe(two.etag);
    expect(parentEtagOf(one.etag!)).toBe('"100"');
  });

  it("R-ACT-5: each of start and end keeps its zone; a time without offset is read on its zone's clock", () => {
    const m = mapGoogleEvent(
      {
        id: "flight",
        summary: "Flight",
        start: { dateTime: "2026-12-03T09:00:00", timeZone: "Europe/Madrid" },
        end: { dateTime: "2026-12-03T11:30:00-05:00", timeZone: "America/New_York" },
        attendees: [
          { email: "Marta@Acme.test", responseStatus: "tentative" },
          { email: "room-1@resource.calendar.google.com", resource: true },
        ],
      },
      [],
      ctx,
    );
    expect(m.state.timing).toEqual({
      allDay: false,
      startAt: "2026-12-03T08:00:00.000Z",
      endAt: "2026-12-03T16:30:00.000Z",
      timeZone: "Europe/Madrid",
      endTimeZone: "America/New_York",
    });
    // R-CAL-8: the answer is kept; rooms are not attendees.
    expect(m.state.attendees).toEqual([
      { email: "marta@acme.test", name: null, responseStatus: "tentative" },
    ]);
    expect(m.uid).toBe("flight@google.com");
  });

  it("all-day events stay dates (end exclusive), EXDATE values as dates", () => {
    const m = mapGoogleEvent(
      {
        id: "fair",
        summary: "Fair",
        start: { date: "2026-12-07" },
        end: { date: "2026-12-09" },
        recurrence: ["RRULE:FREQ=YEARLY", "EXDATE;VALUE=DATE:20271207"],
        extendedProperties: { private: { conciliaId: "evt-1" } },
      },
      [],
      ctx,
    );
    expect(m.state.timing).toEqual({ allDay: true, startDate: "2026-12-07", endDate: "2026-12-09" });
    expect(m.state.recurrence?.exdates).toEqual(["2027-12-07"]);
    expect(m.conciliaId).toBe("evt-1");
    expect(recurrenceDates("EXDATE:20261208T090000Z,20261215T090000Z", false, "Europe/Madrid")).toEqual([
      "2026-12-08T09:00:00.000Z",
      "2026-12-15T09:00:00.000Z",
    ]);
  });
});

describe("synced state → Google event", () => {
  const state: SyncedEventState = {
    title: "Weekly",
    description: null,
    location: "Madrid",
    status: "confirmed",
    timing: {
      allDay: false,
      startAt: "2026-12-01T09:00:00.000Z",
      endAt: "2026-12-01T09:30:00.000Z",
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
    },
    organizer: { email: "ana@acme.test", name: "Ana" },
    attendees: [{ email: "marta@acme.test", name: "Marta", responseStatus: "accepted" }],
    recurrence: { rule: "FREQ=WEEKLY;COUNT=5", rdates: [], exdates: ["2026-12-29T09:00:00.000Z"] },
    exceptions: [
      {
        originalStart: "2026-12-22T09:00:00.000Z",
        status: "cancelled",
        startAt: null,
        endAt: null,
        startDate: null,
        endDate: null,
        title: null,
      },
    ],
  };

  it("R-CAL-1, R-P-3: zones, the recurrence as lines (a cancelled exception as an EXDATE), attendees and our tag", () => {
    const g = toGoogleEvent(state, "evt-9");
    expect(g).toMatchObject({
      summary: "Weekly",
      location: "Madrid",
      start: { dateTime: "2026-12-01T09:00:00.000Z", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=5", "EXDATE;TZID=Europe/Madrid:20261222T100000,20261229T100000"],
      attendees: [{ email: "marta@acme.test", displayName: "Marta", responseStatus: "accepted" }],
      extendedProperties: { private: { conciliaId: "evt-9" } },
    });
    // Read back, the series is the same one.
    const back = mapGoogleEvent({ id: "x", ...g, organizer: { self: true } } as GoogleEvent, [], ctx);
    expect(back.state.recurrence).toEqual({
      rule: "FREQ=WEEKLY;COUNT=5",
      rdates: [],
      exdates: ["2026-12-22T09:00:00.000Z", "2026-12-29T09:00:00.000Z"],
    });
    expect(back.state.timing).toEqual(state.timing);
  });

  it("R-P-3: the insert id is the CRM id in base32hex: Google's alphabet, stable, 26 characters", () => {
    expect(base32hex(Buffer.from("foobar"))).toBe("cpnmuoj1e8");
    const id = googleEventIdFor("0193a5c2-7f3e-7a10-9b2c-0123456789ab");
    expect(id).toMatch(/^[a-v0-9]{26}$/);
    expect(googleEventIdFor("0193a5c2-7f3e-7a10-9b2c-0123456789ab")).toBe(id);
    expect(googleEventIdFor("0193a5c2-7f3e-7a10-9b2c-0123456789ac")).not.toBe(id);
  });
});

describe("listing and channels", () => {
  it("R-CAL-6: a series listed as parent, changed instance and cancelled instance is one item; a tombstone is a deletion", () => {
    const items = itemsOf(
      [
        series,
        slot("15", { summary: "x" }),
        { id: "gone1", status: "cancelled" },
        { id: "one", summary: "One", start: { date: "2026-12-01" } },
      ],
      "UTC",
    );
    expect(items.map((i) => [i.key, Object.keys(i.ref as object).sort()])).toEqual([
      ["weekly1", ["series", "zone"]],
      ["gone1", ["gone"]],
      ["one", ["event", "zone"]],
    ]);
  });

  it("R-P-2: a notification is ours only with the channel's token; channels are renewed a day before they end", () => {
    const secret = "s".repeat(40);
    const id = newChannelId("0193a5c2-7f3e-7a10-9b2c-0123456789ab");
    expect(id.length).toBeLessThanOrEqual(64);
    expect(verifyChannel(secret, id, channelToken(secret, id))).toBe("0193a5c2-7f3e-7a10-9b2c-0123456789ab");
    expect(verifyChannel(secret, id, channelToken("t".repeat(40), id))).toBeNull();
    expect(verifyChannel(secret, "someone-else", channelToken(secret, "someone-else"))).toBeNull();
    expect(verifyChannel(undefined, id, channelToken(secret, id))).toBeNull();
    const now = Date.parse("2026-12-01T00:00:00Z");
    expect(channelDue(null, now)).toBe(true);
    expect(channelDue({ id, resourceId: "r", calendarId: "c", expiration: now + 2 * 86_400_000 }, now)).toBe(
      false,
    );
    expect(channelDue({ id, resourceId: "r", calendarId: "c", expiration: now + 3_600_000 }, now)).toBe(true);
  });
});
