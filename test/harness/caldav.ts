// The tests' Radicale (scripts/services.mjs, started by `npm test`): its URL from TEST_CALDAV, a fresh
// user per call (appended to the htpasswd file Radicale reads at every login) with a fresh calendar.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { makeCalendar } from "tsdav";
import { listCalendars } from "../../server/providers/caldav/calendars.js";
import type { CaldavAccount, CaldavClient } from "../../server/providers/caldav/client.js";
import { connectCaldav } from "../../server/providers/caldav/discovery.js";
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
