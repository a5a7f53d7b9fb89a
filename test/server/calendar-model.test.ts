// The event model calendar sync will build on: all-day events as dates, timed events as instants
// with their zones (Windows names mapped), series with exceptions keyed by original start, attendee
// answers that survive edits, guest events read-only, cancelled events kept, and the links to
// calendars. Series and guest events are written as sync will write them: straight into the tables.
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syncedStateOf } from "../../server/calendar/synced-state.js";
import { migrationsFolder } from "../../server/db/index.js";
import { connections, eventAttendees, eventExceptions, eventLinks, events } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { wallStrings } from "../../shared/zoned-time.js";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("the event model on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string; email: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@calendar.example", { name: "Ana" });
  });
  afterAll(() => s?.close());

  const call = (method: string, url: string, payload?: unknown) => callAs(s, ana.token, method, url, payload);

  /** A weekly series as sync will store it: Mondays at 09:00 in Madrid from `start` (a UTC instant). */
  async function series(start: string, over: Partial<typeof events.$inferInsert> = {}) {
    const id = newId();
    await s.ctx.db.insert(events).values({
      id,
      title: "Weekly pipeline review",
      startAt: new Date(start),
      endAt: new Date(Date.parse(start) + 3_600_000),
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
      origin: "external",
      organizerEmail: ana.email,
      recurrence: "FREQ=WEEKLY;BYDAY=MO",
      ownerId: ana.id,
      ...over,
    });
    return id;
  }

  it("R-CAL-6 / R-ACT-5: an all-day event created in Kiritimati (UTC+14) stays on its date for a reader in Honolulu (UTC−10)", async () => {
    const made = await call("POST", "/api/v1/events", {
      title: "Kiribati national day",
      allDay: true,
      startDate: "2031-07-12",
      timeZone: "Pacific/Kiritimati",
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ allDay: true, startDate: "2031-07-12", endDate: "2031-07-13" });
    // 12 July on Honolulu's clock runs from 10:00 UTC on the 12th to 10:00 UTC on the 13th.
    const honoluluDay = await call("GET", "/api/v1/events?from=2031-07-12T10:00:00Z&to=2031-07-13T10:00:00Z");
    expect(honoluluDay.body.items.map((e: { startDate: string }) => e.startDate)).toEqual(["2031-07-12"]);
    const later = await call("GET", "/api/v1/events?from=2031-07-14T10:00:00Z&to=2031-07-15T10:00:00Z");
    expect(later.body.items).toEqual([]);
    // Its zone changed to Honolulu's: still 12 July.
    const moved = await call("PATCH", `/api/v1/events/${made.body.id}`, { timeZone: "Pacific/Honolulu" });
    expect(moved.body).toMatchObject({
      startDate: "2031-07-12",
      endDate: "2031-07-13",
      timeZone: "Pacific/Honolulu",
    });
    const bad = await call("POST", "/api/v1/events", {
      title: "x",
      allDay: true,
      startDate: "2031-07-12",
      endDate: "2031-07-12",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: "body.endDate" })]);
  });

  it("R-ACT-5: events stored before this model migrate: all-day ones to the dates their zone showed, timed ones keep their instants", async () => {
    const id = newId();
    // Old rows: 3 March in Auckland (UTC+13) stored as instants, the end at the next midnight there.
    await s.ctx.database.query(
      "insert into events (id, title, start_at, end_at, time_zone, all_day, owner_id) values ($1, 'Old all-day', '2031-03-02T11:00:00Z', '2031-03-03T11:00:00Z', 'Pacific/Auckland', true, $2)",
      [id, ana.id],
    );
    // A timed one whose zone was never checked: it keeps its instants, in UTC.
    const timed = newId();
    await s.ctx.database.query(
      "insert into events (id, title, start_at, end_at, time_zone, owner_id) values ($1, 'Old timed', '2031-03-02T11:00:00Z', '2031-03-02T12:00:00Z', 'Nowhere/Special', $2)",
      [timed, ana.id],
    );
    const file = fs.readFileSync(path.join(migrationsFolder, "0011_event_model_backfill.sql"), "utf8");
    for (const statement of file.split("--> statement-breakpoint")) await s.ctx.database.query(statement);
    const got = await call("GET", `/api/v1/events/${id}`);
    expect(got.body).toMatchObject({
      allDay: true,
      startDate: "2031-03-03",
      endDate: "2031-03-04",
      timeZone: "Pacific/Auckland",
      endTimeZone: "Pacific/Auckland",
    });
    expect((await call("GET", `/api/v1/events/${timed}`)).body).toMatchObject({
      startAt: "2031-03-02T11:00:00.000Z",
      endAt: "2031-03-02T12:00:00.000Z",
      timeZone: "UTC",
      endTimeZone: "UTC",
      allDay: false,
      startDate: null,
    });
  });

  it("R-CAL-6: a series crossing the change to summer time keeps 09:00 on Madrid's clock; its occurrences carry series and original start, read-only", async () => {
    const id = await series("2031-03-17T08:00:00Z");
    const r = await call("GET", "/api/v1/events?from=2031-03-16T00:00:00Z&to=2031-04-08T00:00:00Z");
    const mine = r.body.items.filter((e: { id: string }) => e.id === id);
    expect(mine.map((e: { startAt: string }) => e.startAt)).toEqual([
      "2031-03-17T08:00:00.000Z",
      "2031-03-24T08:00:00.000Z",
      "2031-03-31T07:00:00.000Z",
      "2031-04-07T07:00:00.000Z",
    ]);
    for (const e of mine) {
      expect(wallStrings(Date.parse(e.startAt), "Europe/Madrid").time).toBe("09:00");
      expect(e).toMatchObject({ readOnly: true, occurrence: { seriesId: id, originalStart: e.startAt } });
    }
  });

  it("R-CAL-6: moved, changed and cancelled occurrences show as the calendar has them, and the series lists its exceptions", async () => {
    const id = await series("2032-01-05T08:00:00Z", { title: "Stand-up" });
    await s.ctx.db.insert(eventExceptions).values([
      { eventId: id, originalStart: "2032-01-12T08:00:00.000Z", status: "cancelled" },
      {
        eventId: id,
        originalStart: "2032-01-19T08:00:00.000Z",
        startAt: new Date("2032-01-21T15:00:00Z"),
        endAt: new Date("2032-01-21T16:00:00Z"),
      },
      { eventId: id, originalStart: "2032-01-26T08:00:00.000Z", title: "Stand-up with the board" },
    ]);
    const r = await call("GET", "/api/v1/events?from=2032-01-01T00:00:00Z&to=2032-02-01T00:00:00Z");
    const mine = r.body.items
      .filter((e: { id: string }) => e.id === id)
      .map((e: { title: string; startAt: string; occurrence: { originalStart: string } }) => [
        e.occurrence.originalStart,
        e.startAt,
        e.title,
      ]);
    expect(mine).toEqual([
      ["2032-01-05T08:00:00.000Z", "2032-01-05T08:00:00.000Z", "Stand-up"],
      ["2032-01-19T08:00:00.000Z", "2032-01-21T15:00:00.000Z", "Stand-up"],
      ["2032-01-26T08:00:00.000Z", "2032-01-26T08:00:00.000Z", "Stand-up with the board"],
    ]);
    const whole = await call("GET", `/api/v1/events/${id}`);
    expect(whole.body.recurrence).toEqual({ rule: "FREQ=WEEKLY;BYDAY=MO", rdates: [], exdates: [] });
    expect(whole.body.exceptions.map((x: { status: string }) => x.status)).toEqual([
      "cancelled",
      "confirmed",
      "confirmed",
    ]);
    const change = await call("PATCH", `/api/v1/events/${id}`, { title: "Mine now" });
    expect(change.status).toBe(409);
    expect(change.body.detail).toMatch(/recurring series/);
  });

  it("R-CAL-6: pages of a range hold single events and occurrences in start order, each once", async () => {
    const id = await series("2033-02-07T08:00:00Z", { title: "Paged series" });
    for (const [title, at] of [
      ["before", "2033-02-07T07:00:00Z"],
      ["same start", "2033-02-14T08:00:00Z"],
      ["between", "2033-02-16T12:00:00Z"],
    ])
      await call("POST", "/api/v1/events", {
        title,
        startAt: at,
        endAt: new Date(Date.parse(at) + 1_800_000).toISOString(),
      });
    const range = "from=2033-02-01T00:00:00Z&to=2033-03-01T00:00:00Z";
    type Listed = {
      id: string;
      title: string;
      startAt: string;
      occurrence: { originalStart: string } | null;
    };
    const label = (e: Listed) => `${e.title}@${e.startAt}${e.occurrence ? " (occurrence)" : ""}`;
    // Other tests' series run on through this range too.
    const all: Listed[] = (await call("GET", `/api/v1/events?${range}&limit=100`)).body.items;
    const ours = (list: Listed[]) =>
      list.filter((e) => e.id === id || ["before", "same start", "between"].includes(e.title)).map(label);
    const sameStart = all.find((e) => e.title === "same start")!;
    expect(ours(all)).toEqual([
      "before@2033-02-07T07:00:00.000Z",
      "Paged series@2033-02-07T08:00:00.000Z (occurrence)",
      // At the same start, the one whose id sorts first comes first.
      ...(`${id}~` < sameStart.id
        ? ["Paged series@2033-02-14T08:00:00.000Z (occurrence)", "same start@2033-02-14T08:00:00.000Z"]
        : ["same start@2033-02-14T08:00:00.000Z", "Paged series@2033-02-14T08:00:00.000Z (occurrence)"]),
      "between@2033-02-16T12:00:00.000Z",
      "Paged series@2033-02-21T08:00:00.000Z (occurrence)",
      "Paged series@2033-02-28T08:00:00.000Z (occurrence)",
    ]);
    const walked: Listed[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Listed[]; nextCursor: string | null } } = await call(
        "GET",
        `/api/v1/events?${range}&limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      walked.push(...page.body.items);
      cursor = page.body.nextCursor;
      expect(walked.length).toBeLessThan(60);
    } while (cursor);
    expect(walked.map(label)).toEqual(all.map(label));
  });

  it("R-CAL-8: a new attendee list keeps the answers of those who stay; new ones need action, removed ones go", async () => {
    const made = await call("POST", "/api/v1/events", {
      title: "Pricing call",
      startAt: "2031-05-06T09:00:00+02:00",
      endAt: "2031-05-06T10:00:00+02:00",
      timeZone: "Europe/Madrid",
      attendees: [
        { email: "Leo@client.example" },
        { email: "mia@client.example" },
        { email: "ned@client.example" },
      ],
    });
    // Their answers, as calendar sync will record them.
    for (const [email, responseStatus] of [
      ["leo@client.example", "accepted"],
      ["mia@client.example", "declined"],
    ] as const)
      await s.ctx.db.update(eventAttendees).set({ responseStatus }).where(eq(eventAttendees.email, email));
    const edited = await call("PATCH", `/api/v1/events/${made.body.id}`, {
      attendees: [
        { email: "leo@client.example", name: "Leo Client" },
        { email: "MIA@client.example" },
        { email: "oli@client.example" },
      ],
    });
    expect(edited.status).toBe(200);
    const byEmail = Object.fromEntries(
      edited.body.attendees.map((a: { email: string; responseStatus: string; name: string | null }) => [
        a.email,
        [a.responseStatus, a.name],
      ]),
    );
    expect(byEmail).toEqual({
      "leo@client.example": ["accepted", "Leo Client"],
      "mia@client.example": ["declined", null],
      "oli@client.example": ["needsAction", null],
    });
  });

  it("R-CAL-4: an event the user was invited to is shown but refuses PATCH and DELETE with 409, naming the organizer", async () => {
    const id = newId();
    await s.ctx.db.insert(events).values({
      id,
      title: "Supplier's kick-off",
      startAt: new Date("2031-06-02T08:00:00Z"),
      endAt: new Date("2031-06-02T09:00:00Z"),
      timeZone: "Europe/Rome",
      endTimeZone: "Europe/Rome",
      origin: "external",
      guest: true,
      organizerEmail: "giulia@supplier.example",
      organizerName: "Giulia Rossi",
      ownerId: ana.id,
    });
    const shown = await call("GET", `/api/v1/events/${id}`);
    expect(shown.body).toMatchObject({ guest: true, readOnly: true, organizerName: "Giulia Rossi" });
    for (const [method, payload] of [
      ["PATCH", { title: "Renamed" }],
      ["DELETE", undefined],
    ] as const) {
      const r = await call(method, `/api/v1/events/${id}`, payload);
      expect(r.status, method).toBe(409);
      expect(r.body.detail).toMatch(
        /guest of this event, organized by Giulia Rossi <giulia@supplier\.example>/,
      );
    }
    expect((await call("GET", `/api/v1/events/${id}`)).body.title).toBe("Supplier's kick-off");
  });

  it("R-CAL-9: a CRM-owned event already in a calendar is kept cancelled when deleted, so sync can remove it there; one in no calendar goes", async () => {
    const made = await call("POST", "/api/v1/events", {
      title: "Demo",
      startAt: "2031-09-01T10:00:00Z",
      endAt: "2031-09-01T11:00:00Z",
    });
    const connectionId = newId();
    await s.ctx.db
      .insert(connections)
      .values({ id: connectionId, userId: ana.id, provider: "google", accountAddress: ana.email });
    const [row] = await s.ctx.db.select().from(events).where(eq(events.id, made.body.id));
    const lastSynced = syncedStateOf(row, [], []);
    expect(lastSynced.timing).toEqual({
      allDay: false,
      startAt: "2031-09-01T10:00:00.000Z",
      endAt: "2031-09-01T11:00:00.000Z",
      timeZone: "UTC",
      endTimeZone: "UTC",
    });
    await s.ctx.db.insert(eventLinks).values({
      id: newId(),
      eventId: made.body.id,
      connectionId,
      calendarId: "primary",
      providerId: "abc123",
      icalUid: "abc123@google.com",
      etag: '"3181161784712000"',
      sequence: 0,
      lastSynced,
    });
    expect((await call("DELETE", `/api/v1/events/${made.body.id}`)).status).toBe(204);
    expect((await call("GET", `/api/v1/events/${made.body.id}`)).body.status).toBe("cancelled");
    const lone = await call("POST", "/api/v1/events", {
      title: "Lone",
      startAt: "2031-09-02T10:00:00Z",
      endAt: "2031-09-02T11:00:00Z",
    });
    expect((await call("DELETE", `/api/v1/events/${lone.body.id}`)).status).toBe(204);
    expect((await call("GET", `/api/v1/events/${lone.body.id}`)).status).toBe(404);
  });

  it("R-SB-1: the sidebar's next events include the next occurrence of a weekly series that began last year", async () => {
    const person = await call("POST", "/api/v1/persons", {
      firstName: "Rita",
      emails: ["rita@client.example"],
    });
    // Mondays at 09:00 in Madrid, from a Monday about a year ago.
    const now = Date.now();
    const yearAgo = new Date(now - 364 * 86_400_000);
    const monday = new Date(
      Date.UTC(
        yearAgo.getUTCFullYear(),
        yearAgo.getUTCMonth(),
        yearAgo.getUTCDate() - ((yearAgo.getUTCDay() + 6) % 7),
        8,
      ),
    );
    const id = await series(monday.toISOString(), { title: "Rita weekly" });
    await s.ctx.db.insert(eventAttendees).values({
      eventId: id,
      email: "rita@client.example",
      recordType: "person",
      recordId: person.body.id,
    });
    const r = await call("GET", "/api/v1/context?address=rita%40client.example");
    const card = r.body.participants[0].record;
    const next = card.nextEvents.find((e: { id: string }) => e.id === id);
    expect(next).toBeDefined();
    expect(Date.parse(next.endAt)).toBeGreaterThan(now);
    expect(Date.parse(next.startAt)).toBeLessThan(now + 7 * 86_400_000);
    expect(new Date(next.startAt).getUTCDay()).toBe(1);
    expect(wallStrings(Date.parse(next.startAt), "Europe/Madrid").time).toBe("09:00");
    expect(next).toMatchObject({ title: "Rita weekly", allDay: false, originalStart: next.startAt });
  });

  it("R-ACT-5: Windows zone names are taken and stored as their IANA zones", async () => {
    const zones: [string, string][] = [
      ["Romance Standard Time", "Europe/Paris"],
      ["W. Europe Standard Time", "Europe/Berlin"],
      ["Pacific Standard Time", "America/Los_Angeles"],
      ["India Standard Time", "Asia/Calcutta"],
      ["Chatham Islands Standard Time", "Pacific/Chatham"],
    ];
    for (const [windows, iana] of zones) {
      const r = await call("POST", "/api/v1/events", {
        title: windows,
        startAt: "2031-10-01T10:00:00Z",
        endAt: "2031-10-01T11:00:00Z",
        timeZone: windows,
      });
      expect(r.status, windows).toBe(201);
      expect([r.body.timeZone, r.body.endTimeZone]).toEqual([iana, iana]);
    }
    const activity = await call("POST", "/api/v1/activities", {
      type: "call",
      subject: "Call Tokyo",
      state: "planned",
      startAt: "2031-10-01T01:00:00Z",
      timeZone: "Tokyo Standard Time",
    });
    expect(activity.status).toBe(201);
    expect(activity.body.timeZone).toBe("Asia/Tokyo");
  });

  it("R-ACT-5: an unknown zone is refused for events and activities with a 400 that names it", async () => {
    const created = await call("POST", "/api/v1/events", {
      title: "Somewhere",
      startAt: "2031-10-01T10:00:00Z",
      endAt: "2031-10-01T11:00:00Z",
      timeZone: "Mars/Olympus_Mons",
    });
    expect(created.status).toBe(400);
    expect(created.body.detail).toMatch(
      /'Mars\/Olympus_Mons' is not a time zone: give an IANA name such as Europe\/Madrid/,
    );
    expect(created.body.errors).toEqual([{ path: "body.timeZone", message: "unknown time zone" }]);
    const ok = await call("POST", "/api/v1/events", {
      title: "Flight",
      startAt: "2031-10-01T10:00:00Z",
      endAt: "2031-10-01T21:00:00Z",
      timeZone: "Europe/Madrid",
    });
    const patched = await call("PATCH", `/api/v1/events/${ok.body.id}`, {
      endTimeZone: "Customized Time Zone",
    });
    expect(patched.status).toBe(400);
    expect(patched.body.errors).toEqual([{ path: "body.endTimeZone", message: "unknown time zone" }]);
    const activity = await call("POST", "/api/v1/activities", {
      type: "call",
      subject: "Call",
      timeZone: "Atlantis/Capital",
    });
    expect(activity.status).toBe(400);
    expect(activity.body.detail).toMatch(/'Atlantis\/Capital' is not a time zone/);
    const act = await call("POST", "/api/v1/activities", { type: "call", subject: "Call" });
    const actPatch = await call("PATCH", `/api/v1/activities/${act.body.id}`, {
      timeZone: "Nowhere Standard Time",
    });
    expect(actPatch.status).toBe(400);
    expect(actPatch.body.errors).toEqual([{ path: "body.timeZone", message: "unknown time zone" }]);
  });
});
