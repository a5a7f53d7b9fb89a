// What the end-to-end CalDAV calendar tests share: a test server that reaches the tests' Radicale as
// iCloud's CalDAV (CALDAV_URL) and never polls, and an iCloud connection syncing one of its calendars.
import { SECRET } from "../../server/connections/connections.js";
import { connections } from "../../server/db/schema.js";
import { newId } from "../../server/ids.js";
import { putSecret } from "../../server/secrets/store.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";
import { type TestCalendarUser, testCaldav } from "../harness/caldav.js";

/** Syncs run only when a test runs them; Radicale is on loopback. */
export const startCaldavSyncServer = (engine: Engine) =>
  startTestServer({
    engine,
    env: {
      CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
      CONCILIA_SYNC_TICK_SECONDS: "0",
      CALDAV_URL: testCaldav().url,
    },
  });

/** The iCloud address the tests give `cal`'s Radicale user. */
export const icloudAddress = (cal: TestCalendarUser) => `${cal.account.username}@icloud.test`;

/** `userId`'s iCloud connection syncing `cal`'s calendar ("Work", primary and selected); its id. */
export async function connectIcloudCalendar(s: TestServer, userId: string, cal: TestCalendarUser) {
  const id = newId();
  await s.ctx.db.insert(connections).values({
    id,
    userId,
    provider: "icloud",
    accountAddress: icloudAddress(cal),
    syncs: "calendar",
    calendars: [{ id: cal.calendarUrl, name: "Work", primary: true, selected: true }],
    imapServer: { host: "127.0.0.1", port: 1, tls: "none", username: cal.account.username },
  });
  await putSecret(s.ctx, id, SECRET.appPassword, cal.account.password, null);
  return id;
}
