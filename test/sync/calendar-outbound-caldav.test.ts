// CRM items out to a CalDAV calendar, end to end against the tests' Radicale: deletions (R-CAL-9),
// planned activities (R-ACT-1, R-ACT-2), zones (R-ACT-5) and "Remove sync" (R-ACT-4), through the API
// as users do and the worker's steps, read back as another client reads the calendar.
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLinks, events, users } from "../../server/db/schema.js";
import { parseCalendarObject } from "../../server/providers/caldav/map.js";
import { engines, type TestServer } from "../harness/app.js";
import { calendarObjects, newCalendarUser, type TestCalendarUser } from "../harness/caldav.js";
import { connectIcloudCalendar, icloudAddress, startCaldavSyncServer } from "./caldav-e2e.js";
import { api, MARTA, syncUntilRest, userWithMarta, whileNoStepRuns } from "./mail-e2e.js";

const TOKYO = [
  "BEGIN:VCALENDAR",
  "VERSION:2.0",
  "PRODID:-//Concilia tests//EN",
  "BEGIN:VTIMEZONE",
  "TZID:Asia/Tokyo",
  "BEGIN:STANDARD",
  "DTSTART:19700101T000000",
  "TZOFFSETFROM:+0900",
  "TZOFFSETTO:+0900",
  "END:STANDARD",
  "END:VTIMEZONE",
  "END:VCALENDAR",
  "",
].join("\r\n");

describe.each(engines)("CRM items out to CalDAV on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let admin: { id: string; token: string };
  let connectionId: string;
  let martaId: string;
  let companyId: string;
  const _account = () => icloudAddress(cal);
  const syncNow = () => syncUntilRest(s, connectionId);
  const objects = () => calendarObjects(cal);
  const withText = async (text: string) => (await objects()).filter((o) => o.ics.includes(text));

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine);
    cal = await newCalendarUser("Work");
    // The calendar shows Tokyo time (RFC 4791 calendar-timezone).
    const set = await cal.client.fetch(cal.calendarUrl, {
      method: "PROPPATCH",
      headers: { ...cal.client.headers, "content-type": "application/xml" },
      body: `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:set><d:prop><c:calendar-timezone><![CDATA[${TOKYO}]]></c:calendar-timezone></d:prop></d:set></d:propertyupdate>`,
    });
    expect(set.status).toBe(207);
    const tag = `${engine}-${randomBytes(3).toString("hex")}`;
    ana = await userWithMarta(s, `ana-${tag}@acme.test`);
    admin = await s.user(`admin-${tag}@acme.test`, { role: "admin" });
    // Ana's CRM clock is New York's: neither the calendar's nor the activity's zone.
    await s.ctx.db.update(users).set({ timeZone: "America/New_York" }).where(eq(users.id, ana.id));
    const company = await api(s, ana, "POST", "/api/v1/companies", { name: "Acme Iberia" });
    expect(company.statusCode).toBe(201);
    companyId = company.json().id;
    const persons = await api(s, ana, "GET", "/api/v1/persons");
    martaId = persons.json().items[0].id;
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
    await syncNow();
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-CAL-9: deleting a CRM event in Concilia removes it from the calendar, forgets its link and keeps it cancelled in the CRM", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Visita Acme",
      startAt: "2026-12-14T10:00:00.000Z",
      endAt: "2026-12-14T11:00:00.000Z",
      attendees: [{ email: MARTA }],
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    await syncNow();
    expect(await withText(`X-CONCILIA-ID:${id}`)).toHaveLength(1);
    const gone = await api(s, ana, "DELETE", `/api/v1/events/${id}`);
    expect(gone.statusCode).toBe(204);
    await syncNow();
    expect(await withText(`X-CONCILIA-ID:${id}`)).toEqual([]);
    expect(await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.eventId, id))).toEqual([]);
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json()).toMatchObject({ status: "cancelled" });
    // Nothing comes back at the next steps.
    await syncNow();
    expect(await withText(`X-CONCILIA-ID:${id}`)).toEqual([]);
  });

  it("R-ACT-1, R-ACT-2: a planned call goes to the calendar naming Marta, her company and the description, inviting no one, and is not imported back as an event", async () => {
    const made = await api(s, ana, "POST", "/api/v1/activities", {
      type: "call",
      state: "planned",
      subject: "Llamada renovación",
      description: "Revisar precios 2027",
      startAt: "2026-12-10T10:00:00+01:00",
      endAt: "2026-12-10T10:30:00+01:00",
      timeZone: "Europe/Madrid",
      links: [
        { type: "person", id: martaId },
        { type: "company", id: companyId },
      ],
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    await syncNow();
    const [entry] = await withText(`X-CONCILIA-ID:${id}`);
    expect(entry).toBeDefined();
    const [parsed] = parseCalendarObject(entry!.ics);
    expect(parsed!.state).toMatchObject({
      title: "Llamada renovación",
      description: "Contact: Marta Núñez\nCompany: Acme Iberia\n\nRevisar precios 2027",
      attendees: [],
    });
    expect(entry!.ics).not.toContain("ATTENDEE");
    await syncNow();
    const imported = await s.ctx.db.select().from(events).where(eq(events.title, "Llamada renovación"));
    expect(imported).toEqual([]);
  });

  it("R-ACT-5: the entry keeps its instant whatever the CRM's zone (New York) and the calendar's (Tokyo); the calendar's zone is in the connection's data", async () => {
    const [entry] = await withText("SUMMARY:Llamada renovación");
    const [parsed] = parseCalendarObject(entry!.ics);
    expect(parsed!.state.timing).toEqual({
      allDay: false,
      startAt: "2026-12-10T09:00:00.000Z",
      endAt: "2026-12-10T09:30:00.000Z",
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
    });
    const c = await api(s, ana, "GET", `/api/v1/connections/${connectionId}`);
    expect(c.json().calendars).toEqual([
      expect.objectContaining({ id: cal.calendarUrl, timeZone: "Asia/Tokyo" }),
    ]);
  });

  it("R-ACT-1: switching 'show in calendars' off for calls removes their entries from the calendar; the activities stay", async () => {
    const off = await api(s, admin, "PATCH", "/api/v1/activity-types/call", { showInCalendars: false });
    expect(off.statusCode).toBe(200);
    await syncNow();
    expect(await withText("SUMMARY:Llamada renovación")).toEqual([]);
    const calls = await api(s, ana, "GET", "/api/v1/activities?type=call");
    expect(calls.json().items.map((a: { subject: string }) => a.subject)).toContain("Llamada renovación");
    const on = await api(s, admin, "PATCH", "/api/v1/activity-types/call", { showInCalendars: true });
    expect(on.statusCode).toBe(200);
    await syncNow();
    expect(await withText("SUMMARY:Llamada renovación")).toHaveLength(1);
  });

  it("R-CAL-2, R-P-3: an edit in Concilia and another in the calendar before the next sync both survive within two steps; the refused write (412) fails nothing and the next step writes nothing", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Revisión trimestral",
      startAt: "2026-12-16T10:00:00.000Z",
      endAt: "2026-12-16T11:00:00.000Z",
    });
    const id = made.json().id;
    await syncNow();
    const [before] = await withText(`X-CONCILIA-ID:${id}`);
    // Concilia renames it while another client gives it a room, both before any step.
    await whileNoStepRuns(s, connectionId, async () => {
      expect(
        (await api(s, ana, "PATCH", `/api/v1/events/${id}`, { title: "Revisión trimestral Q4" })).statusCode,
      ).toBe(200);
      const res = await cal.client.fetch(before!.href, {
        method: "PUT",
        headers: { ...cal.client.headers, "content-type": "text/calendar", "if-match": before!.etag! },
        body: before!.ics.replace(/\r\nSUMMARY:[^\r]*/, "$&\r\nLOCATION:Sala 2"),
      });
      expect(res.status).toBeLessThan(300);
    });
    const first = await syncNow();
    expect(first).not.toMatchObject({ result: "failed" });
    await syncNow();
    const [after] = await withText(`X-CONCILIA-ID:${id}`);
    expect(parseCalendarObject(after!.ics)[0]!.state).toMatchObject({
      title: "Revisión trimestral Q4",
      location: "Sala 2",
    });
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json()).toMatchObject({
      title: "Revisión trimestral Q4",
      location: "Sala 2",
    });
    const status = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/status`);
    expect(status.json().status).toBe("up_to_date");
    // Converged: the next step writes nothing.
    await syncNow();
    expect((await withText(`X-CONCILIA-ID:${id}`))[0]!.etag).toBe(after!.etag);
  });

  it("R-ACT-4: 'Remove sync' on a calendar-only account disconnects it; nothing is lost in the CRM or in the calendar", async () => {
    const before = await objects();
    const mine = () => s.ctx.db.select().from(events).where(eq(events.ownerId, ana.id));
    const eventsBefore = await mine();
    expect(eventsBefore.length).toBeGreaterThan(0);
    const removed = await api(s, ana, "POST", `/api/v1/connections/${connectionId}/remove-calendar-sync`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({
      connection: null,
      message: expect.stringMatching(/Nothing was lost/),
    });
    expect((await api(s, ana, "GET", `/api/v1/connections/${connectionId}`)).statusCode).toBe(404);
    expect((await objects()).map((o) => o.href).sort()).toEqual(before.map((o) => o.href).sort());
    expect(await mine()).toEqual(eventsBefore);
    const calls = await api(s, ana, "GET", "/api/v1/activities?type=call");
    expect(calls.json().items.map((a: { subject: string }) => a.subject)).toEqual(["Llamada renovación"]);
  });
});
