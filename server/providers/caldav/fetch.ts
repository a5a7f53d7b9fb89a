// The calendar data of changed items: calendar-multiget REPORTs (RFC 4791 §7.9) of at most 50 hrefs
// each, so one big change list is not one huge answer. tsdav's calendarMultiGet rejects a whole answer
// when one href in it is 404, so the same REPORT goes through its davRequest instead.
//
// A multiget answer is no proof that an object is gone: a server (or a proxy on the way) may answer
// partly, leave an href out, or give a 404 propstat for an object it still holds, and a deletion here
// cancels the CRM event (R-CAL-9). So an href the answer leaves out, answers 404 for or gives no
// calendar data for is asked for by itself (GET): only a 404 or 410 there makes it `gone`; its data
// makes it an object like any other; anything else leaves it `unconfirmed`, for the engine to try
// again at its next step while the CRM event stays as it is.
import { DAVNamespace, davRequest, getDAVAttribute } from "tsdav";
import type { CaldavClient } from "./client.js";
import { DavHttpError, expectStatus } from "./errors.js";
import { normalizeHref } from "./href.js";

export type FetchedObject =
  | { href: string; etag: string | null; ics: string }
  /** The object's own URL answered 404 or 410: deleted. */
  | { href: string; gone: true }
  /** Neither read nor confirmed deleted: `error` says why. */
  | { href: string; unconfirmed: true; error: Error };

export const MULTIGET_BATCH = 50;

export async function fetchCalendarObjects(
  client: CaldavClient,
  calendarUrl: string,
  hrefs: string[],
  batchSize = MULTIGET_BATCH,
): Promise<FetchedObject[]> {
  const out: FetchedObject[] = [];
  for (let i = 0; i < hrefs.length; i += batchSize) {
    const batch = hrefs.slice(i, i + batchSize).map((h) => normalizeHref(h, calendarUrl));
    const found = await multiget(client, calendarUrl, batch);
    for (const href of batch) out.push(found.get(href) ?? (await getObject(client, href)));
  }
  return out;
}

/** The objects a multiget answer holds with their data, by normalised href; the rest are left out. */
async function multiget(
  client: CaldavClient,
  calendarUrl: string,
  batch: string[],
): Promise<Map<string, FetchedObject>> {
  const responses = await davRequest({
    url: calendarUrl,
    init: {
      method: "REPORT",
      namespace: "c",
      headers: { ...client.headers, depth: "1" },
      body: {
        "calendar-multiget": {
          _attributes: getDAVAttribute([DAVNamespace.DAV, DAVNamespace.CALDAV]),
          "d:prop": { "d:getetag": {}, "c:calendar-data": {} },
          "d:href": batch.map((h) => new URL(h).pathname),
        },
      },
    },
    fetch: client.fetch,
  });
  if (responses.length === 1 && responses[0].ok === false && !responses[0].props)
    throw new DavHttpError(responses[0].status ?? 0, calendarUrl, String(responses[0].raw ?? ""));
  const found = new Map<string, FetchedObject>();
  for (const r of responses) {
    if (!r.href) continue;
    const href = normalizeHref(r.href, calendarUrl);
    const data = r.props?.calendarData;
    const ics = typeof data === "string" ? data : typeof data?._cdata === "string" ? data._cdata : null;
    if (r.status === 404 || ics === null) continue;
    found.set(href, { href, etag: r.props?.getetag != null ? String(r.props.getetag) : null, ics });
  }
  return found;
}

/** One object by its own URL: its data, `gone` on 404 or 410, else `unconfirmed` with the reason. */
async function getObject(client: CaldavClient, href: string): Promise<FetchedObject> {
  try {
    const res = await client.fetch(href, { method: "GET", headers: client.headers });
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      return { href, gone: true };
    }
    await expectStatus(res, href, [200]);
    return { href, etag: res.headers.get("etag"), ics: await res.text() };
  } catch (err) {
    return { href, unconfirmed: true, error: err instanceof Error ? err : new Error(String(err)) };
  }
}
