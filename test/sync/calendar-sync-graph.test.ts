// Two-way Outlook calendar sync end to end: a Microsoft connection made through the real OAuth flow
// against the Microsoft emulator (syncs "calendar"), the worker's steps through the Graph provider
// (calendarView delta, reads, writes, subscriptions), and what the user then sees in the CRM's events
// API and what Outlook holds (the emulator's ground truth, with every mail Exchange would send).
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { GraphEvent } from "../../emulators/microsoft/calendar-store.js";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { localTime, zonedInstant } from "../../emulators/shared/zones.js";
import { connections, eventLinks, events, graphSubscriptions } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import {
  type GraphCalendarBatch,
  type GraphCalendarPosition,
  listGraphCalendarBatch,
} from "../../server/providers/graph/calendar-changes.js";
import { fetchGraphEvents } from "../../server/providers/graph/calendar-fetch.js";
import { CONCILIA_ATTENDEES, CONCILIA_ID } from "../../server/providers/graph/calendar-tag.js";
import { GraphClient } from "../../server/providers/graph/client.js";
import { forgetKeptPages } from "../../server/providers/kept-pages.js";
import { writeCrmState } from "../../server/sync/calendar/crm-event.js";
import { readCursor } from "../../server/sync/cursors.js";
import { connectionOwner } from "../../server/sync/mail-writer.js";
import { engines, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import { ageCalendarListReading, listedCalendarNames, listedCalendars } from "./calendar-list-e2e.js";
import { createCrmEvent, createCrmSeries, linksOf } from "./crm-events-e2e.js";
import { api, eventually, MARTA, signInThroughPopup, syncUntilRest, userWithMarta } from "./mail-e2e.js";
import { startOutlookCalendarServer } from "./outlook-calendar-e2e.js";

const ACCOUNT = "ana@contoso.test";
const HISTORY = 30;
const at = (dateTime: string, timeZone = "UTC") => ({ dateTime, timeZone });
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

describe.each(engines)("Microsoft 365 calendar sync end to end on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string; email: string };
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);
  const mail = () => outlook().sentMail;
  const titled = (subject: string) =>
    [...outlook().events.values()].filter((e) => e.fields.subject === subject);
  const only = (subject: string): GraphEvent => {
    const found = titled(subject);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  const syncNow = () => syncUntilRest(s, connectionId, { attempts: 200, waitMs: 50 });
  // Ana's own calls, batch parts included: the file's other connections may run steps of their own
  // (queued by a CRM edit or a push) inside a measured window.
  const callsOf = (endpoint: string) => microsoft.counter.endpointsOf(ACCOUNT)[endpoint] ?? 0;
  async function linkOf(providerId: string) {
    const [link] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, providerId));
    expect(link?.eventId).toMatch(/^\S+$/);
    return link!;
  }
  async function crmEvent(id: string) {
    const res = await api(s, ana, "GET", `/api/v1/events/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const crmEventOf = async (providerId: string) => crmEvent((await linkOf(providerId)).eventId!);
  const newCrmEvent = (title: string, day: string, attendees?: { email: string }[]) =>
    createCrmEvent(s, ana, title, day, attendees);
  /** A series made through the events API, at 09:00 on Madrid's clock. */
  const newCrmSeries = (title: string, day: string, recurrence: object, attendees?: { email: string }[]) =>
    createCrmSeries(s, ana, title, day, recurrence, { endsAt: "09:30", attendees });
  let historySeries: string;
  /** This account's own whole requests to `endpoint` (a $batch's parts not counted) since the last reset. */
  const requestsOf = (endpoint: string, account = ACCOUNT) =>
    microsoft.counter.requests(account).filter((r) => r.endpoint === endpoint).length;
  /** Steps queued by earlier notifications are done: from here only this test starts one. */
  const noStepQueued = () =>
    eventually(async () => {
      const { rows } = await s.ctx.database.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = 'sync.step' and state in ('created', 'retry', 'active')",
      );
      expect(rows[0].n).toBe(0);
    }, 60_000);
  const weekly = (subject: string, day: string, count = 3) => ({
    subject,
    start: at(`${day}T15:00:00`),
    end: at(`${day}T16:00:00`),
    recurrence: {
      pattern: { type: "weekly", interval: 1, daysOfWeek: [DAYS[new Date(day).getUTCDay()]!] },
      range: { type: "numbered", startDate: day, numberOfOccurrences: count },
    },
  });
  const crmEventCount = async () =>
    (await s.ctx.db.select({ id: events.id }).from(events).where(eq(events.ownerId, ana.id))).length;

  beforeAll(async () => {
    s = await startOutlookCalendarServer(engine, {
      CONCILIA_PUBLIC_URL: "https://concilia.test",
      CONCILIA_SYNC_BATCH_SIZE: "7",
    });
    microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
    microsoft.addAccount(ACCOUNT, "Ana Ruiz");
    msw.use(...microsoft.handlers());
    msw.listen({ onUnhandledRequest: "bypass" });
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CAL-7, R-CON-9: the first sync of many historical CRM events puts them in the primary calendar and sends zero invitations", async () => {
    for (let i = 0; i < HISTORY; i++)
      await newCrmEvent(`Visita ${i}`, `2026-11-${String((i % 28) + 1).padStart(2, "0")}`);
    historySeries = await newCrmSeries("Weekly pipeline", "2026-11-02", {
      freq: "weekly",
      byDay: ["MO", "TH"],
      count: 6,
    });
    // What the popup does: start, consent at the emulator, open Concilia's callback page.
    await signInThroughPopup(s, ana, { provider: "microsoft", syncs: "calendar" });
    const [c] = (await api(s, ana, "GET", "/api/v1/connections")).json().items;
    connectionId = c.id;
    await syncNow();

    const listed = (await api(s, ana, "GET", "/api/v1/connections")).json().items[0].calendars;
    expect(listed.map((k: { name: string; selected: boolean }) => [k.name, k.selected])).toEqual([
      ["Calendar", true],
      ["Team (shared)", false],
    ]);
    const written = [...outlook().events.values()];
    expect(written).toHaveLength(HISTORY + 1);
    expect(written.every((e) => e.calendarId === outlook().defaultCalendar.id)).toBe(true);
    expect(mail()).toEqual([]);
    // Attendees are not Outlook attendees (they would be invited); they ride along in our property.
    const visit = only("Visita 3");
    expect(visit.fields.attendees ?? []).toEqual([]);
    expect(visit.extended.get(CONCILIA_ATTENDEES.toLowerCase())?.value).toContain(MARTA);
    const e = await crmEventOf(visit.id);
    expect(e.attendees.map((a: { email: string }) => a.email)).toEqual([MARTA]);
    expect(visit.extended.get(CONCILIA_ID.toLowerCase())?.value).toBe(e.id);
  });

  it("R-CAL-6, R-CAL-7: a series made in Concilia before connecting appears in Outlook as one series master with its patternedRecurrence on Madrid's clock, inviting no one", async () => {
    const series = only("Weekly pipeline");
    expect(series.recurrence).toMatchObject({
      pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "thursday"] },
      range: { type: "numbered", startDate: "2026-11-02", numberOfOccurrences: 6 },
    });
    expect(series.startZone).toBe("Europe/Madrid");
    expect(
      outlook()
        .slots(series)
        .map((t) => localTime(t, "Europe/Madrid")),
    ).toEqual([
      "2026-11-02T09:00:00",
      "2026-11-05T09:00:00",
      "2026-11-09T09:00:00",
      "2026-11-12T09:00:00",
      "2026-11-16T09:00:00",
      "2026-11-19T09:00:00",
    ]);
    expect(series.fields.attendees ?? []).toEqual([]);
    expect(mail().filter((m) => m.eventId.startsWith(series.id))).toEqual([]);
    expect((await linkOf(series.id)).eventId).toBe(historySeries);
    expect((await crmEvent(historySeries)).recurrence.rule).toBe("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6");
  });

  it("R-CAL-1, R-CAL-7, R-P-3: an event made in Concilia after connecting appears in Outlook once, its attendee invited once; later syncs write nothing (no echo)", async () => {
    const id = await newCrmEvent("Demo Iberia", "2026-12-09");
    await syncNow();
    const demo = only("Demo Iberia");
    expect(demo.fields.attendees).toEqual([
      expect.objectContaining({ emailAddress: expect.objectContaining({ address: MARTA }) }),
    ]);
    expect(demo.extended.get(CONCILIA_ID.toLowerCase())?.value).toBe(id);
    expect(mail().map((m) => [m.kind, m.to, m.subject])).toEqual([["invitation", MARTA, "Demo Iberia"]]);
    const before = microsoft.calendarSnapshot(ACCOUNT);
    const writes = () => callsOf("graph.events.update");
    const patches = writes();
    await syncNow();
    await syncNow();
    expect(microsoft.calendarSnapshot(ACCOUNT)).toEqual(before);
    expect(writes()).toBe(patches);
    expect(mail()).toHaveLength(1);
    expect(await crmEventOf(demo.id)).toMatchObject({ id, title: "Demo Iberia", origin: "crm" });
    // R-CAL-3: the link holds the iCalUID Outlook gave the event, which other users' copies carry.
    expect((await linkOf(demo.id)).icalUid).toBe(demo.iCalUId);
  });

  it("R-CAL-2, R-CAL-7: an edit in Concilia reaches Outlook; Exchange's update mail goes to the meeting's attendee (Graph cannot suppress it), none for history", async () => {
    const demo = only("Demo Iberia");
    const id = (await linkOf(demo.id)).eventId!;
    const sent = mail().length;
    // Counted from before the edits: an edit queues its sync step at once, which may write before syncNow.
    const before = { reads: callsOf("graph.events.get"), writes: callsOf("graph.events.update") };
    expect(
      (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "Demo Iberia, second round" })).statusCode,
    ).toBe(200);
    const visit = only("Visita 5");
    const visitId = (await linkOf(visit.id)).eventId!;
    expect(
      (await api(s, ana, "PATCH", `/api/v1/events/${visitId}`, { title: "Visita 5 (done)" })).statusCode,
    ).toBe(200);
    await syncNow();
    expect(outlook().events.get(demo.id)?.fields.subject).toBe("Demo Iberia, second round");
    expect(outlook().events.get(visit.id)?.fields.subject).toBe("Visita 5 (done)");
    // R-P-3: one PATCH each with the link's If-Match, no read of the event before it or after (its echo).
    expect({ reads: callsOf("graph.events.get"), writes: callsOf("graph.events.update") }).toEqual({
      reads: before.reads,
      writes: before.writes + 2,
    });
    // The documented behaviour: one update to the meeting's attendee; nothing for the history event.
    expect(
      mail()
        .slice(sent)
        .map((m) => [m.kind, m.to]),
    ).toEqual([["update", MARTA]]);
  });

  it("R-CAL-2, R-CAL-4: an edit in Outlook reaches Concilia and is not written back; the meeting stays Ana's to edit", async () => {
    const visit = only("Visita 6");
    outlook().userEdit(visit.id, {
      subject: "Visita 6 (moved)",
      start: at("2026-11-07T15:00:00"),
      end: at("2026-11-07T16:00:00"),
    });
    const changeKey = outlook().events.get(visit.id)!.changeKey;
    await syncNow();
    expect(await crmEventOf(visit.id)).toMatchObject({
      title: "Visita 6 (moved)",
      startAt: "2026-11-07T15:00:00.000Z",
      attendees: [expect.objectContaining({ email: MARTA })],
      // Outlook names its organizer by the mailbox's address: still Ana's own meeting, hers to edit.
      organizerEmail: ana.email,
      readOnly: false,
    });
    await syncNow();
    expect(outlook().events.get(visit.id)!.changeKey).toBe(changeKey);
  });

  it("R-CAL-2, R-P-3: edits on both sides since the last sync both survive a stale If-Match (412) and converge within two steps; the next step writes nothing", async () => {
    const visit = only("Visita 7");
    const id = (await linkOf(visit.id)).eventId!;
    expect(
      (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "Visita 7 (agenda)" })).statusCode,
    ).toBe(200);
    outlook().userEdit(visit.id, { location: { displayName: "Sala Norte" } });
    await syncNow();
    await syncNow();
    const e = outlook().events.get(visit.id)!;
    expect(e.fields).toMatchObject({ subject: "Visita 7 (agenda)", location: { displayName: "Sala Norte" } });
    expect(await crmEvent(id)).toMatchObject({ title: "Visita 7 (agenda)", location: "Sala Norte" });
    const writes = () => callsOf("graph.events.update");
    const before = { writes: writes(), changeKey: outlook().events.get(visit.id)!.changeKey };
    await syncNow();
    expect({ writes: writes(), changeKey: outlook().events.get(visit.id)!.changeKey }).toEqual(before);
  });

  it("R-P-3: Exchange's occasional 412 on an unchanged event is met with a fresh read, and the edit goes through", async () => {
    const visit = only("Visita 11");
    const id = (await linkOf(visit.id)).eventId!;
    // Set before the edit: the edit queues its sync step at once, which may write before syncNow runs.
    outlook().quirks.spuriousConflicts = 1;
    expect((await api(s, ana, "PATCH", `/api/v1/events/${id}`, { location: "Sala Sur" })).statusCode).toBe(
      200,
    );
    await syncNow();
    expect(outlook().quirks.spuriousConflicts).toBe(0);
    expect(outlook().events.get(visit.id)?.fields.location).toMatchObject({ displayName: "Sala Sur" });
  });

  it("R-CAL-2, R-CAL-9: an event moved in Outlook beyond the sync window (a delta removal) is moved in Concilia, not cancelled", async () => {
    const visit = only("Visita 12");
    outlook().userEdit(visit.id, { start: at("2030-01-08T09:00:00"), end: at("2030-01-08T10:00:00") });
    await syncNow();
    expect(await crmEventOf(visit.id)).toMatchObject({
      status: "confirmed",
      startAt: "2030-01-08T09:00:00.000Z",
    });
  });

  it("R-CAL-9: deleting an event in Concilia removes it from Outlook", async () => {
    const visit = only("Visita 8");
    const id = (await linkOf(visit.id)).eventId!;
    expect((await api(s, ana, "DELETE", `/api/v1/events/${id}`)).statusCode).toBeLessThan(300);
    await syncNow();
    expect(outlook().events.has(visit.id)).toBe(false);
    await syncNow();
    expect(titled("Visita 8")).toEqual([]);
  });

  it("R-CAL-9: deleting an event in Outlook marks the CRM event cancelled and keeps it", async () => {
    const visit = only("Visita 9");
    const id = (await linkOf(visit.id)).eventId!;
    outlook().userDelete(visit.id);
    await syncNow();
    expect(await crmEvent(id)).toMatchObject({ title: "Visita 9", status: "cancelled" });
    await syncNow();
    expect(titled("Visita 9")).toEqual([]);
  });

  it("R-CAL-6, R-CAL-3, R-CAL-9: a series with a moved, a changed and a cancelled occurrence is imported exactly; a later cancellation too; deleting the series cancels it", async () => {
    const series = outlook().seedEvent({
      subject: "Weekly Iberia",
      start: at("2026-12-01T09:00:00", "Romance Standard Time"),
      end: at("2026-12-01T09:30:00", "Romance Standard Time"),
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["tuesday"], firstDayOfWeek: "sunday" },
        range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 5 },
      },
      attendees: [{ emailAddress: { address: MARTA, name: "Marta Núñez" } }],
    });
    const slot = (day: string) =>
      outlook()
        .views(series)
        .find((v) => new Date(v.originalStart!).toISOString().startsWith(day))!.id;
    outlook().userDelete(slot("2026-12-08"));
    outlook().userEdit(slot("2026-12-15"), {
      start: at("2026-12-16T14:00:00", "Romance Standard Time"),
      end: at("2026-12-16T15:00:00", "Romance Standard Time"),
    });
    outlook().userEdit(slot("2026-12-22"), { subject: "Weekly Iberia (budget)" });
    await syncNow();
    const e = await crmEventOf(series.id);
    expect(e).toMatchObject({
      title: "Weekly Iberia",
      startAt: "2026-12-01T08:00:00.000Z",
      timeZone: "Europe/Paris",
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=TU;COUNT=5" },
    });
    const exceptions = () =>
      crmEventOf(series.id).then((x) =>
        x.exceptions.map((y: Record<string, unknown>) => [y.originalStart, y.status, y.startAt, y.title]),
      );
    expect(await exceptions()).toEqual([
      ["2026-12-08T08:00:00.000Z", "cancelled", null, null],
      ["2026-12-15T08:00:00.000Z", "confirmed", "2026-12-16T13:00:00.000Z", null],
      ["2026-12-22T08:00:00.000Z", "confirmed", null, "Weekly Iberia (budget)"],
    ]);
    outlook().userDelete(slot("2026-12-29"));
    await syncNow();
    expect((await exceptions()).at(-1)).toEqual(["2026-12-29T08:00:00.000Z", "cancelled", null, null]);
    expect(titled("Weekly Iberia")).toHaveLength(1);
    // The whole series deleted: delta names only its occurrences, yet the CRM series is cancelled.
    outlook().userDelete(series.id);
    await syncNow();
    expect(await crmEventOf(series.id)).toMatchObject({ title: "Weekly Iberia", status: "cancelled" });
  });

  it("R-CAL-6, R-P-3: an occurrence cancelled in Outlook has only its own series read again, however many series are linked", async () => {
    const weekly = (subject: string, day: string) =>
      outlook().seedEvent({
        subject,
        start: at(`${day}T12:00:00`),
        end: at(`${day}T12:30:00`),
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["thursday"], firstDayOfWeek: "sunday" },
          range: { type: "numbered", startDate: day, numberOfOccurrences: 4 },
        },
      });
    const [standUp] = ["Stand-up A", "Stand-up B", "Stand-up C", "Stand-up D"].map((t) =>
      weekly(t, "2026-12-03"),
    );
    await syncNow();
    const linkedSeries = (
      await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))
    ).filter((l) => (l.lastSynced as { recurrence?: unknown } | null)?.recurrence);
    expect(linkedSeries.length).toBeGreaterThanOrEqual(4);
    const before = { masters: callsOf("graph.events.get"), instances: callsOf("graph.events.instances") };
    const slot = outlook()
      .views(standUp!)
      .find((v) => new Date(v.originalStart!).toISOString().startsWith("2026-12-10"))!.id;
    outlook().userDelete(slot);
    await syncNow();
    expect((await crmEventOf(standUp!.id)).exceptions).toEqual([
      expect.objectContaining({ originalStart: "2026-12-10T12:00:00.000Z", status: "cancelled" }),
    ]);
    expect({
      masters: callsOf("graph.events.get") - before.masters,
      instances: callsOf("graph.events.instances") - before.instances,
    }).toEqual({ masters: 1, instances: 1 });
  });

  it("R-CAL-3, R-CAL-4, R-CAL-8: a meeting Marta organises is imported read-only, Marta linked, every answer kept", async () => {
    const guest = outlook().seedEvent(
      {
        subject: "Marta's review",
        start: at("2026-12-04T10:00:00"),
        end: at("2026-12-04T11:00:00"),
        responseStatus: { response: "tentativelyAccepted", time: "2026-11-29T10:00:00Z" },
        attendees: [
          {
            emailAddress: { address: ACCOUNT, name: "Ana Ruiz" },
            status: { response: "tentativelyAccepted" },
          },
          { emailAddress: { address: "luis@partner.test" }, status: { response: "declined" } },
        ],
      },
      { organizer: { name: "Marta Núñez", address: MARTA } },
    );
    await syncNow();
    const e = await crmEventOf(guest.id);
    expect(e).toMatchObject({ guest: true, readOnly: true, organizerEmail: MARTA });
    const byEmail = Object.fromEntries(e.attendees.map((a: { email: string }) => [a.email, a]));
    expect(byEmail[ACCOUNT]).toMatchObject({ responseStatus: "tentative" });
    expect(byEmail["luis@partner.test"]).toMatchObject({ responseStatus: "declined", record: null });
    expect((await api(s, ana, "PATCH", `/api/v1/events/${e.id}`, { title: "Mine now" })).statusCode).toBe(
      409,
    );
  });

  it("R-P-2: an expired delta token (410) lists the calendar again and duplicates nothing", async () => {
    const crm = await crmEventCount();
    const links = (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId)))
      .length;
    const before = microsoft.calendarSnapshot(ACCOUNT);
    microsoft.invalidateCursors(ACCOUNT);
    await syncNow();
    expect(await crmEventCount()).toBe(crm);
    expect(
      (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))).length,
    ).toBe(links);
    expect(microsoft.calendarSnapshot(ACCOUNT)).toEqual(before);
  });

  it("R-P-3: a create whose answer is lost, then a throttled retry (429 Retry-After), leaves one event in Outlook", async () => {
    microsoft.faults.set(ACCOUNT, {
      loseResponse: { endpoints: ["graph.events.create"], times: 1 },
      throttle: { status: 429, retryAfter: 1, endpoints: ["graph.events.create"], times: 1 },
    });
    const id = await newCrmEvent("Contrato Iberia", "2026-12-10");
    await syncNow();
    await syncNow();
    microsoft.faults.clear(ACCOUNT);
    const made = only("Contrato Iberia");
    expect((await linkOf(made.id)).eventId).toBe(id);
    expect(mail().filter((m) => m.subject === "Contrato Iberia")).toHaveLength(1);
  });

  it("failure mode 1: one meeting seen in a Google and a Microsoft calendar is one CRM event, linked twice, by its iCalUID", async () => {
    const uid = "040000008200E00074C5B7101A82E00800000000D1CE";
    const googleId = newId();
    await s.ctx.db.insert(connections).values({
      id: googleId,
      userId: ana.id,
      provider: "google",
      accountAddress: "ana.ruiz@gmail.test",
      syncs: "calendar",
    });
    const owner = await connectionOwner(
      s.ctx.db,
      (await s.ctx.db.select().from(connections).where(eq(connections.id, googleId)))[0]!,
    );
    const eventId = newId();
    const state = {
      title: "Iberia steering",
      description: null,
      location: null,
      status: "confirmed" as const,
      timing: {
        allDay: false as const,
        startAt: "2026-12-11T09:00:00.000Z",
        endAt: "2026-12-11T10:00:00.000Z",
        timeZone: "UTC",
        endTimeZone: "UTC",
      },
      organizer: { email: MARTA, name: null },
      attendees: [],
      recurrence: null,
      exceptions: [],
    };
    await s.ctx.db.transaction(async (tx) => {
      await writeCrmState(tx, owner, eventId, state, { guest: true });
      await tx.insert(eventLinks).values({
        id: newId(),
        eventId,
        connectionId: googleId,
        calendarId: "primary",
        providerId: "g-steering",
        icalUid: uid,
        etag: '"1"',
        lastSynced: state,
      });
    });
    const crm = await crmEventCount();
    const meeting = outlook().seedEvent(
      { subject: "Iberia steering", start: at("2026-12-11T09:00:00"), end: at("2026-12-11T10:00:00") },
      { organizer: { name: "Marta Núñez", address: MARTA } },
    );
    // Another mailbox's copy of the meeting: Outlook keeps the organiser's UID.
    meeting.iCalUId = uid;
    await syncNow();
    await syncNow();
    expect(await crmEventCount()).toBe(crm);
    const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.eventId, eventId));
    expect(links.map((l) => l.connectionId).sort()).toEqual([connectionId, googleId].sort());
  });

  it("R-CAL-3, R-CAL-4, R-P-3: a meeting another CRM user's Google calendar brought in is the same event for Ana's Outlook copy: listed for her read-only, never edited by her copy; her organiser's copy of a meeting a guest brought in takes it over", async () => {
    const bea = await s.user(`bea-${engine}@acme.test`, { name: "Bea" });
    const beaGoogle = newId();
    await s.ctx.db.insert(connections).values({
      id: beaGoogle,
      userId: bea.id,
      provider: "google",
      accountAddress: "bea.lopez@gmail.test",
      syncs: "calendar",
    });
    const beaOwner = await connectionOwner(
      s.ctx.db,
      (await s.ctx.db.select().from(connections).where(eq(connections.id, beaGoogle)))[0]!,
    );
    /** A meeting Bea's Google calendar imported, as a guest of `organizer`. */
    async function beasCopy(uid: string, title: string, day: string, organizer: string) {
      const eventId = newId();
      const state = {
        title,
        description: null,
        location: null,
        status: "confirmed" as const,
        timing: {
          allDay: false as const,
          startAt: `${day}T09:00:00.000Z`,
          endAt: `${day}T10:00:00.000Z`,
          timeZone: "UTC",
          endTimeZone: "UTC",
        },
        organizer: { email: organizer, name: null },
        attendees: [],
        recurrence: null,
        exceptions: [],
      };
      await s.ctx.db.transaction(async (tx) => {
        await writeCrmState(tx, beaOwner, eventId, state, { guest: true });
        await tx.insert(eventLinks).values({
          id: newId(),
          eventId,
          connectionId: beaGoogle,
          calendarId: "primary",
          providerId: `g-${eventId}`,
          icalUid: uid,
          etag: '"1"',
          lastSynced: state,
        });
      });
      return eventId;
    }
    const uid = "040000008200E00074C5B7101A82E00800000000B0A7";
    const boardId = await beasCopy(uid, "Board review", "2026-12-14", MARTA);
    const crm = await crmEventCount();
    const board = outlook().seedEvent(
      { subject: "Board review", start: at("2026-12-14T09:00:00"), end: at("2026-12-14T10:00:00") },
      { organizer: { name: "Marta Núñez", address: MARTA } },
    );
    board.iCalUId = uid;
    await syncNow();
    await syncNow();
    expect(await crmEventCount()).toBe(crm);
    expect((await linkOf(board.id)).eventId).toBe(boardId);
    expect(await crmEvent(boardId)).toMatchObject({ title: "Board review", readOnly: true });
    expect((await api(s, ana, "PATCH", `/api/v1/events/${boardId}`, { title: "Mine" })).statusCode).toBe(409);
    expect((await api(s, bea, "GET", `/api/v1/events/${boardId}`)).json().title).toBe("Board review");
    // Ana's copy is a guest's copy, not the organiser's: it changes nothing.
    outlook().userEdit(board.id, { subject: "Board review (Ana's note)" });
    await syncNow();
    expect((await api(s, bea, "GET", `/api/v1/events/${boardId}`)).json().title).toBe("Board review");

    // Ana organises this one: her copy takes over the event Bea's (guest) calendar brought in.
    const uid2 = "040000008200E00074C5B7101A82E00800000000B0A8";
    const planId = await beasCopy(uid2, "Plan 2027", "2026-12-15", ACCOUNT);
    const plan = outlook().seedEvent({
      subject: "Plan 2027",
      start: at("2026-12-15T09:00:00"),
      end: at("2026-12-15T10:00:00"),
    });
    plan.iCalUId = uid2;
    await syncNow();
    await syncNow();
    expect((await linkOf(plan.id)).eventId).toBe(planId);
    const [row] = await s.ctx.db.select().from(events).where(eq(events.id, planId));
    expect(row).toMatchObject({ ownerId: ana.id, guest: false });
    outlook().userEdit(plan.id, { subject: "Plan 2027, final" });
    await syncNow();
    expect((await api(s, bea, "GET", `/api/v1/events/${planId}`)).json()).toMatchObject({
      title: "Plan 2027, final",
      readOnly: true,
    });
  });

  it("R-CAL-6, R-CAL-2: a series made in Concilia has its moved occurrence written on the series' clock in its zone, and its cancelled one removed, in Outlook; nothing is written again after", async () => {
    const id = await newCrmSeries("Daily check-in", "2026-12-21", { freq: "daily", count: 5 }, []);
    await syncNow();
    const series = only("Daily check-in");
    expect(series.recurrence).toMatchObject({
      pattern: { type: "daily", interval: 1 },
      range: { numberOfOccurrences: 5 },
    });
    const moved = await api(s, ana, "PATCH", `/api/v1/events/${id}/occurrences/2026-12-22T08:00:00.000Z`, {
      startAt: "2026-12-22T11:00:00+01:00",
    });
    expect(moved.statusCode).toBe(200);
    const cancelled = await api(
      s,
      ana,
      "DELETE",
      `/api/v1/events/${id}/occurrences/2026-12-23T08:00:00.000Z`,
    );
    expect(cancelled.statusCode, cancelled.body).toBe(204);
    await syncNow();
    const after = outlook().events.get(series.id)!;
    expect([...after.cancelled]).toEqual([Date.parse("2026-12-23T08:00:00Z")]);
    const exception = after.exceptions.get(Date.parse("2026-12-22T08:00:00Z"))!;
    expect(exception.start).toBe(Date.parse("2026-12-22T10:00:00Z"));
    // What Outlook shows: 11:00 to 11:30 in Madrid's zone, as the series, not an occurrence in UTC.
    expect([exception.startZone, exception.endZone]).toEqual(["Europe/Madrid", "Europe/Madrid"]);
    expect(localTime(exception.start, exception.zone)).toBe("2026-12-22T11:00:00");
    expect(localTime(exception.end, exception.zone)).toBe("2026-12-22T11:30:00");
    const writes = () => callsOf("graph.events.update");
    const before = writes();
    await syncNow();
    expect(writes()).toBe(before);
    const crm = await crmEvent(id);
    expect(crm.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2026-12-22T08:00:00.000Z",
        startAt: "2026-12-22T10:00:00.000Z",
      }),
      expect.objectContaining({ originalStart: "2026-12-23T08:00:00.000Z", status: "cancelled" }),
    ]);
  });

  it("R-CAL-6: a monthly series made in Concilia (the sidebars' 'every month') is an absoluteMonthly pattern in Outlook on the start's day, read back unchanged", async () => {
    const id = await newCrmSeries("Monthly review", "2027-01-13", { freq: "monthly" }, []);
    await syncNow();
    const series = only("Monthly review");
    expect(series.recurrence).toMatchObject({
      pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 13 },
      range: { type: "noEnd", startDate: "2027-01-13" },
    });
    expect(
      outlook()
        .slots(series)
        .slice(0, 3)
        .map((t) => localTime(t, "Europe/Madrid")),
    ).toEqual(["2027-01-13T09:00:00", "2027-02-13T09:00:00", "2027-03-13T09:00:00"]);
    const changeKey = series.changeKey;
    await syncNow();
    expect(outlook().events.get(series.id)!.changeKey).toBe(changeKey);
    expect((await crmEvent(id)).recurrence.rule).toBe("FREQ=MONTHLY;BYMONTHDAY=13");
  });

  it("R-CAL-6, R-CAL-2: an all-day series made in Concilia has its renamed, moved and cancelled days written to Outlook, matched by original start at the series' midnight; nothing is written again after", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Inventory day",
      allDay: true,
      startDate: "2026-12-07",
      recurrence: { freq: "weekly", count: 4 },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    await syncNow();
    const series = only("Inventory day");
    expect(series).toMatchObject({
      isAllDay: true,
      recurrence: { pattern: { type: "weekly", daysOfWeek: ["monday"] } },
    });
    const occurrence = (day: string) => `/api/v1/events/${id}/occurrences/${day}`;
    expect(
      (await api(s, ana, "PATCH", occurrence("2026-12-14"), { title: "Inventory day (year end)" }))
        .statusCode,
    ).toBe(200);
    expect(
      (await api(s, ana, "PATCH", occurrence("2026-12-21"), { startDate: "2026-12-23" })).statusCode,
    ).toBe(200);
    expect((await api(s, ana, "DELETE", occurrence("2026-12-28"))).statusCode).toBe(204);
    await syncNow();
    const after = outlook().events.get(series.id)!;
    const midnight = (day: string) => zonedInstant(`${day}T00:00:00`, after.zone);
    expect([...after.cancelled]).toEqual([midnight("2026-12-28")]);
    expect(after.exceptions.get(midnight("2026-12-14"))?.fields.subject).toBe("Inventory day (year end)");
    const moved = after.exceptions.get(midnight("2026-12-21"))!;
    expect(moved.isAllDay).toBe(true);
    expect([localTime(moved.start, moved.zone), localTime(moved.end, moved.zone)]).toEqual([
      "2026-12-23T00:00:00",
      "2026-12-24T00:00:00",
    ]);
    // What a user opening Outlook sees in the calendar view: the days as Concilia has them.
    const view = outlook()
      .views(after)
      .map((v) => [localTime(v.start, v.zone).slice(0, 10), v.fields.subject]);
    expect(view).toEqual([
      ["2026-12-07", "Inventory day"],
      ["2026-12-14", "Inventory day (year end)"],
      ["2026-12-23", "Inventory day"],
    ]);
    const writes = () => callsOf("graph.events.update") + callsOf("graph.events.delete");
    const before = writes();
    await syncNow();
    await syncNow();
    expect(writes()).toBe(before);
    expect((await crmEvent(id)).exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2026-12-14",
        title: "Inventory day (year end)",
        startDate: null,
      }),
      expect.objectContaining({
        originalStart: "2026-12-21",
        startDate: "2026-12-23",
        endDate: "2026-12-24",
      }),
      expect.objectContaining({ originalStart: "2026-12-28", status: "cancelled" }),
    ]);
  });

  it("R-P-2: a change in Outlook is pushed by its calendar subscription and synced without any poll", async () => {
    const [sub] = await s.ctx.db
      .select()
      .from(graphSubscriptions)
      .where(eq(graphSubscriptions.connectionId, connectionId));
    expect(sub?.resource).toBe(`/me/calendars/${outlook().defaultCalendar.id}/events`);
    // Steps queued by earlier notifications are done first: from here only a new notification can
    // start one (there is no tick). Those the worker deferred while the test's own steps held the
    // connection would wait out the step's 20 s budget first: they are made due now, as the worker
    // does for its own deferred jobs once a step ends.
    await s.ctx.database.query(
      "update pgboss.job set start_after = now() where name = 'sync.step' and state = 'created' and start_after > now()",
    );
    await eventually(async () => {
      const { rows } = await s.ctx.database.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = 'sync.step' and state in ('created', 'retry', 'active')",
      );
      expect(rows[0].n).toBe(0);
    }, 60_000);
    microsoft.faults.set(ACCOUNT, { notifications: { duplicate: 2 } });
    const visit = only("Visita 10");
    outlook().userEdit(visit.id, { subject: "Visita 10 (pushed)" });
    await eventually(
      async () => expect((await crmEventOf(visit.id)).title).toBe("Visita 10 (pushed)"),
      20_000,
    );
    microsoft.faults.clear(ACCOUNT);
  }, 90_000);

  it("R-CON-9, R-P-2: selecting the shared calendar imports it and subscribes to it; deselecting it ends that subscription", async () => {
    const shared = [...outlook().calendars.values()].find((c) => !c.isDefaultCalendar)!;
    outlook().seedEvent(
      { subject: "Team offsite", start: at("2026-12-14T09:00:00"), end: at("2026-12-14T17:00:00") },
      { calendarId: shared.id, organizer: { name: "Team", address: "team@contoso.test" } },
    );
    const select = (ids: string[]) =>
      api(s, ana, "PATCH", `/api/v1/connections/${connectionId}`, { selectedCalendarIds: ids });
    expect((await select([outlook().defaultCalendar.id, shared.id])).statusCode).toBe(200);
    await syncNow();
    const offsite = only("Team offsite");
    expect(await crmEventOf(offsite.id)).toMatchObject({ title: "Team offsite", guest: true });
    expect(microsoft.subscriptions.all.size).toBe(2);
    expect((await select([outlook().defaultCalendar.id])).statusCode).toBe(200);
    await syncNow();
    expect([...microsoft.subscriptions.all.values()].map((x) => x.resource)).toEqual([
      `/me/calendars/${outlook().defaultCalendar.id}/events`,
    ]);
  });

  it("R-P-2: a calendar subscription due to expire is renewed by the next step", async () => {
    const [sub] = await s.ctx.db
      .select()
      .from(graphSubscriptions)
      .where(eq(graphSubscriptions.connectionId, connectionId));
    await s.ctx.db
      .update(graphSubscriptions)
      .set({ expiresAt: new Date(Date.now() + 3_600_000) })
      .where(eq(graphSubscriptions.id, sub!.id));
    await syncNow();
    const [renewed] = await s.ctx.db
      .select()
      .from(graphSubscriptions)
      .where(eq(graphSubscriptions.id, sub!.id));
    expect(renewed!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 2 * 86_400_000);
    expect(microsoft.subscriptions.all.get(sub!.id)).toBeDefined();
  });

  it("R-P-2, R-CAL-6: new Outlook events come from the delta listing itself; ones another API client made, and series with their instances, are read 20 to a $batch; every one arrives", async () => {
    const day = (i: number) => `2026-12-${String((i % 28) + 1).padStart(2, "0")}`;
    const made = Array.from({ length: 25 }, (_, i) =>
      outlook().seedEvent({
        subject: `Listed ${i}`,
        start: at(`${day(i)}T08:00:00`),
        end: at(`${day(i)}T09:00:00`),
      }),
    );
    // Made through the API by another client: it could carry our tags, so it is read in full.
    const byApi = Array.from({ length: 3 }, (_, i) =>
      outlook().seedEvent({
        subject: `By another client ${i}`,
        start: at(`${day(i)}T12:00:00`),
        end: at(`${day(i)}T13:00:00`),
        transactionId: `other-client-${i}`,
      }),
    );
    // Series: each with a moved occurrence; their instances are read through $batch too.
    const series = Array.from({ length: 3 }, (_, i) =>
      outlook().seedEvent({
        subject: `Listed weekly ${i}`,
        start: at(`2026-12-0${i + 1}T15:00:00`),
        end: at(`2026-12-0${i + 1}T16:00:00`),
        recurrence: {
          pattern: { type: "weekly", interval: 1, daysOfWeek: [["tuesday", "wednesday", "thursday"][i]!] },
          range: { type: "numbered", startDate: `2026-12-0${i + 1}`, numberOfOccurrences: 4 },
        },
      }),
    );
    for (const e of series) {
      const second = outlook().views(e)[1]!;
      outlook().userEdit(second.id, {
        start: at(new Date(second.start + 3_600_000).toISOString().slice(0, 19)),
        end: at(new Date(second.end + 3_600_000).toISOString().slice(0, 19)),
      });
    }
    microsoft.counter.reset();
    await syncNow();
    for (const e of [...made, ...byApi]) expect((await crmEventOf(e.id)).title).toBe(e.fields.subject);
    for (const e of series) expect((await crmEventOf(e.id)).exceptions).toHaveLength(1);
    // Before: one instances request of its own per series.
    expect(
      microsoft.counter.requests(ACCOUNT).filter((r) => r.endpoint === "graph.events.instances"),
    ).toEqual([]);
    expect((await crmEventOf(made[3]!.id)).startAt).toBe(`${day(3)}T08:00:00.000Z`);
    // Before: one GET per event (28) on top of the delta pages.
    const alone = (endpoint: string) =>
      microsoft.counter.requests(ACCOUNT).filter((r) => r.endpoint === endpoint);
    expect(alone("graph.events.get")).toEqual([]);
    expect(alone("graph.batch").length).toBeGreaterThan(0);
    expect(microsoft.counter.requests(ACCOUNT).length).toBeLessThan(made.length);
  });

  it("R-P-2, R-CAL-6: 120 events and 25 series new in Outlook are listed in one calendarView delta request (Graph's page of 999, not the engine's batch of 7), the series read 20 to a $batch across the engine's batches, each stored once; linked series changed later come with their instances in one $batch", async () => {
    const day = (i: number) => `2027-02-${String((i % 28) + 1).padStart(2, "0")}`;
    // No notification starts a step of its own, and none is left from before: the requests counted
    // are this sync's.
    microsoft.faults.set(ACCOUNT, { notifications: { drop: Number.POSITIVE_INFINITY } });
    await noStepQueued();
    const singles = Array.from({ length: 120 }, (_, i) =>
      outlook().seedEvent({
        subject: `Paged ${i}`,
        start: at(`${day(i)}T${String(8 + (i % 8)).padStart(2, "0")}:00:00`),
        end: at(`${day(i)}T${String(9 + (i % 8)).padStart(2, "0")}:00:00`),
      }),
    );
    const series = Array.from({ length: 25 }, (_, i) =>
      outlook().seedEvent(weekly(`Paged weekly ${i}`, day(i))),
    );
    microsoft.counter.reset();
    await syncNow();
    microsoft.faults.clear(ACCOUNT);
    // Before: a delta page per engine batch of 7 (about 30), and two $batch requests per batch
    // holding a series (about 40).
    expect(requestsOf("graph.calendarView.delta")).toBe(1);
    expect(requestsOf("graph.batch")).toBe(4); // 25 masters in 2, their instances in 2
    expect(requestsOf("graph.events.get") + requestsOf("graph.events.instances")).toBe(0);
    const made = [...singles, ...series].map((e) => e.id);
    const linked = await linksOf(s, connectionId, made);
    expect(linked.map((l) => l.providerId).sort()).toEqual([...made].sort());
    expect(new Set(linked.map((l) => l.eventId)).size).toBe(made.length);
    for (const e of series.slice(0, 3))
      expect((await crmEventOf(e.id)).recurrence).toMatchObject({ rule: expect.stringContaining("COUNT=3") });
    const cursor = await readCursor(s.ctx.db, connectionId, `calendar:${outlook().defaultCalendar.id}`);
    expect(cursor).toMatchObject({ deltaLink: expect.stringContaining("$deltatoken=") });
    expect(cursor).not.toHaveProperty("skip");
    // Linked series changed in Outlook: each master's instances are asked for in its own $batch, from
    // the first start last synced, so ten series are one request (before: two).
    microsoft.faults.set(ACCOUNT, { notifications: { drop: Number.POSITIVE_INFINITY } });
    for (const e of series.slice(0, 10))
      outlook().userEdit(e.id, { subject: `${e.fields.subject} (renamed)` });
    microsoft.counter.reset();
    await syncNow();
    microsoft.faults.clear(ACCOUNT);
    expect([requestsOf("graph.calendarView.delta"), requestsOf("graph.batch")]).toEqual([1, 1]);
    for (const [i, e] of series.slice(0, 10).entries()) {
      const crm = await crmEventOf(e.id);
      expect(crm.title).toBe(`Paged weekly ${i} (renamed)`);
      expect(crm.recurrence).toMatchObject({ rule: expect.stringContaining("COUNT=3") });
    }
  }, 120_000);

  it("R-P-2: a batch that ends inside Graph's delta page commits where it ended, the page's series read together once; a worker no longer holding the page lists it again and goes on from there, every series once", async () => {
    // An account of its own: no step of the connection's can fall among the requests counted.
    const board = "board@contoso.test";
    microsoft.addAccount(board, "Board");
    const store = microsoft.calendars(board);
    const calendarId = store.defaultCalendar.id;
    const made = Array.from(
      { length: 5 },
      (_, i) => store.seedEvent(weekly(`Board ${i}`, `2027-04-0${i + 1}`)).id,
    );
    const { accessToken } = microsoft.issueTokens(board, "Calendars.ReadWrite");
    const client = new GraphClient({
      baseUrl: "https://graph.microsoft.com/v1.0",
      accessToken: async () => accessToken,
    });
    const holder = `resume-${engine}`;
    // Every unit as an item to read, as the session makes a series; reads as the session's fetch.
    const resolve = (units: { key: string }[]) => units.map((u) => ({ key: u.key }));
    const read = (items: { key: string }[]) =>
      fetchGraphEvents(client, items, board, (i, got) => ({
        key: i.key,
        raw: Buffer.from(JSON.stringify(got)),
      }));
    const batch = (cursor: unknown, limit: number) =>
      listGraphCalendarBatch(
        client,
        holder,
        calendarId,
        cursor as GraphCalendarPosition | null,
        limit,
        resolve,
        read,
      );
    /** Each item with its read: the series' master and its exceptions, as the import gets them. */
    const readOf = (b: GraphCalendarBatch) =>
      b.items.map((i) => {
        const got = b.read.get(i.key);
        expect(got && "raw" in got).toBe(true);
        return JSON.parse((got as { raw: Buffer }).raw.toString("utf8")).state.title as string;
      });
    microsoft.counter.reset();
    const first = await batch(null, 2);
    expect(first).toMatchObject({ more: true, cursor: { deltaLink: null, skip: 2 } });
    // The page's five series read at once: their masters in one $batch, their instances in another.
    expect([requestsOf("graph.calendarView.delta", board), requestsOf("graph.batch", board)]).toEqual([1, 2]);
    const second = await batch(first.cursor, 2);
    expect([requestsOf("graph.calendarView.delta", board), requestsOf("graph.batch", board)]).toEqual([1, 2]);
    forgetKeptPages();
    // As a jsonb column may give it back: its fields in another order.
    const reordered = Object.fromEntries(Object.entries(second.cursor).reverse());
    const third = await batch(reordered, 2);
    expect([requestsOf("graph.calendarView.delta", board), requestsOf("graph.batch", board)]).toEqual([2, 4]);
    expect(third).toMatchObject({
      more: false,
      cursor: { deltaLink: expect.stringContaining("$deltatoken=") },
    });
    const batches = [first, second, third];
    expect(batches.flatMap((b) => b.items.map((i) => i.key)).sort()).toEqual([...made].sort());
    expect(batches.flatMap(readOf).sort()).toEqual(made.map((_, i) => `Board ${i}`).sort());
    // Incremental pages too; one listed again with other contents (a series edited meanwhile) is given
    // again from its start.
    for (const id of made.slice(0, 3)) store.userEdit(id, { subject: "Board, moved" });
    const edited = await batch(third.cursor, 2);
    expect(edited).toMatchObject({ more: true, cursor: { skip: 2 } });
    forgetKeptPages();
    store.userEdit(made[4]!, { subject: "Board, again" });
    const relisted = await batch(edited.cursor, 10);
    expect(relisted.more).toBe(false);
    expect(relisted.items.map((i) => i.key).sort()).toEqual([...made.slice(0, 3), made[4]!].sort());
    expect(readOf(relisted).sort()).toEqual(["Board, again", "Board, moved", "Board, moved", "Board, moved"]);
  });

  it("R-P-2: two workers taking turns on a delta page go on from each other's cursor: a page kept from before another worker listed it again is listed anew, not started over", async () => {
    const account = "turns@contoso.test";
    microsoft.addAccount(account, "Turns");
    const store = microsoft.calendars(account);
    const calendarId = store.defaultCalendar.id;
    const made = Array.from(
      { length: 6 },
      (_, i) => store.seedEvent(weekly(`Turn ${i}`, `2027-05-0${i + 1}`)).id,
    );
    const { accessToken } = microsoft.issueTokens(account, "Calendars.ReadWrite");
    const client = new GraphClient({
      baseUrl: "https://graph.microsoft.com/v1.0",
      accessToken: async () => accessToken,
    });
    const resolve = (units: { key: string }[]) => units.map((u) => ({ key: u.key }));
    const read = (items: { key: string }[]) =>
      fetchGraphEvents(client, items, account, (i) => ({ key: i.key, raw: Buffer.alloc(0) }));
    type Lister = typeof listGraphCalendarBatch;
    const on = (list: Lister) => (cursor: unknown) =>
      list(client, `turns-${engine}`, calendarId, cursor as GraphCalendarPosition | null, 2, resolve, read);
    // A second worker: the same code with a memory of its own.
    vi.resetModules();
    const other = (await import("../../server/providers/graph/calendar-changes.js")).listGraphCalendarBatch;
    const [a, b] = [on(listGraphCalendarBatch), on(other)];
    const first = await a(null);
    // A change makes the page listed again differ from the one worker A keeps.
    store.userEdit(made[0]!, { subject: "Turn 0, renamed" });
    const second = await b(first.cursor);
    const third = await a(second.cursor);
    const fourth = await b(third.cursor);
    const given = [first, second, third, fourth].map((p) => p.items.map((i) => i.key));
    // B started the page over (it differs from what A gave from); after that each goes on from the
    // other: every event once.
    expect(given.slice(1).flat().sort()).toEqual([...made].sort());
    expect(fourth.more).toBe(false);
    expect(fourth.cursor).toMatchObject({ deltaLink: expect.stringContaining("$deltatoken=") });
  });

  it("R-P-3, R-CAL-9: events deleted in Concilia come back in the delta as our own removals: no linked series is read again for them", async () => {
    expect(
      (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))).filter(
        (l) => (l.lastSynced as { recurrence?: unknown } | null)?.recurrence,
      ).length,
    ).toBeGreaterThan(20);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push(await newCrmEvent(`Short-lived ${i}`, `2027-06-0${i + 1}`, []));
    await syncNow();
    const inOutlook = made.map((id) => titled(`Short-lived ${made.indexOf(id)}`)[0]!.id);
    await noStepQueued();
    microsoft.counter.reset();
    for (const id of made)
      expect((await api(s, ana, "DELETE", `/api/v1/events/${id}`)).statusCode).toBeLessThan(300);
    await syncNow();
    await noStepQueued();
    expect(inOutlook.filter((id) => outlook().events.has(id))).toEqual([]);
    expect(requestsOf("graph.events.delete")).toBe(3);
    // Before: each step listing the removals read every linked series again, 10 to a $batch.
    expect(requestsOf("graph.batch")).toBeLessThanOrEqual(1);
  }, 120_000);

  it("R-P-2, R-CON-9: an idle poll is one request, a calendarView delta (no calendar list); a calendar added in Outlook is listed once the last reading is older than the interval", {
    timeout: 90_000,
  }, async () => {
    await noStepQueued();
    await syncNow();
    microsoft.counter.reset();
    await syncNow();
    const graphCalls = microsoft.counter.requests(ACCOUNT).filter((r) => r.endpoint.startsWith("graph."));
    expect(graphCalls.map((r) => r.endpoint)).toEqual(["graph.calendarView.delta"]);
    outlook().addCalendar({ name: "Offsite" });
    await syncNow();
    expect(await listedCalendarNames(s, connectionId)).not.toContain("Offsite");
    await ageCalendarListReading(s, connectionId);
    microsoft.counter.reset();
    await syncNow();
    expect(requestsOf("graph.calendars.list")).toBe(1);
    expect(await listedCalendarNames(s, connectionId)).toContain("Offsite");
    // Listed, not followed: a calendar that appears is left unselected (R-CON-9).
    const listed = await listedCalendars(s, connectionId);
    expect(listed.find((k) => k.name === "Offsite")?.selected).toBe(false);
  });

  it("R-CON-10: stopping the connection deletes its calendar subscription at Microsoft", async () => {
    expect(microsoft.subscriptions.all.size).toBe(1);
    const res = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(res.statusCode).toBe(200);
    expect(microsoft.subscriptions.all.size).toBe(0);
  });
});
