// An occurrence of a series in a Microsoft calendar may not move onto or past a neighbour's day: Graph
// answers 400 ErrorOccurrenceCrossingBoundary. The API refuses such a move up front (422 naming the
// neighbour's day), so nothing is stored that the sync could not write, and the sync stays up to date;
// a move between the neighbours reaches Outlook (R-CAL-6, R-CAL-2).
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GraphEvent } from "../../emulators/microsoft/calendar-store.js";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { localTime } from "../../emulators/shared/zones.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import { api, statusOf, syncUntilRest } from "./mail-e2e.js";

const ACCOUNT = "ana@contoso.test";

describe.each(engines)("moving an occurrence in a Microsoft 365 calendar on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  const syncNow = () => syncUntilRest(s, connectionId, { attempts: 200, waitMs: 50 });
  const outlookSeries = (subject: string): GraphEvent => {
    const found = [...microsoft.calendars(ACCOUNT).events.values()].filter(
      (e) => e.fields.subject === subject,
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const updates = () => microsoft.counter.snapshot().perEndpoint["graph.events.update"] ?? 0;

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: {
        MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
        MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
        CONCILIA_SYNC_TICK_SECONDS: "0",
      },
    });
    microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
    microsoft.addAccount(ACCOUNT, "Ana Ruiz");
    msw.use(...microsoft.handlers());
    msw.listen({ onUnhandledRequest: "bypass" });
    ana = await s.user(`ana-${engine}@acme.test`, { name: "Ana" });
    const start = await api(s, ana, "POST", "/api/v1/connections/oauth/start", {
      provider: "microsoft",
      syncs: "calendar",
    });
    expect(start.statusCode).toBe(200);
    const back = await fetch(start.json().authorizationUrl, { redirect: "manual" });
    const callback = new URL(back.headers.get("location")!);
    expect((await s.app.inject({ url: callback.pathname + callback.search })).statusCode).toBe(200);
    connectionId = (await api(s, ana, "GET", "/api/v1/connections")).json().items[0].id;
    await syncNow();
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-CAL-6, R-CAL-2: a move onto or past the next occurrence's day is refused before anything is stored or sent to Outlook; a move short of it reaches Outlook", async () => {
    // Tuesdays 1 to 22 December 2026, 09:00 in Madrid.
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title: "Weekly forecast",
      startAt: "2026-12-01T09:00:00+01:00",
      endAt: "2026-12-01T09:30:00+01:00",
      timeZone: "Europe/Madrid",
      recurrence: { freq: "weekly", count: 4 },
    });
    expect(made.statusCode).toBe(201);
    const id = made.json().id as string;
    await syncNow();
    const master = outlookSeries("Weekly forecast");
    const second = `/api/v1/events/${id}/occurrences/2026-12-08T08:00:00.000Z`;
    const before = (await api(s, ana, "GET", `/api/v1/events/${id}`)).json();
    const writesBefore = updates();

    const refused = await api(s, ana, "PATCH", second, { startAt: "2026-12-15T10:00:00+01:00" });
    expect(refused.statusCode).toBe(422);
    expect(refused.headers["content-type"]).toMatch(/problem\+json/);
    expect(refused.json().detail).toContain("the next occurrence of the series is on 2026-12-15");
    const past = await api(s, ana, "PATCH", second, { startAt: "2026-12-16T09:00:00+01:00" });
    expect(past.statusCode).toBe(422);

    // Nothing stored, nothing owed to Outlook: the next sync writes nothing and stays up to date.
    expect((await api(s, ana, "GET", `/api/v1/events/${id}`)).json()).toEqual(before);
    await syncNow();
    expect(updates()).toBe(writesBefore);
    expect(outlookSeries("Weekly forecast").exceptions.size).toBe(0);
    expect(await statusOf(s, ana, connectionId)).toMatchObject({
      status: "up_to_date",
      failedItems: 0,
      lastError: null,
    });

    // The day before the next one is in range: stored, and written to Outlook as that occurrence.
    const moved = await api(s, ana, "PATCH", second, { startAt: "2026-12-14T16:00:00+01:00" });
    expect(moved.statusCode).toBe(200);
    await syncNow();
    const exception = outlookSeries("Weekly forecast").exceptions.get(Date.parse("2026-12-08T08:00:00Z"));
    expect(exception && localTime(exception.start, master.zone)).toBe("2026-12-14T16:00:00");
    expect(await statusOf(s, ana, connectionId)).toMatchObject({ status: "up_to_date", failedItems: 0 });
  });
});
