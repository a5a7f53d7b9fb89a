// Two-way Google Calendar sync end to end: a Google connection that syncs its calendar, against the
// Google emulator (Calendar v3 with its ground truth: stored events, invitation mails sent per
// sendUpdates, watch channels, fault knobs), the worker's steps through the engine, and what the user
// sees in the CRM's events API.
import { and, eq } from "drizzle-orm";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from "vitest";
import type { GoogleEmulator } from "../../emulators/google/emulator.js";
import { calendarOutbox, connections, eventLinks, events, syncCursors } from "../../server/db/schema.js";
import { listGoogleCalendarChanges } from "../../server/providers/google/calendar-changes.js";
import { GoogleCalendarClient } from "../../server/providers/google/calendar-client.js";
import { googleEventIdFor } from "../../server/providers/google/calendar-ids.js";
import { forgetKeptPages } from "../../server/providers/kept-pages.js";
import { readCursor } from "../../server/sync/cursors.js";
import { engines, type TestServer } from "../harness/app.js";
import { ageCalendarListReading, listedCalendarNames } from "./calendar-list-e2e.js";
import { createCrmEvent, createCrmSeries, linksOf } from "./crm-events-e2e.js";
import {
  CALENDAR_SCOPE,
  connectGoogleCalendar,
  googleEmulatorOn,
  startGoogleCalendarServer,
} from "./google-calendar-e2e.js";
import {
  api,
  eventually,
  MARTA,
  stepsUntilRest,
  syncUntilRest,
  userWithMarta,
  whileNoStepRuns,
} from "./mail-e2e.js";

const ACCOUNT = "ana.ruiz@gmail.test";
const TOKEN = "calendar-push-token-0123456789abcdef0123456789";

type Stored = { id: string; etag: string; status?: string; summary?: string } & Record<string, unknown>;

describe.each(engines)("Google Calendar sync end to end on %s", (engine) => {
  let s: TestServer;
  let google: GoogleEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  const historical: string[] = [];
  /** Every answer the emulator gave, in order. */
  const answered: { method: string; url: string; status: number }[] = [];

  const syncNow = (id = connectionId) => syncUntilRest(s, id);
  // This account's own requests: the other CRM users' connections in this file poll on their own
  // schedule, and a step of theirs may fall inside a measured window on a slow machine.
  const callsOf = (endpoint: string) =>
    google.counter.requests(ACCOUNT).filter((r) => r.endpoint === endpoint).length;
  /** `userId`'s calendar-only connection of Google account `address`, as OAuth leaves it; its id. */
  const connectCalendar = (userId: string, address: string) =>
    connectGoogleCalendar(s, google, userId, address);
  /** Google's stored events of the primary calendar (ground truth). */
  const stored = () =>
    google.calendarSnapshot(ACCOUNT).filter((e) => e.calendarId === ACCOUNT) as unknown as Stored[];
  const taggedWith = (crmId: string) =>
    stored().filter(
      (e) => (e.extendedProperties as { private?: Record<string, string> })?.private?.conciliaId === crmId,
    );
  async function linkOf(providerId: string) {
    const [link] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, providerId));
    return link;
  }
  async function crmEventOf(providerId: string) {
    const link = await linkOf(providerId);
    expect(link?.eventId).toMatch(/^\S+$/);
    const res = await api(s, ana, "GET", `/api/v1/events/${link!.eventId}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const invitations = () => google.sentInvitations(ACCOUNT);
  const crmEvent = (title: string, day: string) => createCrmEvent(s, ana, title, day);
  /** A series made through the events API, at 09:00 on Madrid's clock. */
  const crmSeries = (title: string, day: string, recurrence: object, attendees?: { email: string }[]) =>
    createCrmSeries(s, ana, title, day, recurrence, { endsAt: "09:15", attendees });
  let historySeries: string;

  beforeAll(async () => {
    s = await startGoogleCalendarServer(engine, {
      GOOGLE_PUSH_TOKEN: TOKEN,
      CONCILIA_PUBLIC_URL: "https://concilia.test",
    });
    msw.events.on("response:mocked", ({ request, response }) => {
      answered.push({ method: request.method, url: request.url, status: response.status });
    });
    google = googleEmulatorOn(s, msw, ACCOUNT);
    google.addCalendar(ACCOUNT, { name: "Holidays" });
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    // History: events made in Concilia before the account was connected.
    for (let i = 0; i < 12; i++) historical.push(await crmEvent(`History ${i}`, `2026-11-${String(10 + i)}`));
    historySeries = await crmSeries("Weekly pipeline", "2026-11-02", {
      freq: "weekly",
      byDay: ["MO", "TH"],
      count: 6,
    });
    await new Promise((done) => setTimeout(done, 5));
    connectionId = await connectCalendar(ana.id, ACCOUNT);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CON-9, R-CAL-7: the first sync stores the calendars with the primary one selected, and pushes the history made before connecting without a single invitation", async () => {
    await syncNow();
    const [c] = await s.ctx.db.select().from(connections).where(eq(connections.id, connectionId));
    expect(c!.calendars.map((k) => [k.name, k.primary, k.selected]).sort()).toEqual([
      ["Holidays", false, false],
      [ACCOUNT, true, true],
    ]);
    for (const id of historical) {
      const [g] = taggedWith(id);
      expect(g?.id).toBe(googleEventIdFor(id));
    }
    expect(stored()).toHaveLength(13);
    expect(invitations()).toEqual([]);
  });

  it("R-CAL-6, R-CAL-7: a series made in Concilia before connecting is one recurring event in Google, its RRULE line on Madrid's clock, inviting no one", async () => {
    const [series, ...more] = taggedWith(historySeries);
    expect(more).toEqual([]);
    expect(series).toMatchObject({
      id: googleEventIdFor(historySeries),
      summary: "Weekly pipeline",
      recurrence: ["RRULE:FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"],
      start: expect.objectContaining({ timeZone: "Europe/Madrid" }),
      attendees: [expect.objectContaining({ email: MARTA })],
    });
    expect(Date.parse((series!.start as { dateTime: string }).dateTime)).toBe(
      Date.parse("2026-11-02T08:00:00Z"),
    );
    expect(invitations().filter((m) => m.eventId === series!.id)).toEqual([]);
    // Read back, it is the series Concilia holds, not a change.
    await syncNow();
    expect(taggedWith(historySeries).map((e) => e.etag)).toEqual([series!.etag]);
    expect((await api(s, ana, "GET", `/api/v1/events/${historySeries}`)).json()).toMatchObject({
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6" },
      readOnly: false,
    });
  });

  it("R-CAL-1, R-CAL-7, R-P-3: an event created in Concilia after connecting appears in Google once, with one invitation, and our write does not come back as a change", async () => {
    const id = await crmEvent("Demo Iberia", "2026-12-09");
    await syncNow();
    const [g, ...more] = taggedWith(id);
    expect(more).toEqual([]);
    expect(g).toMatchObject({
      summary: "Demo Iberia",
      attendees: [expect.objectContaining({ email: MARTA })],
    });
    expect(invitations()).toEqual([
      expect.objectContaining({ eventId: g!.id, to: MARTA, kind: "invitation" }),
    ]);
    const before = (await api(s, ana, "GET", `/api/v1/events/${id}`)).json();
    await syncNow();
    await syncNow();
    expect(taggedWith(id).map((e) => e.etag)).toEqual([g!.etag]);
    expect((await linkOf(g!.id))?.etag).toBe(g!.etag);
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json().updatedAt).toBe(before.updatedAt);
    expect(invitations()).toHaveLength(1);
  });

  it("R-CAL-2, R-CAL-7: an edit in Concilia reaches Google without mail, and an edit in Google reaches Concilia", async () => {
    const [mine] = stored().filter((e) => e.summary === "Demo Iberia");
    const id = (await crmEventOf(mine!.id)).id;
    const patched = await api(s, ana, "PATCH", `/api/v1/events/${id}`, {
      title: "Demo Iberia, second round",
    });
    expect(patched.statusCode).toBe(200);
    await syncNow();
    expect(taggedWith(id)[0]).toMatchObject({ summary: "Demo Iberia, second round" });
    google.userEditEvent(ACCOUNT, mine!.id, { summary: "Demo Iberia (final)", location: "Madrid" });
    await syncNow();
    expect(await crmEventOf(mine!.id)).toMatchObject({
      id,
      title: "Demo Iberia (final)",
      location: "Madrid",
    });
    // Nothing of that is written back, and no one got mail for the edits.
    const etag = taggedWith(id)[0]!.etag;
    await syncNow();
    expect(taggedWith(id)[0]!.etag).toBe(etag);
    expect(invitations()).toHaveLength(1);
  });

  it("R-CAL-2, R-P-3: edits made on both sides before a sync are merged within two steps: Google refuses the stale If-Match (412) once, nothing is lost, the next step writes nothing", async () => {
    const id = historical[5]!;
    const gid = googleEventIdFor(id);
    const from = answered.length;
    // Both edits land before any step: the CRM edit queues one at once, held off until both are made.
    await whileNoStepRuns(s, connectionId, async () => {
      expect(
        (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "History 5, renamed" })).statusCode,
      ).toBe(200);
      google.userEditEvent(ACCOUNT, gid, { location: "Sala Norte" });
    });
    await syncNow();
    await syncNow();
    expect(answered.slice(from).some((a) => a.method === "PATCH" && a.status === 412)).toBe(true);
    expect(stored().find((e) => e.id === gid)).toMatchObject({
      summary: "History 5, renamed",
      location: "Sala Norte",
    });
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json()).toMatchObject({
      title: "History 5, renamed",
      location: "Sala Norte",
    });
    expect(answered.slice(from).filter((a) => a.status === 412)).toHaveLength(1);
    const etag = stored().find((e) => e.id === gid)!.etag;
    await syncNow();
    expect(stored().find((e) => e.id === gid)!.etag).toBe(etag);
    expect(invitations()).toHaveLength(1);
  });

  it("R-CAL-1, R-P-3: an event Google refuses (400) stays owed without stopping the others or the step, and goes out once Google takes it", async () => {
    let refuse = true;
    msw.use(
      http.post("https://www.googleapis.com/calendar/v3/calendars/:calendar/events", async ({ request }) => {
        const body = (await request.clone().json()) as { summary?: string };
        if (refuse && body.summary === "Refused visit")
          return HttpResponse.json({ error: { code: 400, message: "Invalid event" } }, { status: 400 });
        return undefined;
      }),
    );
    // No attendees: the invitation counts of the other tests stay as they are.
    const visit = async (title: string, day: string) =>
      (
        await api(s, ana, "POST", "/api/v1/events", {
          title,
          startAt: `${day}T10:00:00.000Z`,
          endAt: `${day}T11:00:00.000Z`,
        })
      ).json().id as string;
    const refused = await visit("Refused visit", "2026-12-02");
    const accepted = await visit("Accepted visit", "2026-12-03");
    const r = await syncNow();
    expect(r.error).toBeUndefined();
    expect(taggedWith(accepted)).toHaveLength(1);
    expect(taggedWith(refused)).toHaveLength(0);
    const owed = await s.ctx.db.select().from(calendarOutbox).where(eq(calendarOutbox.itemId, refused));
    expect(owed.length).toBeGreaterThan(0);
    refuse = false;
    await syncNow();
    expect(taggedWith(refused)).toHaveLength(1);
    expect(await s.ctx.db.select().from(calendarOutbox).where(eq(calendarOutbox.itemId, refused))).toEqual(
      [],
    );
  });

  it("R-CAL-6, R-CAL-2: a moved occurrence of a series made in Concilia reaches Google as that instance moved", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Daily stand-up",
      startAt: "2026-12-21T08:00:00Z",
      endAt: "2026-12-21T08:15:00Z",
      recurrence: { freq: "daily", count: 5 },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    await syncNow();
    const gid = googleEventIdFor(id);
    expect(stored().find((e) => e.id === gid)?.recurrence).toEqual(["RRULE:FREQ=DAILY;COUNT=5"]);
    const moved = await api(s, ana, "PATCH", `/api/v1/events/${id}/occurrences/2026-12-22T08:00:00.000Z`, {
      startAt: "2026-12-22T10:00:00Z",
      title: "Stand-up, later",
    });
    expect(moved.statusCode).toBe(200);
    await syncNow();
    const instance = stored().find((e) => e.id === `${gid}_20261222T080000Z`);
    expect(instance).toMatchObject({ summary: "Stand-up, later" });
    expect(Date.parse((instance!.start as { dateTime: string }).dateTime)).toBe(
      Date.parse("2026-12-22T10:00:00Z"),
    );
    // Read back, it is what Concilia holds: nothing is imported over it or written again.
    const etag = instance!.etag;
    await syncNow();
    expect(stored().find((e) => e.id === `${gid}_20261222T080000Z`)!.etag).toBe(etag);
    const crm = (await api(s, ana, "GET", `/api/v1/events/${id}`)).json();
    expect(crm.exceptions).toEqual([
      expect.objectContaining({ originalStart: "2026-12-22T08:00:00.000Z", title: "Stand-up, later" }),
    ]);
  });

  it("R-CAL-6: a monthly series made in Concilia (the sidebars' 'every month') is one recurring event in Google on the start's day, its instances monthly", async () => {
    const id = await crmSeries("Monthly review", "2027-01-13", { freq: "monthly", count: 3 }, []);
    await syncNow();
    const [series] = taggedWith(id);
    expect(series?.recurrence).toEqual(["RRULE:FREQ=MONTHLY;BYMONTHDAY=13;COUNT=3"]);
    const calendar = google.calendars(ACCOUNT);
    const master = calendar.calendar(ACCOUNT)!.events.get(series!.id)!;
    expect(calendar.slots(master).map((x) => x.start.dateTime)).toEqual([
      "2027-01-13T09:00:00+01:00",
      "2027-02-13T09:00:00+01:00",
      "2027-03-13T09:00:00+01:00",
    ]);
    const etag = series!.etag;
    await syncNow();
    expect(taggedWith(id)[0]!.etag).toBe(etag);
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json().recurrence.rule).toBe(
      "FREQ=MONTHLY;BYMONTHDAY=13;COUNT=3",
    );
  });

  it("R-P-3: a change in Google to nothing Concilia syncs (a colour) moves the etag the link holds, so the next CRM edit is written at once, with no 412", async () => {
    const id = historical[6]!;
    const gid = googleEventIdFor(id);
    google.userEditEvent(ACCOUNT, gid, { colorId: "5" });
    await syncNow();
    expect((await linkOf(gid))?.etag).toBe(stored().find((e) => e.id === gid)!.etag);
    expect(
      (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "History 6, renamed" })).statusCode,
    ).toBe(200);
    const from = answered.length;
    await syncNow();
    expect(answered.slice(from).filter((a) => a.status === 412)).toEqual([]);
    expect(stored().find((e) => e.id === gid)).toMatchObject({ summary: "History 6, renamed", colorId: "5" });
  });

  it("R-CAL-9: deleting in Concilia removes the event from Google; deleting in Google marks the CRM event cancelled and keeps it", async () => {
    const [mine] = stored().filter((e) => e.summary === "Demo Iberia (final)");
    const id = (await crmEventOf(mine!.id)).id;
    const del = await api(s, ana, "DELETE", `/api/v1/events/${id}`);
    expect(del.body).toBe("");
    expect(del.statusCode).toBe(204);
    await syncNow();
    expect(taggedWith(id)[0]).toMatchObject({ status: "cancelled" });

    const other = historical[0]!;
    const gid = googleEventIdFor(other);
    google.userDeleteEvent(ACCOUNT, gid);
    await syncNow();
    const kept = await api(s, ana, "GET", `/api/v1/events/${other}`);
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ title: "History 0", status: "cancelled" });
    // And the cancellation is not pushed back as an edit.
    const etag = stored().find((e) => e.id === gid)!.etag;
    await syncNow();
    expect(stored().find((e) => e.id === gid)!.etag).toBe(etag);
  });

  it("R-CAL-3, R-CAL-8, R-CAL-4: an event made in Google is imported with Marta linked and her answer kept; one organised by someone else is read-only", async () => {
    const mineId = google.seedCalendarEvent(ACCOUNT, {
      summary: "Kick-off Iberia",
      start: { dateTime: "2026-12-03T10:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2026-12-03T11:00:00+01:00", timeZone: "Europe/Madrid" },
      attendees: [{ email: MARTA, displayName: "Marta Núñez", responseStatus: "tentative" }],
    }).id;
    const guestId = google.seedCalendarEvent(
      ACCOUNT,
      {
        summary: "Marta's review",
        start: { date: "2026-12-04" },
        end: { date: "2026-12-05" },
        attendees: [
          { email: ACCOUNT, responseStatus: "needsAction" },
          { email: MARTA, responseStatus: "accepted" },
        ],
      },
      { organizer: { name: "Marta Núñez", address: MARTA } },
    ).id;
    await syncNow();
    const e = await crmEventOf(mineId);
    expect(e).toMatchObject({
      title: "Kick-off Iberia",
      origin: "external",
      guest: false,
      startAt: "2026-12-03T09:00:00.000Z",
      timeZone: "Europe/Madrid",
    });
    const marta = e.attendees.find((a: { email: string }) => a.email === MARTA);
    expect(marta).toMatchObject({ responseStatus: "tentative", record: { type: "person" } });
    const guest = await crmEventOf(guestId);
    expect(guest).toMatchObject({ guest: true, readOnly: true, allDay: true });
    expect(guest.attendees.find((a: { email: string }) => a.email === ACCOUNT)).toMatchObject({
      responseStatus: "needsAction",
    });
    expect((await api(s, ana, "PATCH", `/api/v1/events/${guest.id}`, { title: "Mine now" })).statusCode).toBe(
      409,
    );
  });

  it("R-CAL-6: a series with a moved, a renamed and a cancelled instance is imported exactly", async () => {
    const series = google.seedCalendarEvent(ACCOUNT, {
      summary: "Weekly Iberia",
      start: { dateTime: "2026-12-01T10:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2026-12-01T10:30:00+01:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=5"],
    }).id;
    google.userEditEvent(ACCOUNT, `${series}_20261208T090000Z`, {
      start: { dateTime: "2026-12-08T16:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2026-12-08T16:30:00+01:00", timeZone: "Europe/Madrid" },
    });
    google.userEditEvent(ACCOUNT, `${series}_20261215T090000Z`, { summary: "Weekly Iberia (Q1 plan)" });
    google.userDeleteEvent(ACCOUNT, `${series}_20261222T090000Z`);
    await syncNow();
    const e = await crmEventOf(series);
    expect(e).toMatchObject({ title: "Weekly Iberia", timeZone: "Europe/Madrid" });
    expect(e.recurrence).toMatchObject({ rule: "FREQ=WEEKLY;COUNT=5" });
    expect(e.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2026-12-08T09:00:00.000Z",
        status: "confirmed",
        startAt: "2026-12-08T15:00:00.000Z",
        endAt: "2026-12-08T15:30:00.000Z",
        title: null,
      }),
      expect.objectContaining({
        originalStart: "2026-12-15T09:00:00.000Z",
        startAt: null,
        title: "Weekly Iberia (Q1 plan)",
      }),
      expect.objectContaining({ originalStart: "2026-12-22T09:00:00.000Z", status: "cancelled" }),
    ]);
    // One more instance cancelled later arrives through the sync token alone.
    google.userDeleteEvent(ACCOUNT, `${series}_20261229T090000Z`);
    await syncNow();
    const again = await crmEventOf(series);
    expect(again.exceptions.map((x: { status: string }) => x.status)).toEqual([
      "confirmed",
      "confirmed",
      "cancelled",
      "cancelled",
    ]);
  });

  it("R-CAL-9: an edit in Concilia to an event deleted meanwhile in Google does not bring it back; the CRM event is kept, cancelled, with the edit", async () => {
    const id = historical[1]!;
    const gid = googleEventIdFor(id);
    await whileNoStepRuns(s, connectionId, async () => {
      expect(
        (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "History 1, edited" })).statusCode,
      ).toBe(200);
      google.userDeleteEvent(ACCOUNT, gid);
    });
    await syncNow();
    await syncNow();
    expect(stored().find((e) => e.id === gid)).toMatchObject({ status: "cancelled", summary: "History 1" });
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json()).toMatchObject({
      title: "History 1, edited",
      status: "cancelled",
    });
  });

  it("R-CAL-6: a series shifted as a whole, its range changed, a single event made recurring and a series split keep their CRM events: no duplicate, same links", async () => {
    const weekly = google.seedCalendarEvent(ACCOUNT, {
      summary: "Sync-up",
      start: { dateTime: "2027-01-04T09:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2027-01-04T09:30:00+01:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=10"],
    }).id;
    const single = google.seedCalendarEvent(ACCOUNT, {
      summary: "Office hours",
      start: { dateTime: "2027-01-05T15:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2027-01-05T16:00:00Z", timeZone: "UTC" },
    }).id;
    await syncNow();
    const weeklyEvent = (await crmEventOf(weekly)).id;
    const singleEvent = (await crmEventOf(single)).id;
    const count = async () =>
      (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))).length;
    const links = await count();

    google.userEditEvent(ACCOUNT, weekly, {
      start: { dateTime: "2027-01-04T10:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2027-01-04T10:30:00+01:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=6"],
    });
    google.userEditEvent(ACCOUNT, single, { recurrence: ["RRULE:FREQ=DAILY;COUNT=3"] });
    await syncNow();
    expect(await crmEventOf(weekly)).toMatchObject({
      id: weeklyEvent,
      startAt: "2027-01-04T09:00:00.000Z",
      recurrence: expect.objectContaining({ rule: "FREQ=WEEKLY;COUNT=6" }),
    });
    expect(await crmEventOf(single)).toMatchObject({
      id: singleEvent,
      recurrence: expect.objectContaining({ rule: "FREQ=DAILY;COUNT=3" }),
    });
    expect(await count()).toBe(links);

    // "This and following" from the fourth week: the series ends, a new one starts (§3.5).
    google.userEditEvent(ACCOUNT, weekly, { recurrence: ["RRULE:FREQ=WEEKLY;UNTIL=20270118T225959Z"] });
    const following = google.seedCalendarEvent(ACCOUNT, {
      summary: "Sync-up (new time)",
      start: { dateTime: "2027-01-25T11:00:00+01:00", timeZone: "Europe/Madrid" },
      end: { dateTime: "2027-01-25T11:30:00+01:00", timeZone: "Europe/Madrid" },
      recurrence: ["RRULE:FREQ=WEEKLY;COUNT=3"],
    }).id;
    await syncNow();
    await syncNow();
    expect(await crmEventOf(weekly)).toMatchObject({
      id: weeklyEvent,
      recurrence: expect.objectContaining({ rule: "FREQ=WEEKLY;UNTIL=20270118T225959Z" }),
    });
    expect((await crmEventOf(following)).id).not.toBe(weeklyEvent);
    expect(await count()).toBe(links + 1);
  });

  it("R-P-2: a sync token Google no longer accepts (410) makes a full listing that leaves no duplicate", async () => {
    const before = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId));
    const listed = (await api(s, ana, "GET", "/api/v1/events?limit=200")).json();
    google.invalidateCursors(ACCOUNT);
    const from = answered.length;
    await syncNow();
    const lists = answered.slice(from).filter((a) => a.method === "GET" && /\/events\?/.test(a.url));
    // The token was refused, then the calendar listed in full (timeMin, no syncToken). A step the
    // channel notifications queued may run alongside: its answers are in the list too.
    const refused = lists.findIndex((a) => a.status === 410 && a.url.includes("syncToken="));
    expect(refused).toBeGreaterThanOrEqual(0);
    expect(lists.slice(refused + 1)).toContainEqual(
      expect.objectContaining({ status: 200, url: expect.stringContaining("timeMin=") }),
    );
    const after = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId));
    expect(after.map((l) => l.providerId).sort()).toEqual(before.map((l) => l.providerId).sort());
    expect((await api(s, ana, "GET", "/api/v1/events?limit=200")).json().items.length).toBe(
      listed.items.length,
    );
  });

  it("R-P-3: an insert whose answer is lost, and throttling with 403 and 429, still leave exactly one event", async () => {
    google.faults.set(ACCOUNT, { loseResponse: { endpoints: ["calendar.events.insert"], times: 1 } });
    const id = await crmEvent("Pricing call", "2026-12-10");
    await syncNow();
    expect(taggedWith(id)).toHaveLength(1);
    expect(await linkOf(googleEventIdFor(id))).toMatchObject({ eventId: id });
    google.faults.set(ACCOUNT, {
      throttle: {
        status: 403,
        code: "rateLimitExceeded",
        retryAfter: 0,
        endpoints: ["calendar.*"],
        times: 2,
      },
    });
    const second = await crmEvent("Pricing call II", "2026-12-11");
    await syncNow();
    google.faults.set(ACCOUNT, {
      throttle: { status: 429, retryAfter: 0, endpoints: ["calendar.*"], times: 2 },
    });
    await syncNow();
    google.faults.clear(ACCOUNT);
    expect(taggedWith(second)).toHaveLength(1);
    // Each new event made after connecting invited Marta once, and nothing else did.
    expect(invitations().map((i) => i.kind)).toEqual(["invitation", "invitation", "invitation"]);
  });

  it("R-P-2: a change in Google syncs on its watch notification; duplicated and reordered notifications are harmless and a forged one is refused", {
    timeout: 60_000,
  }, async () => {
    const channels = [...google.channels.all.values()].filter((c) => c.account === ACCOUNT);
    expect(channels.map((c) => c.calendarId)).toEqual([ACCOUNT]);
    google.faults.set(ACCOUNT, { notifications: { duplicate: 6, reorder: true } });
    const delivered = google.outbox.log.length;
    const seed = (summary: string, day: string) =>
      google.seedCalendarEvent(ACCOUNT, {
        summary,
        start: { dateTime: `2026-12-${day}T10:00:00Z`, timeZone: "UTC" },
        end: { dateTime: `2026-12-${day}T11:00:00Z`, timeZone: "UTC" },
      }).id;
    const ids = [seed("Pushed meeting", "14"), seed("Pushed meeting II", "15")];
    await google.outbox.flush();
    const notices = google.outbox.log.slice(delivered).filter((d) => d.url.endsWith("/push/google/calendar"));
    // Each change's notification came twice, in reverse order, and each was accepted.
    expect(notices.length).toBe(4);
    expect(notices.map((d) => Number(d.headers["x-goog-message-number"]))).not.toEqual(
      notices.map((d) => Number(d.headers["x-goog-message-number"])).sort((a, b) => a - b),
    );
    expect(new Set(notices.map((d) => d.status))).toEqual(new Set([204]));
    for (const id of ids) {
      await eventually(async () => expect((await linkOf(id))?.eventId).toMatch(/^\S+$/));
      const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, id));
      expect(links).toHaveLength(1);
    }
    google.faults.clear(ACCOUNT);
    const forged = await s.app.inject({
      method: "POST",
      url: "/push/google/calendar",
      headers: {
        "x-goog-channel-id": channels[0]!.id,
        "x-goog-channel-token": "not-the-token",
        "x-goog-resource-state": "exists",
      },
    });
    expect(forged.statusCode).toBe(403);
  });

  it("R-CAL-3, R-P-3: one meeting in two of the user's Google accounts (one iCalUID, two event ids) is one CRM event with two links; syncing again makes nothing new", async () => {
    const WORK = "ana.work@gmail.test";
    google.addAccount(WORK, "Ana (work)");
    const workId = await connectCalendar(ana.id, WORK);
    const meeting = {
      iCalUID: "board-7@acme-iberia.example",
      summary: "Board meeting",
      start: { dateTime: "2026-12-16T10:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2026-12-16T12:00:00Z", timeZone: "UTC" },
    };
    const organizer = { organizer: { name: "Marta Núñez", address: MARTA } };
    const inPersonal = google.seedCalendarEvent(
      ACCOUNT,
      { ...meeting, attendees: [{ email: ACCOUNT, responseStatus: "accepted" }] },
      organizer,
    ).id;
    const inWork = google.seedCalendarEvent(
      WORK,
      { ...meeting, attendees: [{ email: WORK, responseStatus: "tentative" }] },
      organizer,
    ).id;
    expect(inWork).not.toBe(inPersonal);
    for (let i = 0; i < 3; i++) {
      await syncNow();
      await syncNow(workId);
    }
    const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.icalUid, meeting.iCalUID));
    expect(links.map((l) => l.providerId).sort()).toEqual([inPersonal, inWork].sort());
    expect(new Set(links.map((l) => l.eventId)).size).toBe(1);
    const all = (await api(s, ana, "GET", "/api/v1/events?limit=200")).json().items;
    expect(all.filter((e: { title: string }) => e.title === "Board meeting")).toHaveLength(1);
    // The history pushed to the new account invited no one there either.
    expect(google.sentInvitations(WORK)).toEqual([]);
  });

  it("R-CAL-3, R-CAL-4, R-P-3: the same meeting in another CRM user's Google calendar joins the one CRM event, listed read-only for her; her copy never edits it, syncing again makes nothing new, and her deleting her copy cancels nothing", async () => {
    const BEA = "bea.lopez@gmail.test";
    const bea = await s.user(`bea-${engine}@acme.test`, { name: "Bea" });
    google.addAccount(BEA, "Bea López");
    const beaId = await connectCalendar(bea.id, BEA);
    const uid = "board-7@acme-iberia.example";
    const [anaLink] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.icalUid, uid));
    const copy = google.seedCalendarEvent(
      BEA,
      {
        iCalUID: uid,
        summary: "Board meeting",
        start: { dateTime: "2026-12-16T10:00:00Z", timeZone: "UTC" },
        end: { dateTime: "2026-12-16T12:00:00Z", timeZone: "UTC" },
        attendees: [{ email: BEA, responseStatus: "accepted" }],
      },
      { organizer: { name: "Marta Núñez", address: MARTA } },
    ).id;
    for (let i = 0; i < 3; i++) {
      await syncNow(beaId);
      await syncNow();
    }
    const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.icalUid, uid));
    expect(links).toHaveLength(3);
    expect(new Set(links.map((l) => l.eventId))).toEqual(new Set([anaLink!.eventId]));
    expect(links.find((l) => l.connectionId === beaId)?.providerId).toBe(copy);
    const rows = await s.ctx.db.select().from(events).where(eq(events.title, "Board meeting"));
    expect(rows.map((r) => r.ownerId)).toEqual([ana.id]);
    // Bea sees the meeting, read-only; Ana's copy is the one that drives it.
    const eventId = anaLink!.eventId!;
    const beaView = await api(s, bea, "GET", `/api/v1/events/${eventId}`);
    expect(beaView.statusCode).toBe(200);
    expect(beaView.json()).toMatchObject({ title: "Board meeting", readOnly: true });
    const listed = await api(
      s,
      bea,
      "GET",
      "/api/v1/events?from=2026-12-16T00:00:00Z&to=2026-12-17T00:00:00Z",
    );
    expect(listed.json().items.map((e: { id: string }) => e.id)).toContain(eventId);
    expect((await api(s, bea, "PATCH", `/api/v1/events/${eventId}`, { title: "Mine" })).statusCode).toBe(409);
    google.userEditEvent(BEA, copy, { summary: "Bea's own title" });
    await syncNow(beaId);
    expect((await api(s, ana, "GET", `/api/v1/events/${eventId}`)).json().title).toBe("Board meeting");
    google.userDeleteEvent(BEA, copy);
    await syncNow(beaId);
    expect((await api(s, ana, "GET", `/api/v1/events/${eventId}`)).json().status).toBe("confirmed");
    expect((await api(s, bea, "GET", `/api/v1/events/${eventId}`)).statusCode).toBe(404);
  });

  it("R-P-2: a channel close to its end is replaced by a new one and the old one stopped", async () => {
    const [old] = [...google.channels.all.values()].filter((c) => c.account === ACCOUNT);
    const key = `push:calendar:${ACCOUNT}`;
    const [row] = await s.ctx.db
      .select()
      .from(syncCursors)
      .where(and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, key)));
    expect(row?.cursor).toMatchObject({ id: old!.id, calendarId: ACCOUNT });
    // Twelve hours left: due for renewal.
    await s.ctx.db
      .update(syncCursors)
      .set({ cursor: { ...(row!.cursor as object), expiration: Date.now() + 12 * 3_600_000 } })
      .where(and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, key)));
    await syncNow();
    const live = [...google.channels.all.values()].filter((c) => c.account === ACCOUNT);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(old!.id);
    expect(live[0]!.expiration - Date.now()).toBeGreaterThan(6 * 86_400_000);
  });

  it("R-CON-9: a calendar selected later is synced too, with its own channel, and nothing of Concilia's is written there; deselected, its channel stops", async () => {
    const [c] = await s.ctx.db.select().from(connections).where(eq(connections.id, connectionId));
    const holidays = c!.calendars.find((k) => k.name === "Holidays")!.id;
    const select = (ids: string[]) =>
      api(s, ana, "PATCH", `/api/v1/connections/${connectionId}`, { selectedCalendarIds: ids });
    expect((await select([ACCOUNT, holidays])).statusCode).toBe(200);
    const fair = google.seedCalendarEvent(
      ACCOUNT,
      { summary: "Trade fair", start: { date: "2027-02-01" }, end: { date: "2027-02-04" } },
      { calendarId: holidays },
    ).id;
    await syncNow();
    expect(await crmEventOf(fair)).toMatchObject({
      title: "Trade fair",
      allDay: true,
      startDate: "2027-02-01",
      endDate: "2027-02-04",
    });
    const calendarsWatched = () =>
      [...google.channels.all.values()]
        .filter((k) => k.account === ACCOUNT)
        .map((k) => k.calendarId)
        .sort();
    expect(calendarsWatched()).toEqual([ACCOUNT, holidays].sort());
    const inHolidays = google.calendarSnapshot(ACCOUNT).filter((e) => e.calendarId === holidays);
    expect(inHolidays.map((e) => e.id)).toEqual([fair]);
    expect((await select([ACCOUNT])).statusCode).toBe(200);
    await syncNow();
    expect(calendarsWatched()).toEqual([ACCOUNT]);
  });

  it("R-CAL-6, R-P-2: series new in Google are read through Calendar's batch endpoint, not two requests each, with their exceptions", async () => {
    const made = Array.from({ length: 6 }, (_, i) =>
      google.seedCalendarEvent(ACCOUNT, {
        summary: `Weekly ${i}`,
        start: { dateTime: `2026-12-0${i + 1}T08:00:00Z`, timeZone: "UTC" },
        end: { dateTime: `2026-12-0${i + 1}T09:00:00Z`, timeZone: "UTC" },
        recurrence: ["RRULE:FREQ=WEEKLY;COUNT=4"],
      }),
    );
    // The second occurrence of each moved by two hours.
    const second = (i: number) => `2026-12-${String(i + 8).padStart(2, "0")}`;
    for (const [i, e] of made.entries())
      google.userEditEvent(ACCOUNT, `${e.id}_${second(i).replaceAll("-", "")}T080000Z`, {
        start: { dateTime: `${second(i)}T10:00:00Z`, timeZone: "UTC" },
        end: { dateTime: `${second(i)}T11:00:00Z`, timeZone: "UTC" },
      });
    google.counter.reset();
    await syncNow();
    for (const e of made) {
      const crm = await crmEventOf(e.id);
      expect(crm.recurrence).toMatchObject({ rule: "FREQ=WEEKLY;COUNT=4" });
      expect(crm.exceptions).toHaveLength(1);
    }
    expect(callsOf("calendar.batch")).toBeGreaterThan(0);
    // Before: an events.get and an events.instances request for each of the six series.
    expect(google.counter.requests(ACCOUNT).length).toBeLessThan(2 * made.length);
  });

  it("R-P-2: 120 events new in Google are read in one events.list request (Google's page of 2,500, not the engine's batch of 50), each stored once", async () => {
    // The count is of the steps run here: a step of this connection queued by an earlier test's push
    // may run just before or after them (never during: a step holds the connection's lease), and the
    // 120 insertions' own pushes are dropped so they queue none.
    await syncNow();
    google.faults.set(ACCOUNT, { notifications: { drop: Number.POSITIVE_INFINITY } });
    onTestFinished(() => google.faults.clear(ACCOUNT));
    const made = Array.from(
      { length: 120 },
      (_, i) =>
        google.seedCalendarEvent(ACCOUNT, {
          summary: `Site visit ${i}`,
          start: { dateTime: `2027-03-01T${String(8 + (i % 10)).padStart(2, "0")}:00:00Z`, timeZone: "UTC" },
          end: { dateTime: `2027-03-01T${String(9 + (i % 10)).padStart(2, "0")}:00:00Z`, timeZone: "UTC" },
        }).id,
    );
    const ours = await stepsUntilRest(s, connectionId);
    const listings = google.counter
      .requests(ACCOUNT)
      .filter((r) => r.endpoint === "calendar.events.list" && ours.some(([a, b]) => r.at >= a && r.at <= b));
    expect(listings).toHaveLength(1);
    const linked = await linksOf(s, connectionId, made);
    expect(linked.map((l) => l.providerId).sort()).toEqual([...made].sort());
    expect(new Set(linked.map((l) => l.eventId)).size).toBe(made.length);
    const cursor = await readCursor(s.ctx.db, connectionId, `calendar:${ACCOUNT}`);
    expect(cursor).toMatchObject({ phase: "sync" });
    expect(cursor).not.toHaveProperty("skip");
  });

  it("R-P-2: a batch that ends inside Google's page commits where it ended; a worker no longer holding the page lists it again and goes on from there, every event once", async () => {
    const board = google.addCalendar(ACCOUNT, { name: "Board" }).id;
    const made = Array.from(
      { length: 7 },
      (_, i) =>
        google.seedCalendarEvent(
          ACCOUNT,
          {
            summary: `Board ${i}`,
            start: { date: `2027-04-0${i + 1}` },
            end: { date: `2027-04-0${i + 2}` },
          },
          { calendarId: board },
        ).id,
    );
    const client = new GoogleCalendarClient({
      baseUrl: "https://www.googleapis.com",
      accessToken: async () => google.issueTokens(ACCOUNT, CALENDAR_SCOPE).accessToken,
    });
    const since = new Date("2026-01-01T00:00:00Z");
    const holder = `resume-${engine}`;
    google.counter.reset();
    const first = await listGoogleCalendarChanges(client, holder, board, null, 3, since);
    expect(first).toMatchObject({ more: true, cursor: { phase: "full", skip: 3 } });
    const second = await listGoogleCalendarChanges(client, holder, board, first.cursor as never, 3, since);
    expect(callsOf("calendar.events.list")).toBe(1);
    forgetKeptPages();
    const third = await listGoogleCalendarChanges(client, holder, board, second.cursor as never, 3, since);
    expect(callsOf("calendar.events.list")).toBe(2);
    expect(third).toMatchObject({ more: false, cursor: { phase: "sync" } });
    const keys = [first, second, third].flatMap((p) => p.items.map((i) => i.key));
    expect(keys.sort()).toEqual([...made].sort());
    // Incremental pages too; the cursor as a jsonb column may give it back, its fields in another order.
    for (const id of made.slice(0, 4)) google.userEditEvent(ACCOUNT, id, { summary: "Board, moved" }, board);
    const edited = await listGoogleCalendarChanges(client, holder, board, third.cursor as never, 2, since);
    expect(edited).toMatchObject({ more: true, cursor: { phase: "sync", skip: 2 } });
    const reordered = Object.fromEntries(Object.entries(edited.cursor as object).reverse());
    const rest = await listGoogleCalendarChanges(client, holder, board, reordered as never, 2, since);
    expect(callsOf("calendar.events.list")).toBe(3);
    expect([...edited.items, ...rest.items].map((i) => i.key).sort()).toEqual(made.slice(0, 4).sort());
    expect(rest.more).toBe(false);
    // A page listed again with other contents (an event edited meanwhile) is given again whole.
    for (const id of made.slice(0, 4)) google.userEditEvent(ACCOUNT, id, { summary: "Board, again" }, board);
    const again = await listGoogleCalendarChanges(client, holder, board, rest.cursor as never, 2, since);
    forgetKeptPages();
    google.userEditEvent(ACCOUNT, made[0]!, { summary: "Board, once more" }, board);
    const relisted = await listGoogleCalendarChanges(client, holder, board, again.cursor as never, 2, since);
    const tail = await listGoogleCalendarChanges(client, holder, board, relisted.cursor as never, 10, since);
    expect([...relisted.items, ...tail.items].map((i) => i.key).sort()).toEqual(made.slice(0, 4).sort());
  });

  it("R-P-2: two workers taking turns on an events page go on from each other's cursor: a page kept from before another worker listed it again is listed anew, not started over", async () => {
    const turns = google.addCalendar(ACCOUNT, { name: "Turns" }).id;
    const made = Array.from(
      { length: 6 },
      (_, i) =>
        google.seedCalendarEvent(
          ACCOUNT,
          { summary: `Turn ${i}`, start: { date: `2027-05-0${i + 1}` }, end: { date: `2027-05-0${i + 2}` } },
          { calendarId: turns },
        ).id,
    );
    const client = new GoogleCalendarClient({
      baseUrl: "https://www.googleapis.com",
      accessToken: async () => google.issueTokens(ACCOUNT, CALENDAR_SCOPE).accessToken,
    });
    const since = new Date("2026-01-01T00:00:00Z");
    type Lister = typeof listGoogleCalendarChanges;
    const on = (list: Lister) => (cursor: unknown) =>
      list(client, `turns-${engine}`, turns, cursor as never, 2, since);
    // A second worker: the same code with a memory of its own.
    vi.resetModules();
    const other = (await import("../../server/providers/google/calendar-changes.js"))
      .listGoogleCalendarChanges;
    const [a, b] = [on(listGoogleCalendarChanges), on(other)];
    const first = await a(null);
    // A change makes the page listed again differ from the one worker A keeps.
    google.userEditEvent(ACCOUNT, made[0]!, { summary: "Turn 0, renamed" }, turns);
    const second = await b(first.cursor);
    const third = await a(second.cursor);
    const fourth = await b(third.cursor);
    const given = [first, second, third, fourth].map((p) => p.items.map((i) => i.key));
    // B started the page over (it differs from what A gave from); after that each goes on from the
    // other: every event once.
    expect(given.slice(1).flat().sort()).toEqual([...made].sort());
    expect(fourth).toMatchObject({ more: false, cursor: { phase: "sync" } });
  });

  it("R-CON-9: an idle poll reads no calendar list; a calendar added in Google is listed once the last reading is older than the interval", async () => {
    await syncNow();
    google.counter.reset();
    await syncNow();
    expect(callsOf("calendar.calendarList.list")).toBe(0);
    expect(callsOf("calendar.events.list")).toBe(1);
    google.addCalendar(ACCOUNT, { name: "Offsite" });
    await syncNow();
    expect(await listedCalendarNames(s, connectionId)).not.toContain("Offsite");
    await ageCalendarListReading(s, connectionId);
    google.counter.reset();
    await syncNow();
    expect(callsOf("calendar.calendarList.list")).toBe(1);
    expect(await listedCalendarNames(s, connectionId)).toContain("Offsite");
  });

  it("R-CON-10: stopping the connection stops its watch channels", async () => {
    const res = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(res.statusCode).toBe(200);
    expect([...google.channels.all.values()].filter((c) => c.account === ACCOUNT)).toEqual([]);
  });
});
