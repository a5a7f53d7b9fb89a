// The tests' Radicale (scripts/services.mjs, started by `npm test`): its URL from TEST_CALDAV, a fresh
// user per call (appended to the htpasswd file Radicale reads at every login) with a fresh calendar.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { makeCalendar } from "tsdav";
import { listCalendars } from "../../server/providers/caldav/calendars.js";
import type { CaldavAccount, CaldavClient } from "../../server/providers/caldav/client.js";
import { connectCaldav } from "../../server/providers/caldav/discovery.js";
import { fetchCalendarObjects } from "../../server/providers/caldav/fetch.js";
import { listCalendarChanges } from "../../server/providers/caldav/list-changes.js";
import { parseAllowance } from "../../server/providers/private-hosts.js";

export interface TestCaldav {
  /** `http://127.0.0.1:port/` */
  url: string;
  port: number;
  dir: string;
}

export function testCaldav(): TestCaldav {
  const value = process.env.TEST_CALDAV;
  if (!value)
    throw new Error(
      "TEST_CALDAV is not set, so this CalDAV test cannot run: run the tests through `npm test` (it starts a " +
        "throwaway Radicale), or start one with `node scripts/radicale.mjs` and set the TEST_CALDAV it prints.",
    );
  // `http://127.0.0.1:port/:dir`: the folder is what follows the last ":/".
  const cut = value.lastIndexOf(":/");
  const url = value.slice(0, cut);
  return { url, port: Number(new URL(url).port), dir: value.slice(cut + 1) };
}

/** The tests reach Radicale on loopback, which production refuses unless configured. */
export const allowLoopback = parseAllowance(["127.0.0.0/8", "::1"]);

export interface TestCalendarUser {
  account: CaldavAccount;
  client: CaldavClient;
  /** Absolute URL of the user's fresh calendar (trailing slash). */
  calendarUrl: string;
}

/** A fresh Radicale user with one new calendar named `name`. */
export async function newCalendarUser(name = "Work"): Promise<TestCalendarUser> {
  const caldav = testCaldav();
  const username = `u${randomBytes(5).toString("hex")}`;
  const password = randomBytes(9).toString("base64url");
  fs.appendFileSync(path.join(caldav.dir, "users"), `${username}:${password}\n`);
  const account = { serverUrl: caldav.url, username, password };
  const client = await connectCaldav(account, { allowPrivate: allowLoopback, timeoutMs: 10_000 });
  const calendarUrl = new URL(`cal-${randomBytes(4).toString("hex")}/`, client.homeUrl).href;
  const [made] = await makeCalendar({
    url: calendarUrl,
    props: { "d:displayname": name, "ca:calendar-color": "#3a87adff" },
    headers: client.headers,
    fetch: client.fetch,
  });
  if (!made?.ok && made?.status !== 201)
    throw new Error(`MKCALENDAR ${calendarUrl} answered ${made?.status}`);
  const calendars = await listCalendars(client);
  if (!calendars.some((c) => c.url === calendarUrl))
    throw new Error(`The new calendar ${calendarUrl} is not listed`);
  return { account, client, calendarUrl };
}

/** The calendar's objects as another client reads them: href, ETag, text. */
export async function calendarObjects(cal: TestCalendarUser) {
  const listed = await listCalendarChanges(cal.client, { url: cal.calendarUrl, syncCollection: true }, null);
  const hrefs = listed.changes.filter((c) => !c.removed).map((c) => c.href);
  const got = await fetchCalendarObjects(cal.client, cal.calendarUrl, hrefs);
  return got.flatMap((o) => ("ics" in o ? [o] : []));
}

/** One event as another CalDAV client writes it: `body` holds its properties after UID and DTSTAMP. */
export const otherClientIcs = (uid: string, body: string[]) =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Other client//EN",
    "BEGIN:VEVENT",
    `UID:${uid}`,
    "DTSTAMP:20261101T090000Z",
    ...body,
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

/** A web server that is not a CalDAV server (every request gets an HTML 404) on loopback. */
export async function notCaldavWebsite(): Promise<{ url: string; close(): Promise<void> }> {
  const website = http.createServer((_req, res) => {
    res.writeHead(404, { "content-type": "text/html" });
    res.end("<h1>Not found</h1>");
  });
  await new Promise<void>((resolve) => website.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(website.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => website.close(() => resolve())),
  };
}
