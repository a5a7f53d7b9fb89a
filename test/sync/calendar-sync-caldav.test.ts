// Two-way calendar sync with CalDAV, end to end against the tests' Radicale: an iCloud connection
// pointed at it (CALDAV_URL) with one selected calendar, events written there by another client, the
// worker's steps through the engine, and what the user then sees in the CRM's events API.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "../../server/connections/connections.js";
import { connections, eventLinks, events, syncCursors } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, type TestServer } from "../harness/app.js";
import {
  calendarObjects,
  otherClientIcs as ics,
  newCalendarUser,
  type TestCalendarUser,
} from "../harness/caldav.js";
import { connectIcloudCalendar, icloudAddress, startCaldavSyncServer } from "./caldav-e2e.js";
import { api, MARTA, syncUntilRest, userWithMarta } from "./mail-e2e.js";

describe.each(engines)("CalDAV calendar sync end to end on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let connectionId: string;
  let historySeries: string;
  const account = () => icloudAddress(cal);
  const syncNow = (id = connectionId) => syncUntilRest(s, id);
  async function put(name: string, body: string, etag?: string) {
    const res = await cal.client.fetch(new URL(name, cal.calendarUrl).href, {
      method: "PUT",
      headers: {
        ...cal.client.headers,
        "content-type": "text/calendar",
        ...(etag ? { "if-match": etag } : {}),
      },
      body,
    });
    expect(res.status).toBeLessThan(300);
  }
  async function eventOf(href: string) {
    const [link] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, href));
    expect(link?.eventId).toMatch(/^\S+$/);
    const res = await api(s, ana, "GET", `/api/v1/events/${link!.eventId}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }

  const objects = () => calendarObjects(cal);

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine);
    cal = await newCalendarUser("Work");
    ana = await userWithMarta(s, `ana-${engine}-${randomBytes(3).toString("hex")}@acme.test`);
    // History: a series made in Concilia before the account was connected.
    const series = await api(s, ana, "POST", "/api/v1/events", {
      title: "Weekly pipeline",
      startAt: "2026-11-02T09:00:00+01:00",
      endAt: "2026-11-02T09:30:00+01:00",
      timeZone: "Europe/Madrid",
      recurrence: { freq: "weekly", byDay: ["MO", "TH"], count: 6 },
      attendees: [{ email: MARTA }],
    });
    expect(series.statusCode).toBe(201);
    historySeries = series.json().id;
    await new Promise((done) => setTimeout(done, 5));
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-CAL-3: an event made in the calendar by another client appears in the CRM, Marta among its attendees linked to her person", async () => {
    await put(
      "kickoff.ics",
      ics("kickoff-1@other.test", [
        "SUMMARY:Kick-off Iberia",
        "DTSTART:20261203T100000Z",
        "DTEND:20261203T110000Z",
        `ORGANIZER;CN=Ana:mailto:${account()}`,
        `ATTENDEE;CN=Marta Núñez;PARTSTAT=ACCEPTED:mailto:${MARTA}`,
      ]),
    );
    await syncNow();
    const e = await eventOf(new URL("kickoff.ics", cal.calendarUrl).href);
    expect(e).toMatchObject({
      title: "Kick-off Iberia",
      origin: "external",
      guest: false,
      status: "confirmed",
    });
    const marta = e.attendees.find((a: { email: string }) => a.email === MARTA);
    expect(marta).toMatchObject({ responseStatus: "accepted", record: { type: "person" } });
    // A second sync with nothing new changes nothing and makes no second event.
    await syncNow();
    const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId));
    // The kick-off, and the series Concilia wrote before (history).
    expect(links.map((l) => l.eventId).sort()).toEqual([e.id, historySeries].sort());
  });

  it("R-CAL-2: an edit in the calendar reaches the CRM event", async () => {
    const href = new URL("kickoff.ics", cal.calendarUrl).href;
    await put(
      "kickoff.ics",
      ics("kickoff-1@other.test", [
        "SUMMARY:Kick-off Iberia (moved)",
        "SEQUENCE:1",
        "DTSTART:20261203T140000Z",
        "DTEND:20261203T150000Z",
        `ORGANIZER;CN=Ana:mailto:${account()}`,
        `ATTENDEE;CN=Marta Núñez;PARTSTAT=ACCEPTED:mailto:${MARTA}`,
      ]),
    );
    await syncNow();
    const e = await eventOf(href);
    expect(e).toMatchObject({ title: "Kick-off Iberia (moved)", startAt: "2026-12-03T14:00:00.000Z" });
  });

  it("R-CAL-9: a deletion in the calendar marks the CRM event cancelled and keeps it", async () => {
    const href = new URL("kickoff.ics", cal.calendarUrl).href;
    const res = await cal.client.fetch(href, { method: "DELETE", headers: cal.client.headers });
    expect(res.status).toBeLessThan(300);
    await syncNow();
    const e = await eventOf(href);
    expect(e).toMatchObject({ title: "Kick-off Iberia (moved)", status: "cancelled" });
  });

  it("R-CAL-6: a recurring event arrives with its EXDATE and its moved occurrence", async () => {
    const body = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Other client//EN",
      "BEGIN:VEVENT",
      "UID:weekly-1@other.test",
      "DTSTAMP:20261101T090000Z",
      "SUMMARY:Weekly Iberia",
      "DTSTART:20261201T090000Z",
      "DTEND:20261201T093000Z",
      "RRULE:FREQ=WEEKLY;COUNT=4",
      "EXDATE:20261208T090000Z",
      `ORGANIZER:mailto:${account()}`,
      "END:VEVENT",
      "BEGIN:VEVENT",
      "UID:weekly-1@other.test",
      "DTSTAMP:20261101T090000Z",
      "RECURRENCE-ID:20261215T090000Z",
      "SUMMARY:Weekly Iberia (later)",
      "DTSTART:20261215T150000Z",
      "DTEND:20261215T153000Z",
      `ORGANIZER:mailto:${account()}`,
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n");
    await put("weekly.ics", body);
    await syncNow();
    const e = await eventOf(new URL("weekly.ics", cal.calendarUrl).href);
    expect(e.recurrence).toMatchObject({
      rule: expect.stringContaining("FREQ=WEEKLY"),
      exdates: ["2026-12-08T09:00:00.000Z"],
    });
    expect(e.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2026-12-15T09:00:00.000Z",
        startAt: "2026-12-15T15:00:00.000Z",
      }),
    ]);
  });

  it("R-CAL-6, R-CAL-7: a series made in Concilia before connecting is one object with its RRULE on Madrid's clock; its attendee is marked SCHEDULE-AGENT=CLIENT, so no server invites her", async () => {
    const [series, ...more] = (await objects()).filter((o) =>
      o.ics.includes(`X-CONCILIA-ID:${historySeries}`),
    );
    expect(more).toEqual([]);
    const text = series!.ics.replace(/\r\n[ \t]/g, "");
    expect(text).toMatch(/\r\nRRULE:[^\r\n]*FREQ=WEEKLY/);
    expect(text).toMatch(/\r\nRRULE:[^\r\n]*BYDAY=MO,TH/);
    expect(text).toMatch(/\r\nRRULE:[^\r\n]*COUNT=6/);
    expect(text).toContain("DTSTART;TZID=Europe/Madrid:20261102T090000");
    expect(text).toMatch(
      new RegExp(`ATTENDEE;[^\\r\\n]*SCHEDULE-AGENT=CLIENT[^\\r\\n]*:mailto:${MARTA}`, "i"),
    );
    // Read back, it is the series Concilia holds.
    expect(await eventOf(series!.href)).toMatchObject({
      id: historySeries,
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6" },
      readOnly: false,
    });
  });

  it("R-CAL-6, R-CAL-2: a series made in Concilia has its moved, renamed and cancelled occurrences written as overrides by RECURRENCE-ID, and nothing is written again after", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Daily check-in",
      startAt: "2026-12-21T09:00:00+01:00",
      endAt: "2026-12-21T09:15:00+01:00",
      timeZone: "Europe/Madrid",
      recurrence: { freq: "daily", count: 5 },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    await syncNow();
    const occurrence = (at: string) => `/api/v1/events/${id}/occurrences/${at}`;
    expect(
      (
        await api(s, ana, "PATCH", occurrence("2026-12-22T08:00:00.000Z"), {
          startAt: "2026-12-22T11:00:00+01:00",
        })
      ).statusCode,
    ).toBe(200);
    expect(
      (await api(s, ana, "PATCH", occurrence("2026-12-23T08:00:00.000Z"), { title: "Check-in (long)" }))
        .statusCode,
    ).toBe(200);
    expect((await api(s, ana, "DELETE", occurrence("2026-12-24T08:00:00.000Z"))).statusCode).toBe(204);
    await syncNow();
    const [object] = (await objects()).filter((o) => o.ics.includes(`X-CONCILIA-ID:${id}`));
    const text = object!.ics.replace(/\r\n[ \t]/g, "");
    const overrides = text
      .split("BEGIN:VEVENT")
      .slice(2)
      .map((v) => ({
        rid: /RECURRENCE-ID[^:]*:(\S+)/.exec(v)?.[1],
        start: /\r\nDTSTART[^:]*:(\S+)/.exec(v)?.[1],
        summary: /\r\nSUMMARY:([^\r\n]*)/.exec(v)?.[1],
        status: /\r\nSTATUS:(\S+)/.exec(v)?.[1],
      }));
    expect(overrides).toEqual([
      { rid: "20261222T090000", start: "20261222T110000", summary: "Daily check-in", status: "CONFIRMED" },
      { rid: "20261223T090000", start: "20261223T090000", summary: "Check-in (long)", status: "CONFIRMED" },
      { rid: "20261224T090000", start: "20261224T090000", summary: "Daily check-in", status: "CANCELLED" },
    ]);
    await syncNow();
    const [again] = (await objects()).filter((o) => o.href === object!.href);
    expect(again!.etag).toBe(object!.etag);
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json().exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2026-12-22T08:00:00.000Z",
        startAt: "2026-12-22T10:00:00.000Z",
      }),
      expect.objectContaining({ originalStart: "2026-12-23T08:00:00.000Z", title: "Check-in (long)" }),
      expect.objectContaining({ originalStart: "2026-12-24T08:00:00.000Z", status: "cancelled" }),
    ]);
  });

  it("R-CAL-4: an event organised by someone else is stored read-only: PATCH answers 409", async () => {
    await put(
      "guest.ics",
      ics("guest-1@other.test", [
        "SUMMARY:Marta's review",
        "DTSTART:20261204T100000Z",
        "DTEND:20261204T110000Z",
        `ORGANIZER;CN=Marta Núñez:mailto:${MARTA}`,
        `ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:${account()}`,
      ]),
    );
    await syncNow();
    const e = await eventOf(new URL("guest.ics", cal.calendarUrl).href);
    expect(e).toMatchObject({ guest: true, readOnly: true });
    const res = await api(s, ana, "PATCH", `/api/v1/events/${e.id}`, { title: "Mine now" });
    expect(res.statusCode).toBe(409);
  });

  it("R-CAL-3, R-CAL-4: one meeting in two CRM users' CalDAV calendars is one event, listed read-only for the second user; her copy never edits it", async () => {
    const meeting = (summary: string) =>
      ics("offsite-9@other.test", [
        `SUMMARY:${summary}`,
        "DTSTART:20261208T100000Z",
        "DTEND:20261208T120000Z",
        `ORGANIZER;CN=Marta Núñez:mailto:${MARTA}`,
        `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${account()}`,
      ]);
    await put("offsite.ics", meeting("Offsite"));
    await syncNow();
    const e = await eventOf(new URL("offsite.ics", cal.calendarUrl).href);
    const beaCal = await newCalendarUser("Work");
    const bea = await s.user(`bea-${engine}-${randomBytes(3).toString("hex")}@acme.test`, { name: "Bea" });
    const beaId = newId();
    await s.ctx.db.insert(connections).values({
      id: beaId,
      userId: bea.id,
      provider: "icloud",
      accountAddress: `${beaCal.account.username}@icloud.test`,
      syncs: "calendar",
      calendars: [{ id: beaCal.calendarUrl, name: "Work", primary: true, selected: true }],
      imapServer: { host: "127.0.0.1", port: 1, tls: "none", username: beaCal.account.username },
    });
    await putSecret(s.ctx, beaId, SECRET.appPassword, beaCal.account.password, null);
    const putBea = async (body: string, etag?: string) => {
      const res = await beaCal.client.fetch(new URL("offsite.ics", beaCal.calendarUrl).href, {
        method: "PUT",
        headers: {
          ...beaCal.client.headers,
          "content-type": "text/calendar",
          ...(etag ? { "if-match": etag } : {}),
        },
        body,
      });
      expect(res.status).toBeLessThan(300);
    };
    await putBea(meeting("Offsite"));
    await syncNow(beaId);
    const [beaLink] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, beaId));
    expect(beaLink?.eventId).toBe(e.id);
    const seen = await api(s, bea, "GET", `/api/v1/events/${e.id}`);
    expect(seen.json()).toMatchObject({
      title: "Offsite",
      readOnly: true,
      owner: expect.objectContaining({ id: ana.id }),
    });
    expect((await api(s, bea, "PATCH", `/api/v1/events/${e.id}`, { title: "Mine" })).statusCode).toBe(409);
    await putBea(meeting("Offsite (Bea's copy)"));
    await syncNow(beaId);
    await syncNow();
    expect((await api(s, ana, "GET", `/api/v1/events/${e.id}`)).json().title).toBe("Offsite");
    expect(
      (await api(s, ana, "GET", "/api/v1/events?limit=200"))
        .json()
        .items.filter((x: { title: string }) => x.title.startsWith("Offsite")),
    ).toHaveLength(1);
  });

  it("R-CAL-1, R-CAL-7: an event created in Concilia appears in the calendar once; the next sync writes nothing back (no echo)", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Demo Iberia",
      startAt: "2026-12-09T10:00:00.000Z",
      endAt: "2026-12-09T11:00:00.000Z",
      attendees: [{ email: MARTA }],
    });
    expect(made.statusCode).toBe(201);
    await syncNow();
    const first = (await objects()).filter((o) => o.ics.includes("SUMMARY:Demo Iberia"));
    expect(first).toHaveLength(1);
    expect(first[0]!.ics).toContain(`X-CONCILIA-ID:${made.json().id}`);
    expect(first[0]!.ics.toLowerCase()).toContain(`mailto:${MARTA}`);
    await syncNow();
    await syncNow();
    const again = (await objects()).filter((o) => o.ics.includes("SUMMARY:Demo Iberia"));
    expect(again.map((o) => [o.href, o.etag])).toEqual(first.map((o) => [o.href, o.etag]));
    const e = await eventOf(first[0]!.href);
    expect(e).toMatchObject({ id: made.json().id, title: "Demo Iberia", origin: "crm" });
  });

  it("R-CAL-2: an edit in Concilia reaches the calendar, and an edit in the calendar reaches Concilia", async () => {
    const [mine] = (await objects()).filter((o) => o.ics.includes("SUMMARY:Demo Iberia"));
    const id = (await eventOf(mine!.href)).id;
    const patched = await api(s, ana, "PATCH", `/api/v1/events/${id}`, {
      title: "Demo Iberia, second round",
    });
    expect(patched.statusCode).toBe(200);
    await syncNow();
    const [edited] = (await objects()).filter((o) => o.href === mine!.href);
    expect(edited!.ics).toContain("SUMMARY:Demo Iberia\\, second round");
    // Another client renames it in the calendar.
    const theirs = edited!.ics.replace("SUMMARY:Demo Iberia\\, second round", "SUMMARY:Demo Iberia (final)");
    await put(new URL(mine!.href).pathname.split("/").pop()!, theirs, edited!.etag ?? undefined);
    await syncNow();
    expect(await eventOf(mine!.href)).toMatchObject({ id, title: "Demo Iberia (final)" });
    // And that change is not pushed back as a new write.
    const [after] = (await objects()).filter((o) => o.href === mine!.href);
    await syncNow();
    const [still] = (await objects()).filter((o) => o.href === mine!.href);
    expect(still!.etag).toBe(after!.etag);
  });

  it("R-CON-9: an iCloud account connected without a calendar list gets its calendars stored at the first sync, the primary one selected and followed", async () => {
    const bea = await userWithMarta(s, `bea-${engine}-${randomBytes(3).toString("hex")}@acme.test`);
    const id = newId();
    await s.ctx.db.insert(connections).values({
      id,
      userId: bea.id,
      provider: "icloud",
      accountAddress: account(),
      syncs: "calendar",
      imapServer: { host: "127.0.0.1", port: 1, tls: "none", username: cal.account.username },
    });
    await putSecret(s.ctx, id, SECRET.appPassword, cal.account.password, null);
    await put(
      "listed.ics",
      ics("listed-1@other.test", [
        "SUMMARY:Listed calendar review",
        "DTSTART:20261210T100000Z",
        "DTEND:20261210T110000Z",
      ]),
    );
    for (let i = 0; i < 100; i++) {
      const r = await runStepExclusive(s.ctx, id);
      if (r !== "busy" && r.result !== "more") break;
    }
    const [stored] = await s.ctx.db.select().from(connections).where(eq(connections.id, id));
    expect(stored?.calendars).toEqual([
      expect.objectContaining({ id: cal.calendarUrl, name: "Work", primary: true, selected: true }),
    ]);
    const res = await api(s, bea, "GET", "/api/v1/events?from=2026-12-10T00:00:00Z&to=2026-12-11T00:00:00Z");
    expect(res.statusCode).toBe(200);
    expect(JSON.stringify(res.json())).toContain("Listed calendar review");
  });
  it("R-CAL-2: an edit in Concilia reaches the calendar at once, without a poll (none runs here)", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Quick Iberia",
      startAt: "2026-12-10T10:00:00.000Z",
      endAt: "2026-12-10T11:00:00.000Z",
    });
    expect(made.statusCode).toBe(201);
    const inCalendar = async (summary: string) => {
      for (let i = 0; i < 100; i++) {
        if ((await objects()).some((o) => o.ics.includes(`SUMMARY:${summary}`))) return true;
        await new Promise((done) => setTimeout(done, 200));
      }
      return false;
    };
    expect(await inCalendar("Quick Iberia")).toBe(true);
    const patched = await api(s, ana, "PATCH", `/api/v1/events/${made.json().id}`, {
      title: "Quick Iberia 2",
    });
    expect(patched.statusCode).toBe(200);
    expect(await inCalendar("Quick Iberia 2")).toBe(true);
  });
  it("R-P-3: a CRM event edited both in Concilia and in the calendar does not stop the calendar's other changes from syncing", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Both sides",
      startAt: "2026-12-11T10:00:00.000Z",
      endAt: "2026-12-11T11:00:00.000Z",
    });
    expect(made.statusCode).toBe(201);
    await syncNow();
    const [o] = (await objects()).filter((x) => x.ics.includes("SUMMARY:Both sides"));
    const name = new URL(o!.href).pathname.split("/").pop()!;
    await put(
      name,
      o!.ics.replace("SUMMARY:Both sides", "SUMMARY:Both sides (calendar)"),
      o!.etag ?? undefined,
    );
    // The CRM's edit lands before any step sees the calendar's (written past the API's trigger).
    await s.ctx.db
      .update(events)
      .set({ title: "Both sides (CRM)", updatedAt: new Date() })
      .where(eq(events.id, made.json().id));
    await put(
      "after-conflict.ics",
      ics("after-conflict@other.test", [
        "SUMMARY:Made after the conflict",
        "DTSTART:20261212T100000Z",
        "DTEND:20261212T110000Z",
        `ORGANIZER:mailto:${account()}`,
      ]),
    );
    await syncNow();
    const e = await eventOf(new URL("after-conflict.ics", cal.calendarUrl).href);
    expect(e).toMatchObject({ title: "Made after the conflict" });
  });

  it("R-P-2 (cursor expiry): a sync token the server no longer accepts brings a full re-listing that adds the new object and no other row", async () => {
    const rows = async () => ({
      events: (await s.ctx.db.select({ id: events.id }).from(events)).length,
      links: (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId)))
        .length,
    });
    await syncNow();
    const before = await rows();
    const scopeKey = `calendar:${cal.calendarUrl}`;
    const [held] = await s.ctx.db
      .select()
      .from(syncCursors)
      .where(and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, scopeKey)));
    expect(held?.cursor).toMatchObject({ syncToken: expect.stringMatching(/\S/) });
    // A token the server has forgotten (Radicale answers it with the valid-sync-token precondition).
    await s.ctx.db
      .update(syncCursors)
      .set({
        cursor: {
          ...(held!.cursor as Record<string, unknown>),
          syncToken: `http://radicale.org/ns/sync/${"0".repeat(64)}`,
        },
      })
      .where(and(eq(syncCursors.connectionId, connectionId), eq(syncCursors.scopeKey, scopeKey)));
    await put(
      "after-expiry.ics",
      ics("after-expiry@other.test", [
        "SUMMARY:Made while the token expired",
        "DTSTART:20261214T100000Z",
        "DTEND:20261214T110000Z",
        `ORGANIZER:mailto:${account()}`,
      ]),
    );
    await syncNow();
    expect(await eventOf(new URL("after-expiry.ics", cal.calendarUrl).href)).toMatchObject({
      title: "Made while the token expired",
    });
    expect(await rows()).toEqual({ events: before.events + 1, links: before.links + 1 });
    await syncNow();
    expect(await rows()).toEqual({ events: before.events + 1, links: before.links + 1 });
    const status = (await api(s, ana, "GET", `/api/v1/connections/${connectionId}/status`)).json();
    expect(status).toMatchObject({ status: "up_to_date", lastError: null });
  });
});
