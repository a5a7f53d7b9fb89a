// Where discovery led (root, principal and calendar-home URLs), remembered per account within one
// process for an hour, and the account's calendars for five minutes, so that each sync step (a new
// session) does not walk .well-known, the principal, the home and the calendar list again: a poll then
// costs its sync-collection REPORT. The key holds the password's hash, so new credentials discover
// again; a session that fails in a way that may mean the account moved (401, 404/410, an unexpected
// answer) forgets the entry, so a moved home or a deleted calendar is found at the next step, while a
// step cut at its time budget, a busy server or a lost race keeps it (sync-provider.ts); a calendar made
// at the provider is seen within five minutes. Only URLs and the calendar list
// are kept: every client gets its own fetch, bound to its step's signal.
import { createHash } from "node:crypto";
import { type CaldavCalendar, listCalendars } from "./calendars.js";
import {
  basicAuthHeaders,
  type CaldavAccount,
  type CaldavClient,
  type CaldavConnectOptions,
  guardedFetch,
} from "./client.js";
import { connectCaldav } from "./discovery.js";

const TTL_MS = 60 * 60_000;
const CALENDARS_TTL_MS = 5 * 60_000;
const found = new Map<
  string,
  {
    rootUrl: string;
    principalUrl: string;
    homeUrl: string;
    at: number;
    calendars?: { list: CaldavCalendar[]; at: number };
  }
>();

const keyOf = (a: CaldavAccount) =>
  createHash("sha256")
    .update(JSON.stringify([a.serverUrl, a.username, a.password]))
    .digest("hex");

export async function connectCaldavCached(
  account: CaldavAccount,
  opts: CaldavConnectOptions,
): Promise<CaldavClient> {
  const key = keyOf(account);
  const hit = found.get(key);
  if (hit && Date.now() - hit.at < TTL_MS)
    return {
      rootUrl: hit.rootUrl,
      principalUrl: hit.principalUrl,
      homeUrl: hit.homeUrl,
      headers: basicAuthHeaders(account),
      fetch: guardedFetch(opts),
    };
  const client = await connectCaldav(account, opts);
  found.set(key, {
    rootUrl: client.rootUrl,
    principalUrl: client.principalUrl,
    homeUrl: client.homeUrl,
    at: Date.now(),
  });
  return client;
}

/** The account's calendars, listed again after five minutes (or once the entry is forgotten). */
export async function listCalendarsCached(
  account: CaldavAccount,
  client: CaldavClient,
): Promise<CaldavCalendar[]> {
  const entry = found.get(keyOf(account));
  if (entry?.calendars && Date.now() - entry.calendars.at < CALENDARS_TTL_MS) return entry.calendars.list;
  const list = await listCalendars(client);
  if (entry) entry.calendars = { list, at: Date.now() };
  return list;
}

/** Discovery runs again for this account next time (after a failure that may mean it moved). */
export function forgetDiscovery(account: CaldavAccount): void {
  found.delete(keyOf(account));
}
