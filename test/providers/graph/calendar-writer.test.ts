// The Graph CalendarWriter against the Microsoft emulator, every request it sends recorded: what a
// create, an update and a removal send, and what Exchange then mails (R-CAL-7).
import { beforeEach, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../../emulators/microsoft/emulator.js";
import { localTime, zonedInstant } from "../../../emulators/shared/zones.js";
import type { SyncedEventState } from "../../../server/calendar/synced-state.js";
import { graphCalendarWriter } from "../../../server/providers/graph/calendar-writer.js";
import { GraphClient } from "../../../server/providers/graph/client.js";

const ACCOUNT = "ana@contoso.test";
const GRAPH = "https://graph.microsoft.com/v1.0";
const MARTA = "marta@iberia.test";

const demo: SyncedEventState = {
  title: "Demo Iberia",
  description: "Agenda",
  location: null,
  status: "confirmed",
  timing: {
    allDay: false,
    startAt: "2026-12-09T10:00:00.000Z",
    endAt: "2026-12-09T11:00:00.000Z",
    timeZone: "Europe/Madrid",
    endTimeZone: "Europe/Madrid",
  },
  organizer: { email: ACCOUNT, name: "Ana Ruiz" },
  attendees: [{ email: MARTA, name: "Marta", responseStatus: "needsAction" }],
  recurrence: null,
  exceptions: [],
};

describe("Graph calendar writer", () => {
  let microsoft: MicrosoftEmulator;
  let sent: { method: string; url: string; body: Record<string, unknown> | null; ifMatch: string | null }[];
  let last: SyncedEventState | null;
  const writer = () => {
    const { accessToken } = microsoft.issueTokens(ACCOUNT, "Calendars.ReadWrite");
    const client = new GraphClient({
      baseUrl: GRAPH,
      accessToken: async () => accessToken,
      retry: { sleep: async () => {} },
      fetch: async (input, init) => {
        const request = new Request(input, init);
        const text = init?.body ? String(init.body) : "";
        sent.push({
          method: request.method,
          url: request.url,
          body: text ? JSON.parse(text) : null,
          ifMatch: request.headers.get("if-match"),
        });
        const res = await microsoft.handle(request);
        // A lost answer (the write was applied): a network error, as fetch reports one.
        if (res.type === "error") throw new TypeError("fetch failed");
        return res;
      },
    });
    const store = microsoft.calendars(ACCOUNT);
    return graphCalendarWriter(client, {
      calendarId: store.defaultCalendar.id,
      account: ACCOUNT,
      lastSynced: async () => last,
    });
  };
  const store = () => microsoft.calendars(ACCOUNT);
  const patches = () => sent.filter((r) => r.method === "PATCH");

  beforeEach(() => {
    microsoft = new MicrosoftEmulator();
    microsoft.addAccount(ACCOUNT, "Ana Ruiz");
    sent = [];
    last = null;
  });

  it("R-CAL-7, R-P-3: a create repeated after a lost answer returns the first event; its attendee is invited once", async () => {
    const w = writer();
    microsoft.faults.set(ACCOUNT, { loseResponse: { endpoints: ["graph.events.create"], times: 1 } });
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: true });
    expect(sent.filter((r) => r.method === "POST")).toHaveLength(2);
    expect(new Set(sent.map((r) => r.body?.transactionId))).toEqual(new Set([sent[0]!.body!.transactionId]));
    expect([...store().events.keys()]).toEqual([made.href]);
    expect(store().sentMail.map((m) => [m.kind, m.to])).toEqual([["invitation", MARTA]]);
    expect(made.etag).toBe(`W/"${store().events.get(made.href)!.changeKey}"`);
  });

  it("R-CAL-7: history is created without attendees, and an edit of it never mails anyone", async () => {
    const w = writer();
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: false });
    expect(store().events.get(made.href)!.fields.attendees ?? []).toEqual([]);
    const more = {
      ...demo,
      title: "Demo Iberia (2)",
      attendees: [
        ...demo.attendees,
        { email: "luis@x.test", name: null, responseStatus: "needsAction" as const },
      ],
    };
    await w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", more);
    expect(patches()[0]!.body).toEqual({
      subject: "Demo Iberia (2)",
      singleValueExtendedProperties: [expect.objectContaining({ value: JSON.stringify(more.attendees) })],
    });
    expect(store().sentMail).toEqual([]);
  });

  it("R-CAL-7: an edit PATCHes only what changed, with If-Match; attendees go only when their list changed", async () => {
    const w = writer();
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: true });
    const moved = await w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", {
      ...demo,
      location: "Sala 2",
    });
    expect(patches()[0]).toMatchObject({ body: { location: { displayName: "Sala 2" } }, ifMatch: made.etag });
    expect(Object.keys(patches()[0]!.body!)).toEqual(["location"]);
    // Documented: Exchange mails the attendee an update for a change of the meeting.
    expect(store().sentMail.map((m) => m.kind)).toEqual(["invitation", "update"]);
    const same = await w.update(made.href, moved.etag, "e1@concilia", 2, "evt_1", {
      ...demo,
      location: "Sala 2",
    });
    expect(patches()).toHaveLength(1);
    expect(same.etag).toBe(moved.etag);
    await w.update(made.href, moved.etag, "e1@concilia", 3, "evt_1", {
      ...demo,
      location: "Sala 2",
      attendees: [],
    });
    expect(Object.keys(patches()[1]!.body!)).toEqual(["attendees"]);
    expect(store().sentMail.map((m) => m.kind)).toEqual(["invitation", "update", "cancellation"]);
  });

  it("R-P-3: an edit of a synced event is one PATCH with the link's If-Match, no read first; a stale one is still a conflict", async () => {
    const w = writer();
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: true });
    last = demo;
    sent = [];
    const moved = await w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", {
      ...demo,
      location: "Sala 2",
    });
    expect(sent.map((r) => [r.method, r.ifMatch])).toEqual([["PATCH", made.etag]]);
    expect(sent[0]!.body).toEqual({ location: { displayName: "Sala 2" } });
    expect(store().events.get(made.href)!.fields.location).toMatchObject({ displayName: "Sala 2" });
    expect(moved.etag).toBe(`W/"${store().events.get(made.href)!.changeKey}"`);
    // Changed in Outlook since: the 412 is the conflict every provider reports, nothing overwritten.
    last = { ...demo, location: "Sala 2" };
    store().userEdit(made.href, { subject: "Renamed in Outlook" });
    sent = [];
    await expect(
      w.update(made.href, moved.etag, "e1@concilia", 2, "evt_1", { ...demo, location: "Sala 3" }),
    ).rejects.toMatchObject({ name: "SyncError", kind: "conflict" });
    expect(store().events.get(made.href)!.fields).toMatchObject({
      subject: "Renamed in Outlook",
      location: { displayName: "Sala 2" },
    });
  });

  it("R-CAL-2: a stale If-Match waits when Outlook's change is not yet in the CRM's version, and writes when it is", async () => {
    const w = writer();
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: false });
    last = demo;
    store().userEdit(made.href, { location: { displayName: "Sala Norte" } });
    await expect(
      w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", { ...demo, title: "New" }),
    ).rejects.toMatchObject({ name: "SyncError", kind: "conflict" });
    // Only the stale If-Match was tried, which Outlook refuses: nothing of Concilia's is written.
    expect(patches().map((r) => r.ifMatch)).toEqual([made.etag]);
    expect(store().events.get(made.href)!.fields.subject).toBe("Demo Iberia");
    await w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", {
      ...demo,
      title: "New",
      location: "Sala Norte",
    });
    expect(store().events.get(made.href)!.fields).toMatchObject({
      subject: "New",
      location: { displayName: "Sala Norte" },
    });
  });

  it("R-CAL-6: an all-day series kept in Tokyo's zone in Outlook has its days moved and cancelled by original start at Tokyo's midnight, the series itself left as it is", async () => {
    const master = store().seedEvent({
      subject: "Stocktake",
      isAllDay: true,
      start: { dateTime: "2027-01-04T00:00:00", timeZone: "Tokyo Standard Time" },
      end: { dateTime: "2027-01-05T00:00:00", timeZone: "Tokyo Standard Time" },
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"] },
        range: { type: "numbered", startDate: "2027-01-04", numberOfOccurrences: 4 },
      },
    });
    const changeKey = master.changeKey;
    const none = { startAt: null, endAt: null, startDate: null, endDate: null, title: null };
    const state: SyncedEventState = {
      ...demo,
      title: "Stocktake",
      description: null,
      attendees: [],
      timing: { allDay: true, startDate: "2027-01-04", endDate: "2027-01-05" },
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO;COUNT=4", rdates: [], exdates: [] },
      exceptions: [
        {
          ...none,
          originalStart: "2027-01-11",
          status: "confirmed",
          startDate: "2027-01-13",
          endDate: "2027-01-14",
        },
        { ...none, originalStart: "2027-01-18", status: "cancelled" },
      ],
    };
    await writer().update(master.id, `W/"${changeKey}"`, "uid", 1, "evt_stock", state);
    const tokyo = (day: string) => zonedInstant(`${day}T00:00:00`, "Asia/Tokyo");
    const after = store().events.get(master.id)!;
    expect(after.changeKey).toBe(changeKey);
    expect([...after.cancelled]).toEqual([tokyo("2027-01-18")]);
    const moved = after.exceptions.get(tokyo("2027-01-11"))!;
    expect([
      moved.isAllDay,
      moved.startZone,
      localTime(moved.start, moved.zone),
      localTime(moved.end, moved.zone),
    ]).toEqual([true, "Tokyo Standard Time", "2027-01-13T00:00:00", "2027-01-14T00:00:00"]);
  });

  it("R-CAL-6: a moved occurrence of a series Outlook keeps in 'Romance Standard Time' is written on that zone's clock under that name", async () => {
    const master = store().seedEvent({
      subject: "Stand-up",
      start: { dateTime: "2027-03-22T09:00:00", timeZone: "Romance Standard Time" },
      end: { dateTime: "2027-03-22T09:15:00", timeZone: "Romance Standard Time" },
      recurrence: {
        pattern: { type: "daily", interval: 1 },
        range: { type: "numbered", startDate: "2027-03-22", numberOfOccurrences: 10 },
      },
    });
    const state: SyncedEventState = {
      ...demo,
      title: "Stand-up",
      description: null,
      attendees: [],
      timing: {
        allDay: false,
        startAt: "2027-03-22T08:00:00.000Z",
        endAt: "2027-03-22T08:15:00.000Z",
        timeZone: "Europe/Paris",
        endTimeZone: "Europe/Paris",
      },
      recurrence: { rule: "FREQ=DAILY;COUNT=10", rdates: [], exdates: [] },
      exceptions: [
        {
          // 29 March, after the change to summer time: 09:00 Paris is 07:00 UTC, moved to 16:00 Paris.
          originalStart: "2027-03-29T07:00:00.000Z",
          status: "confirmed",
          startAt: "2027-03-29T14:00:00.000Z",
          endAt: "2027-03-29T14:15:00.000Z",
          startDate: null,
          endDate: null,
          title: null,
        },
      ],
    };
    await writer().update(master.id, `W/"${master.changeKey}"`, "uid", 1, "evt_standup", state);
    const moved = store().events.get(master.id)!.exceptions.get(Date.parse("2027-03-29T07:00:00Z"))!;
    expect([moved.startZone, moved.endZone]).toEqual(["Romance Standard Time", "Romance Standard Time"]);
    expect([localTime(moved.start, moved.zone), localTime(moved.end, moved.zone)]).toEqual([
      "2027-03-29T16:00:00",
      "2027-03-29T16:15:00",
    ]);
    const body = patches().at(-1)!.body!;
    expect(body.start).toEqual({
      dateTime: "2027-03-29T16:00:00.0000000",
      timeZone: "Romance Standard Time",
    });
  });

  it("R-CAL-9: a CRM event marked cancelled is deleted in Outlook; removing what is already gone is fine", async () => {
    const w = writer();
    const made = await w.create("e1@concilia", "evt_1", demo, { sendInvitations: true });
    await w.update(made.href, made.etag, "e1@concilia", 1, "evt_1", { ...demo, status: "cancelled" });
    expect(store().events.size).toBe(0);
    expect(store().sentMail.map((m) => m.kind)).toEqual(["invitation", "cancellation"]);
    await expect(w.remove(made.href, made.etag)).resolves.toBeUndefined();
  });
});
