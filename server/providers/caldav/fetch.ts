// The calendar data of changed items: calendar-multiget REPORTs (RFC 4791 §7.9) of at most 50 hrefs
// each, so one big change list is not one huge answer. An href the server no longer has comes back
// as `gone` (removed between the listing and the fetch). tsdav's calendarMultiGet rejects a whole answer
// when one href in it is 404, so the same REPORT goes through its davRequest instead.
import { DAVNamespace, davRequest, getDAVAttribute } from "tsdav";
import type { CaldavClient } from "./client.js";
import { DavHttpError } from "./errors.js";
import { normalizeHref } from "./href.js";

export type FetchedObject = { href: string; etag: string | null; ics: string } | { href: string; gone: true };

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
      if (r.status === 404 || ics === null) found.set(href, { href, gone: true });
      else found.set(href, { href, etag: r.props?.getetag != null ? String(r.props.getetag) : null, ics });
    }
    for (const href of batch) out.push(found.get(href) ?? { href, gone: true });
  }
  return out;
}
