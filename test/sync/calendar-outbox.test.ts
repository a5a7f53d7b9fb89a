// The calendar outbox (server/sync/calendar/outbox.ts, outbound.ts): what CRM changes owe a connected
// calendar, counted as the requests a calendar receives. The CRM is changed through the API, as users
// do; history (events and activities made before the account was connected) is loaded in bulk.
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuthUser } from "../../server/auth/user.js";
import type { Connection } from "../../server/connections/connections.js";
import {
  activities,
  calendarOutbox,
  connections,
  eventAttendees,
  eventLinks,
  events,
} from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { pushCrmEvents } from "../../server/sync/calendar/outbound.js";
import { connectionOwner } from "../../server/sync/mail-writer.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { api, MARTA, userWithMarta } from "./mail-e2e.js";
import { MemoryCalendar } from "./memory-calendar.js";

const DAY = 86_400_000;
/** The tests that move a thousand items. */
const LONG = 120_000;

describe.each(engines)("calendar outbox on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string; email: string };
  let admin: { id: string; token: string };
  let connection: Connection;
  let owner: AuthUser;
  let cal: MemoryCalendar;
  const CALENDAR = "https://caldav.example/ana/work/";

  const push = (writer = cal.writer()) =>
    pushCrmEvents(
      s.ctx.db,
      owner,
      { connectionId: connection.id, calendarId: CALENDAR, connectedAt: connection.createdAt },
      writer,
    );
  const linksOf = (where: { eventId?: string; activityId?: string }) =>
    s.ctx.db
      .select()
      .from(eventLinks)
      .where(
        where.eventId ? eq(eventLinks.eventId, where.eventId) : eq(eventLinks.activityId, where.activityId!),
      );

  beforeAll(async () => {
    s = await startTestServer({ engine, env: { CONCILIA_SYNC_TICK_SECONDS: "0" } });
    ana = await userWithMarta(s, `ana-${engine}-${randomBytes(3).toString("hex")}@acme.test`);
    admin = await s.user(`admin-${engine}-${randomBytes(3).toString("hex")}@acme.test`, { role: "admin" });
    // A thousand meetings Ana made before connecting her calendar, a few with Marta invited.
    const before = Date.now() - 30 * DAY;
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      id: newId(),
      title: `Visit ${i}`,
      startAt: new Date(before + i * 3_600_000),
      endAt: new Date(before + i * 3_600_000 + 1_800_000),
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
      origin: "crm" as const,
      organizerEmail: ana.email,
      ownerId: ana.id,
      createdAt: new Date(before),
      updatedAt: new Date(before),
    }));
    for (let i = 0; i < rows.length; i += 250) await s.ctx.db.insert(events).values(rows.slice(i, i + 250));
    await s.ctx.db
      .insert(eventAttendees)
      .values(
        rows
          .slice(0, 20)
          .map((r) => ({ eventId: r.id, email: MARTA, responseStatus: "needsAction" as const })),
      );
    [connection] = await s.ctx.db
      .insert(connections)
      .values({
        id: newId(),
        userId: ana.id,
        provider: "icloud",
        accountAddress: ana.email,
        syncs: "both",
        calendars: [{ id: CALENDAR, name: "Work", primary: true, selected: true }],
      })
      .returning();
    owner = await connectionOwner(s.ctx.db, connection!);
    cal = new MemoryCalendar();
  });
  afterAll(async () => {
    await s?.close();
  });
  beforeEach(() => {
    cal.take();
  });

  it(
    "failure mode 9, R-CAL-1: 1,000 existing CRM events are pushed once, inviting no one; a second step makes no provider request",
    async () => {
      await push();
      const first = cal.take();
      expect(first).toHaveLength(1000);
      expect(first.every((r) => r.kind === "create" && !r.sendInvitations)).toBe(true);
      expect(cal.items.size).toBe(1000);
      await push();
      expect(cal.take()).toEqual([]);
      const owed = await s.ctx.db
        .select()
        .from(calendarOutbox)
        .where(eq(calendarOutbox.connectionId, connection.id));
      expect(owed).toEqual([]);
    },
    LONG,
  );

  it("R-CAL-2, R-CAL-7: an edit in Concilia makes exactly one update (two edits before a step too), and no invitation", async () => {
    const [one] = await s.ctx.db.select().from(events).where(eq(events.title, "Visit 7"));
    for (const title of ["Visit 7, moved", "Visit 7, final"]) {
      const r = await api(s, ana, "PATCH", `/api/v1/events/${one!.id}`, { title });
      expect(r.statusCode).toBe(200);
    }
    await push();
    const requests = cal.take();
    expect(requests).toEqual([{ kind: "update", href: expect.any(String), sequence: 1 }]);
    expect(cal.items.get(requests[0]!.kind === "update" ? requests[0]!.href : "")?.state.title).toBe(
      "Visit 7, final",
    );
    await push();
    expect(cal.take()).toEqual([]);
  });

  it("R-CAL-1, R-CAL-7: an event created after connecting is created once and invites its attendees", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Demo for Marta",
      startAt: "2026-12-09T10:00:00.000Z",
      endAt: "2026-12-09T11:00:00.000Z",
      attendees: [{ email: MARTA }],
    });
    expect(made.statusCode).toBe(201);
    await push();
    expect(cal.take()).toEqual([
      { kind: "create", uid: `${made.json().id}@concilia`, sendInvitations: true, attendees: 1 },
    ]);
    await push();
    expect(cal.take()).toEqual([]);
  });

  it("R-CAL-9: deleting a synced event in Concilia removes it from the calendar, forgets the link and keeps the CRM event cancelled", async () => {
    const [one] = await s.ctx.db.select().from(events).where(eq(events.title, "Visit 8"));
    const [link] = await linksOf({ eventId: one!.id });
    expect(cal.items.has(link!.providerId)).toBe(true);
    const r = await api(s, ana, "DELETE", `/api/v1/events/${one!.id}`);
    expect(r.statusCode).toBe(204);
    await push();
    expect(cal.take()).toEqual([{ kind: "remove", href: link!.providerId }]);
    expect(cal.items.has(link!.providerId)).toBe(false);
    expect(await linksOf({ eventId: one!.id })).toEqual([]);
    const kept = await api(s, ana, "GET", `/api/v1/events/${one!.id}`);
    expect(kept.json()).toMatchObject({ title: "Visit 8", status: "cancelled" });
    await push();
    expect(cal.take()).toEqual([]);
  });

  it("outbox: a write is owed until its link is recorded; the create repeated after a crash finds its object", async () => {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Crash in between",
      startAt: "2026-12-10T10:00:00.000Z",
      endAt: "2026-12-10T11:00:00.000Z",
    });
    const id = made.json().id;
    // The calendar takes the object, then the process dies before the link is written.
    const dying = cal.writer({
      afterCreate: () => {
        throw new Error("process killed");
      },
    });
    await expect(push(dying)).rejects.toThrow("process killed");
    expect(await linksOf({ eventId: id })).toEqual([]);
    const owed = await s.ctx.db
      .select()
      .from(calendarOutbox)
      .where(and(eq(calendarOutbox.connectionId, connection.id), eq(calendarOutbox.itemId, id)));
    expect(owed).toHaveLength(1);
    cal.take();
    await push();
    expect(cal.take()).toEqual([expect.objectContaining({ kind: "create" })]);
    const withTag = [...cal.items.values()].filter((i) => i.conciliaId === id);
    expect(withTag).toHaveLength(1);
    expect(await linksOf({ eventId: id })).toEqual([
      expect.objectContaining({ providerId: withTag[0]!.href }),
    ]);
  });

  it(
    "R-ACT-3, failure mode 9: 'Sync previous activities' sends 1,000 historical planned activities once, with no attendee and no invitation",
    async () => {
      const type = `visit_${engine}`;
      const made = await api(s, admin, "POST", "/api/v1/activity-types", {
        key: type,
        name: "Visit",
        showInCalendars: true,
      });
      expect(made.statusCode).toBe(201);
      const before = Date.now() - 60 * DAY;
      const rows = Array.from({ length: 1000 }, (_, i) => ({
        id: newId(),
        type,
        state: "planned" as const,
        subject: `Planned visit ${i}`,
        startAt: new Date(Date.now() + i * 3_600_000),
        endAt: new Date(Date.now() + i * 3_600_000 + 1_800_000),
        timeZone: "Europe/Rome",
        ownerId: ana.id,
        createdAt: new Date(before),
        updatedAt: new Date(before),
      }));
      for (let i = 0; i < rows.length; i += 250)
        await s.ctx.db.insert(activities).values(rows.slice(i, i + 250));
      // Not before the user asks for them (R-ACT-3).
      await push();
      expect(cal.take()).toEqual([]);
      const asked = await api(
        s,
        ana,
        "POST",
        `/api/v1/connections/${connection.id}/sync-previous-activities`,
      );
      expect(asked.statusCode).toBe(200);
      expect(asked.json()).toMatchObject({ queued: 1000 });
      await push();
      const requests = cal.take();
      expect(requests).toHaveLength(1000);
      expect(requests.every((r) => r.kind === "create" && !r.sendInvitations && r.attendees === 0)).toBe(
        true,
      );
      // Asked again: nothing is duplicated, nothing is written.
      const again = await api(
        s,
        ana,
        "POST",
        `/api/v1/connections/${connection.id}/sync-previous-activities`,
      );
      expect(again.statusCode).toBe(200);
      await push();
      expect(cal.take()).toEqual([]);
      const activityItems = [...cal.items.values()].filter((i) => i.state.title.startsWith("Planned visit"));
      expect(activityItems).toHaveLength(1000);
    },
    LONG,
  );

  it(
    "R-ACT-1: switching 'show in calendars' off removes the type's entries; on writes them again",
    async () => {
      const type = `visit_${engine}`;
      const off = await api(s, admin, "PATCH", `/api/v1/activity-types/${type}`, { showInCalendars: false });
      expect(off.statusCode).toBe(200);
      await push();
      const removed = cal.take();
      expect(removed).toHaveLength(1000);
      expect(removed.every((r) => r.kind === "remove")).toBe(true);
      expect([...cal.items.values()].filter((i) => i.state.title.startsWith("Planned visit"))).toEqual([]);
      // The activities are all still in the CRM.
      const kept = await s.ctx.db
        .select({ id: activities.id })
        .from(activities)
        .where(eq(activities.type, type));
      expect(kept).toHaveLength(1000);
      const on = await api(s, admin, "PATCH", `/api/v1/activity-types/${type}`, { showInCalendars: true });
      expect(on.statusCode).toBe(200);
      await push();
      expect(cal.take().filter((r) => r.kind === "create")).toHaveLength(1000);
    },
    LONG,
  );

  it("R-ACT-1: a planned call goes to the calendar, its edit updates it, its deletion removes it; a done one stays as it was", async () => {
    const made = await api(s, ana, "POST", "/api/v1/activities", {
      type: "call",
      state: "planned",
      subject: "Call Marta about the renewal",
      startAt: "2026-12-11T09:00:00.000Z",
      endAt: "2026-12-11T09:20:00.000Z",
      timeZone: "Europe/Madrid",
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id;
    await push();
    expect(cal.take()).toEqual([
      { kind: "create", uid: `${id}@concilia`, sendInvitations: false, attendees: 0 },
    ]);
    await api(s, ana, "PATCH", `/api/v1/activities/${id}`, { subject: "Call Marta (renewal)" });
    await push();
    expect(cal.take()).toEqual([expect.objectContaining({ kind: "update" })]);
    // Done: the entry stays as the record of the call, and no longer follows the activity.
    await api(s, ana, "PATCH", `/api/v1/activities/${id}`, { state: "done", subject: "Called Marta" });
    await push();
    expect(cal.take()).toEqual([]);
    const [link] = await linksOf({ activityId: id });
    expect(cal.items.get(link!.providerId)?.state.title).toBe("Call Marta (renewal)");
    const gone = await api(s, ana, "DELETE", `/api/v1/activities/${id}`);
    expect(gone.statusCode).toBe(204);
    await push();
    expect(cal.take()).toEqual([{ kind: "remove", href: link!.providerId }]);
    expect(cal.items.has(link!.providerId)).toBe(false);
  });

  it(
    "R-ACT-4: 'Remove sync' stops the calendar sync, keeps every event and activity, and a later sync duplicates nothing",
    async () => {
      const countEvents = async () =>
        (await s.ctx.db.select({ id: events.id }).from(events).where(eq(events.ownerId, ana.id))).length;
      const countActivities = async () =>
        (await s.ctx.db.select({ id: activities.id }).from(activities).where(eq(activities.ownerId, ana.id)))
          .length;
      const [eventsBefore, activitiesBefore, itemsBefore] = [
        await countEvents(),
        await countActivities(),
        cal.items.size,
      ];
      const removed = await api(s, ana, "POST", `/api/v1/connections/${connection.id}/remove-calendar-sync`);
      expect(removed.statusCode).toBe(200);
      expect(removed.json().message).toMatch(/Nothing was lost/);
      expect(removed.json().connection).toMatchObject({ syncs: "email", targetCalendarId: null });
      expect(removed.json().connection.calendars.every((c: { selected: boolean }) => !c.selected)).toBe(true);
      expect([await countEvents(), await countActivities(), cal.items.size]).toEqual([
        eventsBefore,
        activitiesBefore,
        itemsBefore,
      ]);
      // Asked again, there is nothing left to remove.
      const twice = await api(s, ana, "POST", `/api/v1/connections/${connection.id}/remove-calendar-sync`);
      expect(twice.statusCode).toBe(409);
      // The user syncs the calendar again: the first push finds every item where it left it.
      // Meanwhile a planned visit already in the calendar is moved in Concilia.
      const [visit] = await s.ctx.db
        .select()
        .from(activities)
        .where(eq(activities.subject, "Planned visit 3"));
      const moved = await api(s, ana, "PATCH", `/api/v1/activities/${visit!.id}`, {
        subject: "Planned visit 3, moved",
      });
      expect(moved.statusCode).toBe(200);
      const back = await api(s, ana, "PATCH", `/api/v1/connections/${connection.id}`, {
        selectedCalendarIds: [CALENDAR],
      });
      expect(back.statusCode).toBe(200);
      await push();
      // Nothing is made twice; the one change made while the sync was off catches up.
      const [link] = await linksOf({ activityId: visit!.id });
      expect(cal.take()).toEqual([{ kind: "update", href: link!.providerId, sequence: 1 }]);
      expect(cal.items.get(link!.providerId)?.state.title).toBe("Planned visit 3, moved");
      expect(cal.items.size).toBe(itemsBefore);
    },
    LONG,
  );
});
