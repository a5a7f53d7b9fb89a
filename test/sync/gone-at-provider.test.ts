// Failure mode 10's last case for Outlook and CalDAV calendars: a write Concilia owes for an event the
// user deleted meanwhile in the calendar answers 404 (or 410). The write is settled, never retried
// forever, the event is not re-created there (R-CAL-9: a calendar delete cancels the CRM event and
// keeps it) and the sync goes on. Google's case is in calendar-sync-google.test.ts.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { calendarOutbox, eventLinks } from "../../server/db/schema.js";
import { engines, type TestServer } from "../harness/app.js";
import type { TestCalendarUser } from "../harness/caldav.js";
import { anaWithCalendar, connectIcloudCalendar, startCaldavSyncServer } from "./caldav-e2e.js";
import { api, syncUntilRest, userWithMarta, whileNoStepRuns } from "./mail-e2e.js";
import {
  connectOutlookCalendar,
  microsoftEmulatorOn,
  startOutlookCalendarServer,
} from "./outlook-calendar-e2e.js";

type User = { id: string; token: string };

async function newCrmEvent(s: TestServer, user: User, title: string, day: string) {
  const made = await api(s, user, "POST", "/api/v1/events", {
    title,
    startAt: `${day}T10:00:00.000Z`,
    endAt: `${day}T11:00:00.000Z`,
  });
  expect(made.statusCode).toBe(201);
  return made.json().id as string;
}

const linkOf = async (s: TestServer, eventId: string) =>
  (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.eventId, eventId)))[0];
const owed = async (s: TestServer, connectionId: string) =>
  (await s.ctx.db.select().from(calendarOutbox).where(eq(calendarOutbox.connectionId, connectionId))).length;

/**
 * The two cases on one provider: `deleteThere` removes the event's calendar item as the user would,
 * `itemCount` counts the calendar's items with that title (ground truth).
 */
function goneCases(
  env: () => { s: TestServer; user: User; connectionId: string },
  deleteThere: (providerId: string) => Promise<void>,
  itemCount: (title: string) => Promise<number>,
) {
  it("R-CAL-9, R-P-3: an edit in Concilia to an event deleted meanwhile in the calendar (404 on the write) does not bring it back; the CRM event is kept, cancelled, with the edit; nothing stays owed", async () => {
    const { s, user, connectionId } = env();
    const id = await newCrmEvent(s, user, "Visita Iberia", "2027-01-12");
    await syncUntilRest(s, connectionId);
    const link = await linkOf(s, id);
    expect(link?.providerId).toMatch(/\S/);
    expect(await itemCount("Visita Iberia")).toBe(1);
    await whileNoStepRuns(s, connectionId, async () => {
      const edit = await api(s, user, "PATCH", `/api/v1/events/${id}`, { title: "Visita Iberia (edited)" });
      expect(edit.statusCode).toBe(200);
      await deleteThere(link!.providerId);
    });
    await syncUntilRest(s, connectionId);
    await syncUntilRest(s, connectionId);
    expect(await itemCount("Visita Iberia")).toBe(0);
    expect(await itemCount("Visita Iberia (edited)")).toBe(0);
    expect((await api(s, user, "GET", `/api/v1/events/${id}`)).json()).toMatchObject({
      title: "Visita Iberia (edited)",
      status: "cancelled",
    });
    expect(await owed(s, connectionId)).toBe(0);
    expect(await syncUntilRest(s, connectionId)).toMatchObject({ result: "idle" });
  });

  it("R-CAL-9, R-P-3: deleting in Concilia an event the calendar no longer has (404 on the delete) settles the delete: the link goes, nothing stays owed, the sync stays healthy", async () => {
    const { s, user, connectionId } = env();
    const id = await newCrmEvent(s, user, "Llamada Iberia", "2027-01-13");
    await syncUntilRest(s, connectionId);
    const link = await linkOf(s, id);
    expect(link?.providerId).toMatch(/\S/);
    expect(await itemCount("Llamada Iberia")).toBe(1);
    await whileNoStepRuns(s, connectionId, async () => {
      await deleteThere(link!.providerId);
      expect((await api(s, user, "DELETE", `/api/v1/events/${id}`)).statusCode).toBe(204);
    });
    await syncUntilRest(s, connectionId);
    await syncUntilRest(s, connectionId);
    expect(await itemCount("Llamada Iberia")).toBe(0);
    expect(await linkOf(s, id)).toBeUndefined();
    expect(await owed(s, connectionId)).toBe(0);
    const status = (await api(s, user, "GET", `/api/v1/connections/${connectionId}/status`)).json();
    expect(status).toMatchObject({ status: "up_to_date", lastError: null, failedItems: 0 });
  });
}

describe.each(engines)("failure mode 10: writes to events gone from Outlook, on %s", (engine) => {
  const ACCOUNT = "ana.gone@contoso.test";
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: User;
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);

  beforeAll(async () => {
    s = await startOutlookCalendarServer(engine);
    microsoft = microsoftEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-gone-${engine}@acme.test`);
    connectionId = await connectOutlookCalendar(s, microsoft, ana.id, ACCOUNT);
    await syncUntilRest(s, connectionId);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  goneCases(
    () => ({ s, user: ana, connectionId }),
    async (id) => outlook().userDelete(id),
    async (title) => [...outlook().events.values()].filter((e) => e.fields.subject === title).length,
  );
});

describe.each(engines)("failure mode 10: writes to events gone from a CalDAV calendar, on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: User;
  let connectionId: string;

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine);
    ({ cal, ana } = await anaWithCalendar(s, engine));
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
    await syncUntilRest(s, connectionId);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** The calendar's objects whose SUMMARY is `title`, as another client reads them. */
  async function itemCount(title: string) {
    const res = await cal.client.fetch(cal.calendarUrl, {
      method: "REPORT",
      headers: { ...cal.client.headers, depth: "1", "content-type": "application/xml" },
      body: `<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><c:calendar-data/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`,
    });
    expect(res.status).toBe(207);
    const text = (await res.text()).replace(/\r?\n[ \t]/g, "");
    return text.split(/\r?\n/).filter((l) => l === `SUMMARY:${title}`).length;
  }

  goneCases(
    () => ({ s, user: ana, connectionId }),
    async (href) => {
      const res = await cal.client.fetch(href, { method: "DELETE", headers: cal.client.headers });
      expect(res.status).toBeLessThan(300);
    },
    itemCount,
  );
});
