// What the end-to-end CalDAV calendar tests share: a test server that reaches the tests' Radicale as
// iCloud's CalDAV (CALDAV_URL) and never polls, and an iCloud connection syncing one of its calendars.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { SECRET } from "../../server/connections/connections.js";
import { connections } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { putSecret } from "../../server/secrets/store.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";
import { newCalendarUser, type TestCalendarUser, testCaldav } from "../harness/caldav.js";
import { userWithMarta } from "./mail-e2e.js";

/**
 * Syncs run only when a test runs them; Radicale is on loopback. `caldavUrl` reaches it another way (a
 * proxy); `env` adds to the rest.
 */
export const startCaldavSyncServer = (
  engine: Engine,
  o: { caldavUrl?: string; env?: Record<string, string>; logLines?: string[] } = {},
) =>
  startTestServer({
    engine,
    logLines: o.logLines,
    env: {
      CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
      CONCILIA_SYNC_TICK_SECONDS: "0",
      CALDAV_URL: o.caldavUrl ?? testCaldav().url,
      ...o.env,
    },
  });

/** A new Radicale user with a "Work" calendar, and a new user Ana on `s` with Marta in her CRM. */
export async function anaWithCalendar(s: TestServer, engine: Engine) {
  const cal = await newCalendarUser("Work");
  const ana = await userWithMarta(s, `ana-${engine}-${randomBytes(3).toString("hex")}@acme.test`);
  return { cal, ana };
}

/** `cal`'s calendar URL as a server reaching Radicale through the proxy at `proxyUrl` sees it. */
export const calendarThrough = (cal: TestCalendarUser, proxyUrl: string) =>
  new URL(new URL(cal.calendarUrl).pathname, proxyUrl).href;

/** Writes `body` as object `name` of `cal`'s calendar, as another CalDAV client does; its href. */
export async function putAsOtherClient(cal: TestCalendarUser, name: string, body: string) {
  const href = new URL(name, cal.calendarUrl).href;
  const res = await cal.client.fetch(href, {
    method: "PUT",
    headers: { ...cal.client.headers, "content-type": "text/calendar" },
    body,
  });
  expect(res.status).toBeLessThan(300);
  return href;
}

/** The iCloud address the tests give `cal`'s Radicale user. */
export const icloudAddress = (cal: TestCalendarUser) => `${cal.account.username}@icloud.test`;

/**
 * `userId`'s iCloud connection syncing `cal`'s calendar ("Work", primary and selected), known by
 * `calendarUrl` (through a proxy, see `calendarThrough`); its id.
 */
export async function connectIcloudCalendar(
  s: TestServer,
  userId: string,
  cal: TestCalendarUser,
  calendarUrl = cal.calendarUrl,
) {
  const id = newId();
  await s.ctx.db.insert(connections).values({
    id,
    userId,
    provider: "icloud",
    accountAddress: icloudAddress(cal),
    syncs: "calendar",
    calendars: [{ id: calendarUrl, name: "Work", primary: true, selected: true }],
    imapServer: { host: "127.0.0.1", port: 1, tls: "none", username: cal.account.username },
  });
  await putSecret(s.ctx, id, SECRET.appPassword, cal.account.password, null);
  return id;
}
