// Series made through the events API (R-CAL-6): the recurrence a client sends becomes the RRULE the
// calendars are given, the occurrences listed follow it on the series' clock, bad rules are refused
// with a problem+json naming the field, and one occurrence is changed, moved or cancelled by its
// original start. Series that came from a calendar stay read-only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("recurring events through the API on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string; email: string };
  let bea: { id: string; token: string; email: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@series.example", { name: "Ana" });
    bea = await s.user("bea@series.example", { name: "Bea" });
  });
  afterAll(() => s?.close());

  const call = (method: string, url: string, payload?: unknown, who = ana) =>
    callAs(s, who.token, method, url, payload);
  const weekly = (recurrence: object, over: object = {}) =>
    call("POST", "/api/v1/events", {
      title: "Pipeline review",
      startAt: "2027-03-22T09:00:00+01:00",
      endAt: "2027-03-22T10:00:00+01:00",
      timeZone: "Europe/Madrid",
      recurrence,
      ...over,
    });
  const listed = async (id: string, from: string, to: string) =>
    (await call("GET", `/api/v1/events?from=${from}&to=${to}`)).body.items.filter(
      (e: { id: string }) => e.id === id,
    );

  it("R-CAL-6: a weekly series made through the API is stored as its RRULE and lists its occurrences at 09:00 Madrid across the change to summer time", async () => {
    const made = await weekly({ freq: "weekly", byDay: ["WE", "MO"], count: 4 });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4" },
      readOnly: false,
      exceptions: [],
      warnings: [],
    });
    const occurrences = await listed(made.body.id, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z");
    // Each changes through the occurrence routes: not read-only, as its series is not.
    expect(occurrences.every((o: { readOnly: boolean }) => o.readOnly === false)).toBe(true);
    expect(occurrences.map((o: { startAt: string }) => o.startAt)).toEqual([
      "2027-03-22T08:00:00.000Z",
      "2027-03-24T08:00:00.000Z",
      // Summer time from 28 March: still 09:00 on Madrid's clock.
      "2027-03-29T07:00:00.000Z",
      "2027-03-31T07:00:00.000Z",
    ]);
  });

  it("R-CAL-6: until is the last day on the series' clock; monthly and yearly series follow the start's day", async () => {
    const until = await weekly({ freq: "daily", interval: 2, until: "2027-03-26" });
    expect(until.body.recurrence.rule).toBe("FREQ=DAILY;INTERVAL=2;UNTIL=20270326T080000Z");
    const days = await listed(until.body.id, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z");
    expect(days.map((o: { startAt: string }) => o.startAt.slice(0, 10))).toEqual([
      "2027-03-22",
      "2027-03-24",
      "2027-03-26",
    ]);
    const monthly = await weekly({ freq: "monthly", count: 3 });
    expect(monthly.body.recurrence.rule).toBe("FREQ=MONTHLY;BYMONTHDAY=22;COUNT=3");
    const allDay = await call("POST", "/api/v1/events", {
      title: "Anniversary",
      allDay: true,
      startDate: "2027-06-01",
      recurrence: { freq: "yearly", until: "2029-06-01" },
    });
    expect(allDay.body.recurrence.rule).toBe("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1;UNTIL=20290601");
  });

  it("R-CAL-6: bad rules are refused with a problem+json naming the field, and nothing is stored", async () => {
    const before = (await s.ctx.db.select({ id: events.id }).from(events)).length;
    const cases: [object, string, RegExp][] = [
      [{ freq: "secondly" }, "body.recurrence.freq", /not a calendar recurrence/],
      [{ freq: "MINUTELY" }, "body.recurrence.freq", /not a calendar recurrence/],
      [{ freq: "fortnightly" }, "body.recurrence.freq", /daily, weekly, monthly or yearly/],
      [{ freq: "weekly", interval: 0 }, "body.recurrence.interval", /./],
      [{ freq: "daily", count: 3, until: "2027-04-01" }, "body.recurrence.until", /count or until/],
      [{ freq: "monthly", byDay: ["MO"] }, "body.recurrence.byDay", /weekly series only/],
      [{ freq: "weekly", byDay: ["XX"] }, "body.recurrence.byDay.0", /./],
      [{ freq: "weekly", byDay: ["TU"] }, "body.recurrence.byDay", /must include MO/],
      [{ freq: "daily", until: "2027-03-21" }, "body.recurrence.until", /2027-03-22/],
      [{ freq: "daily", until: "22/03/2027" }, "body.recurrence.until", /YYYY-MM-DD/],
      [{ freq: "daily", bySecond: [0] }, "body.recurrence", /./],
    ];
    for (const [recurrence, path, message] of cases) {
      const r = await weekly(recurrence);
      expect(r.status, JSON.stringify(recurrence)).toBe(400);
      expect(r.type).toMatch(/application\/problem\+json/);
      const error = r.body.errors.find((e: { path: string }) => e.path === path);
      expect(error?.message, `${JSON.stringify(recurrence)}: ${JSON.stringify(r.body.errors)}`).toMatch(
        message,
      );
    }
    // Outlook and Google would not agree on the days of a monthly series from the 29th to the 31st.
    const late = await weekly(
      { freq: "monthly" },
      { startAt: "2027-03-31T09:00:00+02:00", endAt: "2027-03-31T10:00:00+02:00" },
    );
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual([
      { path: "body.recurrence.freq", message: "monthly needs a start on day 1 to 28 of the month" },
    ]);
    expect((await s.ctx.db.select({ id: events.id }).from(events)).length).toBe(before);
  });

  it("R-CAL-6: PATCH gives a series a new rule, keeps its rule fitted to a new start, or makes it a single event; each drops the changed occurrences", async () => {
    const made = await weekly({ freq: "weekly", until: "2027-04-30" });
    const id = made.body.id;
    expect((await call("DELETE", `/api/v1/events/${id}/occurrences/2027-03-29T07:00:00.000Z`)).status).toBe(
      204,
    );
    const later = await call("PATCH", `/api/v1/events/${id}`, {
      startAt: "2027-03-22T11:00:00+01:00",
      endAt: "2027-03-22T12:00:00+01:00",
    });
    expect(later.status).toBe(200);
    // Same last day, at the new time of day.
    expect(later.body).toMatchObject({
      recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20270430T090000Z" },
      exceptions: [],
    });
    const ruled = await call("PATCH", `/api/v1/events/${id}`, { recurrence: { freq: "daily", count: 2 } });
    expect(ruled.body.recurrence.rule).toBe("FREQ=DAILY;COUNT=2");
    const moved = await call("PATCH", `/api/v1/events/${id}`, {
      startAt: "2027-03-23T11:00:00+01:00",
      endAt: "2027-03-23T12:00:00+01:00",
    });
    expect(moved.body.recurrence.rule).toBe("FREQ=DAILY;COUNT=2");
    const badMove = await call("PATCH", `/api/v1/events/${id}`, {
      recurrence: { freq: "weekly", byDay: ["MO"] },
    });
    expect(badMove.status).toBe(400);
    expect(badMove.body.errors[0]).toMatchObject({ path: "body.recurrence.byDay" });
    const single = await call("PATCH", `/api/v1/events/${id}`, { recurrence: null });
    expect(single.body).toMatchObject({ recurrence: null, exceptions: [] });
  });

  it("R-CAL-6: one occurrence is renamed, moved (keeping its length) and cancelled by its original start; the series lists it so", async () => {
    const made = await weekly({ freq: "weekly", count: 4 });
    const id = made.body.id;
    const renamed = await call("PATCH", `/api/v1/events/${id}/occurrences/2027-03-22T08:00:00.000Z`, {
      title: "Pipeline review (board)",
    });
    expect(renamed.status).toBe(200);
    // Any spelling of the instant names the same occurrence.
    const moved = await call(
      "PATCH",
      `/api/v1/events/${encodeURIComponent(id)}/occurrences/${encodeURIComponent("2027-03-29T09:00:00+02:00")}`,
      {
        startAt: "2027-03-30T16:00:00+02:00",
      },
    );
    expect(moved.status).toBe(200);
    expect((await call("DELETE", `/api/v1/events/${id}/occurrences/2027-04-05T07:00:00.000Z`)).status).toBe(
      204,
    );
    const series = (await call("GET", `/api/v1/events/${id}`)).body;
    expect(series.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2027-03-22T08:00:00.000Z",
        status: "confirmed",
        title: "Pipeline review (board)",
        startAt: null,
      }),
      expect.objectContaining({
        originalStart: "2027-03-29T07:00:00.000Z",
        startAt: "2027-03-30T14:00:00.000Z",
        endAt: "2027-03-30T15:00:00.000Z",
        title: null,
      }),
      expect.objectContaining({ originalStart: "2027-04-05T07:00:00.000Z", status: "cancelled" }),
    ]);
    const occurrences = await listed(id, "2027-03-01T00:00:00Z", "2027-05-01T00:00:00Z");
    expect(occurrences.map((o: { title: string; startAt: string }) => [o.title, o.startAt])).toEqual([
      ["Pipeline review (board)", "2027-03-22T08:00:00.000Z"],
      ["Pipeline review", "2027-03-30T14:00:00.000Z"],
      ["Pipeline review", "2027-04-12T07:00:00.000Z"],
    ]);
    // A cancelled occurrence stays cancelled.
    expect(
      (await call("PATCH", `/api/v1/events/${id}/occurrences/2027-04-05T07:00:00.000Z`, { title: "Back" }))
        .status,
    ).toBe(409);
  });

  it("R-CAL-6: an occurrence moved onto or past the day of its neighbour is refused with 422 naming that day, and nothing is stored; a move between them is kept", async () => {
    // Mondays 22 March to 12 April 2027, 09:00 Madrid.
    const made = await weekly({ freq: "weekly", count: 4 });
    const id = made.body.id;
    const second = `/api/v1/events/${id}/occurrences/2027-03-29T07:00:00.000Z`;
    const before = (await call("GET", `/api/v1/events/${id}`)).body;
    const refusals: [object, string, string][] = [
      // Onto the next one's day (Monday 5 April, 08:00 in Madrid: still its day).
      [{ startAt: "2027-04-05T08:00:00+02:00" }, "next", "2027-04-05"],
      // Past it.
      [{ startAt: "2027-04-07T09:00:00+02:00" }, "next", "2027-04-05"],
      // Onto the previous one's day, late in the evening.
      [{ startAt: "2027-03-22T23:30:00+01:00" }, "previous", "2027-03-22"],
      // Before it.
      [{ startAt: "2027-03-20T09:00:00+01:00", title: "Moved early" }, "previous", "2027-03-22"],
    ];
    for (const [body, side, day] of refusals) {
      const refused = await call("PATCH", second, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
      expect(refused.type).toMatch(/problem\+json/);
      expect(refused.body).toMatchObject({
        type: "urn:concilia:problem:occurrence-crosses-neighbour",
        detail: expect.stringContaining(`the ${side} occurrence of the series is on ${day}`),
        errors: [{ path: "body.startAt", message: expect.stringContaining(day) }],
      });
    }
    // Nothing stored: no exception, the series untouched, no write owed to any calendar.
    const after = (await call("GET", `/api/v1/events/${id}`)).body;
    expect(after.exceptions).toEqual([]);
    expect(after.updatedAt).toBe(before.updatedAt);
    // Between them it is kept. Days are Madrid's: 00:30 on 23 March there is still the 22nd in UTC.
    const kept = await call("PATCH", second, { startAt: "2027-03-23T00:30:00+01:00" });
    expect(kept.status).toBe(200);
    expect(kept.body.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2027-03-29T07:00:00.000Z",
        startAt: "2027-03-22T23:30:00.000Z",
      }),
    ]);
    expect((await call("PATCH", second, { startAt: "2027-04-04T22:30:00+02:00" })).status).toBe(200);
    // A neighbour moved nearer (the second, now on 4 April) bounds by its new day; a cancelled one
    // still bounds by its own.
    const third = `/api/v1/events/${id}/occurrences/2027-04-05T07:00:00.000Z`;
    const pastMoved = await call("PATCH", third, { startAt: "2027-04-04T09:00:00+02:00" });
    expect(pastMoved.status).toBe(422);
    expect(pastMoved.body.detail).toContain("the previous occurrence of the series is on 2027-04-04");
    expect((await call("DELETE", `/api/v1/events/${id}/occurrences/2027-04-12T07:00:00.000Z`)).status).toBe(
      204,
    );
    const ontoCancelled = await call("PATCH", third, { startAt: "2027-04-12T09:00:00+02:00" });
    expect(ontoCancelled.status).toBe(422);
    expect(ontoCancelled.body.detail).toContain("the next occurrence of the series is on 2027-04-12");
    // The last occurrence has no next one: it may move any later day.
    const lastSeries = (await weekly({ freq: "weekly", count: 2 })).body.id;
    expect(
      (
        await call("PATCH", `/api/v1/events/${lastSeries}/occurrences/2027-03-29T07:00:00.000Z`, {
          startAt: "2027-05-20T09:00:00+02:00",
        })
      ).status,
    ).toBe(200);
  });

  it("R-CAL-6: an all-day occurrence moved onto its neighbour's date is refused; a monthly one may move within its month", async () => {
    const made = await call("POST", "/api/v1/events", {
      title: "Stocktake",
      allDay: true,
      startDate: "2027-03-01",
      recurrence: { freq: "weekly", count: 3 },
    });
    const id = made.body.id;
    const refused = await call("PATCH", `/api/v1/events/${id}/occurrences/2027-03-08`, {
      startDate: "2027-03-15",
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { path: "body.startDate", message: "is on or after the day of the next occurrence, 2027-03-15" },
    ]);
    expect((await call("GET", `/api/v1/events/${id}`)).body.exceptions).toEqual([]);
    const monthly = (await weekly({ freq: "monthly", count: 3 })).body.id;
    expect(
      (
        await call("PATCH", `/api/v1/events/${monthly}/occurrences/2027-04-22T07:00:00.000Z`, {
          startAt: "2027-05-21T09:00:00+02:00",
        })
      ).status,
    ).toBe(200);
    const monthLate = await call("PATCH", `/api/v1/events/${monthly}/occurrences/2027-04-22T07:00:00.000Z`, {
      startAt: "2027-05-22T09:00:00+02:00",
    });
    expect(monthLate.status).toBe(422);
    expect(monthLate.body.detail).toContain("the next occurrence of the series is on 2027-05-22");
  });

  it("R-CAL-6: an all-day series' occurrence is moved by its date", async () => {
    const made = await call("POST", "/api/v1/events", {
      title: "Inventory day",
      allDay: true,
      startDate: "2027-03-01",
      recurrence: { freq: "weekly", count: 3 },
    });
    const id = made.body.id;
    const moved = await call("PATCH", `/api/v1/events/${id}/occurrences/2027-03-08`, {
      startDate: "2027-03-10",
    });
    expect(moved.status).toBe(200);
    expect(moved.body.exceptions).toEqual([
      expect.objectContaining({
        originalStart: "2027-03-08",
        startDate: "2027-03-10",
        endDate: "2027-03-11",
      }),
    ]);
    const wrongKind = await call("PATCH", `/api/v1/events/${id}/occurrences/2027-03-15`, {
      startAt: "2027-03-16T10:00:00Z",
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.errors[0].path).toBe("body.startAt");
  });

  it("R-CAL-6: an occurrence the rule does not have is a 404; a single event, another user's series and a series from the calendar refuse occurrence changes", async () => {
    const made = await weekly({ freq: "weekly", count: 2 });
    const id = made.body.id;
    const off = await call("PATCH", `/api/v1/events/${id}/occurrences/2027-03-23T08:00:00.000Z`, {
      title: "x",
    });
    expect(off.status).toBe(404);
    expect(off.type).toMatch(/problem\+json/);
    expect((await call("DELETE", `/api/v1/events/${id}/occurrences/not-a-time-at-all`)).status).toBe(404);
    expect(
      (await call("DELETE", `/api/v1/events/${id}/occurrences/2027-03-22T08:00:00.000Z`, undefined, bea))
        .status,
    ).toBe(404);
    const single = await call("POST", "/api/v1/events", {
      title: "One-off",
      startAt: "2027-03-22T09:00:00Z",
      endAt: "2027-03-22T10:00:00Z",
    });
    expect(
      (await call("DELETE", `/api/v1/events/${single.body.id}/occurrences/2027-03-22T09:00:00.000Z`)).status,
    ).toBe(409);
    const external = newId();
    await s.ctx.db.insert(events).values({
      id: external,
      title: "From Outlook",
      startAt: new Date("2027-03-22T08:00:00Z"),
      endAt: new Date("2027-03-22T09:00:00Z"),
      origin: "external",
      organizerEmail: ana.email,
      recurrence: "FREQ=DAILY;COUNT=3",
      ownerId: ana.id,
    });
    const refused = await call("DELETE", `/api/v1/events/${external}/occurrences/2027-03-23T08:00:00.000Z`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/from your calendar/);
    expect((await call("PATCH", `/api/v1/events/${external}`, { title: "x" })).status).toBe(409);
  });
});
