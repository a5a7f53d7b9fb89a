// Where discovery led (root, principal and calendar-home URLs), remembered per account within one
// process for an hour, so that each sync step (a new session) does not walk .well-known, the principal
// and the home again: a poll then costs the calendar listing and its sync-collection REPORT. The key
// holds the password's hash, so new credentials discover again; a session that fails forgets the entry
// (a moved home is found again at the next step). Only URLs are kept: every client gets its own fetch,
// bound to its step's signal.
import { createHash } from "node:crypto";
import {
  basicAuthHeaders,
  type CaldavAccount,
  type CaldavClient,
  type CaldavConnectOptions,
  guardedFetch,
} from "./client.js";
import { connectCaldav } from "./discovery.js";

const TTL_MS = 60 * 60_000;
const found = new Map<string, { rootUrl: string; principalUrl: string; homeUrl: string; at: number }>();

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

/** Discovery runs again for this account next time (after a failure that may mean it moved). */
export function forgetDiscovery(account: CaldavAccount): void {
  found.delete(keyOf(account));
}
