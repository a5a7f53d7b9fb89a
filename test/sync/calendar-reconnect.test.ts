// Failure mode 7 for calendar connections: a Google refresh token refused with invalid_grant, or a
// CalDAV app password the server refuses, puts the connection in "reconnect needed" (what both sidebars
// show the user) and stops its steps; connecting again resumes from the saved cursor (Google's sync
// token, CalDAV's sync-collection token) and imports only what changed, never twice.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GoogleEmulator } from "../../emulators/google/emulator.js";
import { SECRET } from "../../server/connections/connections.js";
import { connectionSecrets, eventLinks, events } from "../../server/db/schema.js";
import { putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, type TestServer } from "../harness/app.js";
import { otherClientIcs, type TestCalendarUser } from "../harness/caldav.js";
import {
  anaWithCalendar,
  connectIcloudCalendar,
  putAsOtherClient,
  startCaldavSyncServer,
} from "./caldav-e2e.js";
import {
  CALENDAR_SCOPE,
  connectGoogleCalendar,
  googleEmulatorOn,
  startGoogleCalendarServer,
} from "./google-calendar-e2e.js";
import { api, syncUntilRest, userWithMarta } from "./mail-e2e.js";

type User = { id: string; token: string };

const status = async (s: TestServer, user: User, connectionId: string) =>
  (await api(s, user, "GET", `/api/v1/connections/${connectionId}/status`)).json();
async function rows(s: TestServer, user: User, connectionId: string) {
  const crm = await s.ctx.db.select({ id: events.id }).from(events).where(eq(events.ownerId, user.id));
  const links = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId));
  return { events: crm.length, links: links.length };
}
/** R-P-3: the next step is blocked by the refused credential, and the status asks the user to reconnect. */
async function expectReconnectNeeded(s: TestServer, user: User, connectionId: string) {
  expect(await syncUntilRest(s, connectionId)).toMatchObject({ result: "blocked", error: { kind: "auth" } });
  expect(await status(s, user, connectionId)).toMatchObject({
    status: "reconnect_needed",
    lastError: { kind: "auth" },
  });
}
async function secretVersion(s: TestServer, connectionId: string) {
  const [row] = await s.ctx.db
    .select({ version: connectionSecrets.version })
    .from(connectionSecrets)
    .where(eq(connectionSecrets.connectionId, connectionId));
  return row!.version;
}

describe.each(engines)("failure mode 7: a refused grant on a Google calendar connection, on %s", (engine) => {
  const ACCOUNT = "ana.grant@gmail.test";
  let s: TestServer;
  let google: GoogleEmulator;
  const msw = setupServer();
  let ana: User;
  let connectionId: string;
  const lists: string[] = [];

  beforeAll(async () => {
    s = await startGoogleCalendarServer(engine);
    msw.events.on("response:mocked", ({ request }) => {
      if (request.method === "GET" && /\/calendars\/[^/]+\/events\?/.test(request.url))
        lists.push(request.url);
    });
    google = googleEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-grant-${engine}@acme.test`);
    connectionId = await connectGoogleCalendar(s, google, ana.id, ACCOUNT);
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-P-3: invalid_grant shows reconnect needed and stops the steps; a new grant resumes from the sync token and imports only the new event", async () => {
    google.seedCalendarEvent(ACCOUNT, {
      summary: "Before the revocation",
      start: { dateTime: "2027-01-11T10:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2027-01-11T11:00:00Z", timeZone: "UTC" },
    });
    await syncUntilRest(s, connectionId);
    const before = await rows(s, ana, connectionId);
    expect(before.links).toBe(1);

    google.revokeTokens(ACCOUNT);
    google.expireAccessTokens(ACCOUNT);
    google.seedCalendarEvent(ACCOUNT, {
      summary: "While disconnected",
      start: { dateTime: "2027-01-12T10:00:00Z", timeZone: "UTC" },
      end: { dateTime: "2027-01-12T11:00:00Z", timeZone: "UTC" },
    });
    await expectReconnectNeeded(s, ana, connectionId);
    const listed = lists.length;
    expect(await runStepExclusive(s.ctx, connectionId)).toMatchObject({ result: "blocked" });
    expect(lists.length).toBe(listed);

    // Connecting again stores a new grant as the secret's next version.
    const { refreshToken } = google.issueTokens(ACCOUNT, `openid email ${CALENDAR_SCOPE}`);
    await putSecret(
      s.ctx,
      connectionId,
      SECRET.refreshToken,
      refreshToken,
      await secretVersion(s, connectionId),
    );
    await syncUntilRest(s, connectionId);
    expect(await status(s, ana, connectionId)).toMatchObject({ status: "up_to_date", lastError: null });
    expect(await rows(s, ana, connectionId)).toEqual({ events: before.events + 1, links: before.links + 1 });
    // Resumed incrementally: every listing after the reconnection carried the saved sync token.
    const resumed = lists.slice(listed);
    expect(resumed.length).toBeGreaterThan(0);
    expect(resumed.every((url) => url.includes("syncToken="))).toBe(true);
    await syncUntilRest(s, connectionId);
    expect(await rows(s, ana, connectionId)).toEqual({ events: before.events + 1, links: before.links + 1 });
  });
});

describe.each(engines)("failure mode 7: a refused app password on a CalDAV connection, on %s", (engine) => {
  let s: TestServer;
  let cal: TestCalendarUser;
  let ana: User;
  let connectionId: string;

  const put = (name: string, title: string, day: string) =>
    putAsOtherClient(
      cal,
      `${name}.ics`,
      otherClientIcs(`${name}@other.test`, [
        `SUMMARY:${title}`,
        `DTSTART:${day}T100000Z`,
        `DTEND:${day}T110000Z`,
      ]),
    );

  beforeAll(async () => {
    s = await startCaldavSyncServer(engine);
    ({ cal, ana } = await anaWithCalendar(s, engine));
    connectionId = await connectIcloudCalendar(s, ana.id, cal);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-P-3: a refused app password shows reconnect needed; the right one resumes from the sync token and imports only the new event", async () => {
    await put("before", "Before the password changed", "20270111");
    await syncUntilRest(s, connectionId);
    const before = await rows(s, ana, connectionId);
    expect(before.links).toBe(1);

    // The app password was revoked: what Concilia holds is refused.
    await putSecret(
      s.ctx,
      connectionId,
      SECRET.appPassword,
      "revoked-app-password",
      await secretVersion(s, connectionId),
    );
    await put("while", "While disconnected", "20270112");
    await expectReconnectNeeded(s, ana, connectionId);

    await putSecret(
      s.ctx,
      connectionId,
      SECRET.appPassword,
      cal.account.password,
      await secretVersion(s, connectionId),
    );
    await syncUntilRest(s, connectionId);
    expect(await status(s, ana, connectionId)).toMatchObject({ status: "up_to_date", lastError: null });
    expect(await rows(s, ana, connectionId)).toEqual({ events: before.events + 1, links: before.links + 1 });
    await syncUntilRest(s, connectionId);
    expect(await rows(s, ana, connectionId)).toEqual({ events: before.events + 1, links: before.links + 1 });
  });
});
