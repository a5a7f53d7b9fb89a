// R-CON-3, R-CON-6: an "Other CalDAV server" account through the connections API, against the tests'
// Radicale: the connectivity test answers green with the calendars, or red naming the failing step
// (a wrong password: login; a URL with no CalDAV: discovery; an unreachable host: connection or
// lookup); a red light saves nothing; a saved account keeps its URL and syncs calendars only, both
// ways, with no mail session.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLinks } from "../../server/db/schema.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import {
  otherClientIcs as ics,
  newCalendarUser,
  notCaldavWebsite,
  type TestCalendarUser,
} from "../harness/caldav.js";
import { freePortNow } from "../providers/caldav/free-port.js";
import { api, MARTA, userWithMarta } from "../sync/mail-e2e.js";

describe.each(engines)("Other CalDAV server accounts on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let website: Awaited<ReturnType<typeof notCaldavWebsite>>;
  let connectionId: string;
  const account = () => ({
    serverUrl: cal.account.serverUrl,
    username: cal.account.username,
    password: cal.account.password,
  });
  const test = (body: unknown) => api(s, ana, "POST", "/api/v1/connections/caldav-test", body);
  const create = (body: Record<string, unknown>) =>
    api(s, ana, "POST", "/api/v1/connections", { provider: "caldav", ...body });
  const caldavConnections = async () =>
    ((await api(s, ana, "GET", "/api/v1/connections")).json().items as { provider: string }[]).filter(
      (c) => c.provider === "caldav",
    );

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: { CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8", CONCILIA_SYNC_TICK_SECONDS: "0" },
    });
    cal = await newCalendarUser("Ventas");
    ana = await userWithMarta(s, `ana-caldav-${engine}@acme.test`);
    website = await notCaldavWebsite();
  });
  afterAll(async () => {
    await website?.close();
    await s?.close();
  });

  it("R-CON-6: a wrong password is red at the login step, and saving it is refused with nothing stored", async () => {
    const wrong = { ...account(), password: `${cal.account.password}x` };
    const r = await test(wrong);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: false, step: "login", messageKey: "caldav.login.failed" });
    expect(r.body).not.toContain(wrong.password);
    const saved = await create(wrong);
    expect(saved.statusCode).toBe(422);
    expect(saved.json().detail).toMatch(/login step/);
    expect(saved.json().errors).toEqual([{ path: "body.password", message: "login failed" }]);
    expect(await caldavConnections()).toEqual([]);
  });

  it("R-CON-6: a URL where no CalDAV service answers is red at the discovery step", async () => {
    const r = await test({ ...account(), serverUrl: website.url });
    expect(r.json()).toMatchObject({ ok: false, step: "discovery", messageKey: "caldav.discovery.failed" });
    expect((await create({ ...account(), serverUrl: website.url })).statusCode).toBe(422);
  });

  it("R-CON-6: an unreachable host is red at the connection step; a name that does not exist at the lookup", async () => {
    const closed = `http://127.0.0.1:${await freePortNow()}/`;
    expect((await test({ ...account(), serverUrl: closed })).json()).toMatchObject({
      ok: false,
      step: "connection",
      messageKey: "caldav.connection.failed",
    });
    expect(
      (await test({ ...account(), serverUrl: "https://calendar.no-such-host.invalid/dav" })).json(),
    ).toMatchObject({ ok: false, step: "lookup", messageKey: "caldav.lookup.notFound" });
    expect(await caldavConnections()).toEqual([]);
  });

  it("R-CON-4: an Other CalDAV server syncs calendars only", async () => {
    expect((await create({ ...account(), syncs: "both" })).statusCode).toBe(400);
  });

  it("R-CON-6, R-CAL-3: the right password is green with the calendars; the saved account keeps its URL and syncs the calendar", async () => {
    const r = await test(account());
    expect(r.json()).toEqual({ ok: true, calendars: [{ name: "Ventas", primary: true }] });

    const res = await fetch(new URL("demo.ics", cal.calendarUrl).href, {
      method: "PUT",
      headers: { ...cal.client.headers, "content-type": "text/calendar" },
      body: ics("demo-1@other.test", [
        "SUMMARY:Demo Iberia",
        "DTSTART:20261210T100000Z",
        "DTEND:20261210T110000Z",
        `ATTENDEE;CN=Marta Núñez;PARTSTAT=ACCEPTED:mailto:${MARTA}`,
      ]),
    });
    expect(res.status).toBeLessThan(300);

    const saved = await create(account());
    expect(saved.statusCode).toBe(201);
    const c = saved.json();
    connectionId = c.id;
    expect(c).toMatchObject({
      provider: "caldav",
      syncs: "calendar",
      accountAddress: `${cal.account.username}@127.0.0.1`,
      caldavServer: { url: cal.account.serverUrl, username: cal.account.username },
      imapServer: null,
      calendars: [{ id: cal.calendarUrl, name: "Ventas", primary: true, selected: true }],
    });
    expect(c.secrets.map((x: { name: string }) => x.name)).toEqual(["app-password"]);
    expect(JSON.stringify(c)).not.toContain(cal.account.password);

    // The first sync was queued with the connection; run it here until it rests.
    for (let i = 0; i < 100; i++) {
      const step = await runStepExclusive(s.ctx, connectionId);
      if (step !== "busy" && step.result !== "more") break;
      if (step === "busy") await new Promise((done) => setTimeout(done, 100));
    }
    const [link] = await s.ctx.db
      .select()
      .from(eventLinks)
      .where(eq(eventLinks.providerId, new URL("demo.ics", cal.calendarUrl).href));
    expect(link?.eventId).toMatch(/^\S+$/);
    const event = await api(s, ana, "GET", `/api/v1/events/${link!.eventId}`);
    expect(event.json()).toMatchObject({ title: "Demo Iberia" });
    const status = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/status`);
    expect(status.json()).toMatchObject({ status: "up_to_date", lastError: null, skipped: {} });

    // R-CON-4: what it syncs cannot become mail.
    const edit = await api(s, ana, "PATCH", `/api/v1/connections/${connectionId}`, { syncs: "both" });
    expect(edit.statusCode).toBe(422);
    expect(edit.json().errors).toEqual([{ path: "body.syncs", message: "CalDAV syncs calendars only" }]);
  });
});
