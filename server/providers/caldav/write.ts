// Writes to a calendar (reference §5.4), safe to repeat (R-P-3). A create goes to `<uid>.ics` with
// If-None-Match: *, so a create retried after a lost answer finds its own object (same UID) and returns
// it instead of making a second one. Updates and deletes carry If-Match with the ETag last seen: a 412
// means the calendar changed meanwhile, reported as CaldavConflict for the reconcile to decide on. When
// the server rewrote the object and sent no ETag (allowed by RFC 4791), a GET learns it. Creates let a
// scheduling server invite the attendees (R-CAL-7) when the event is new; history written at the first
// sync, and every update, mark them SCHEDULE-AGENT=CLIENT so it notifies no one.
import type { CaldavClient } from "./client.js";
import { CaldavConflict, DavHttpError, expectStatus } from "./errors.js";
import { normalizeHref } from "./href.js";
import { type CaldavEvent, parseCalendarObject, toCalendarObject } from "./map.js";

export interface WrittenObject {
  href: string;
  etag: string;
  /** False when the object was there already from an earlier try of the same create. */
  created: boolean;
}

const ICS = "text/calendar; charset=utf-8";

/** Where an event of this UID lives in a calendar: one resource per UID. */
export function objectHref(calendarUrl: string, uid: string): string {
  return normalizeHref(
    `${encodeURIComponent(uid)}.ics`,
    calendarUrl.endsWith("/") ? calendarUrl : `${calendarUrl}/`,
  );
}

export async function createEvent(
  client: CaldavClient,
  calendarUrl: string,
  event: CaldavEvent,
  scheduling: "server" | "client" = "server",
): Promise<WrittenObject> {
  const href = objectHref(calendarUrl, event.uid);
  const res = await client.fetch(href, {
    method: "PUT",
    headers: { ...client.headers, "content-type": ICS, "if-none-match": "*" },
    body: toCalendarObject(event, { scheduling }),
  });
  if (res.status === 412) {
    await res.body?.cancel();
    const existing = await readObject(client, href);
    const sameUid = existing && parseCalendarObject(existing.ics).some((e) => e.uid === event.uid);
    if (existing && sameUid) return { href, etag: existing.etag, created: false };
    throw new CaldavConflict(href, "create");
  }
  if (res.status === 403 || res.status === 409) {
    // C:no-uid-conflict: this UID lives at another href already (written by another client, or by
    // an earlier Concilia under another name). That object is the event: nothing new is made.
    const body = await res.text();
    const error = new DavHttpError(res.status, href, body.slice(0, 4096));
    if (error.precondition !== "no-uid-conflict") throw error;
    // RFC 4791 names the existing href in the error; Radicale does not, so then the calendar is asked.
    const named = /<(?:[\w-]+:)?href>([^<]+)<\/(?:[\w-]+:)?href>/i.exec(body)?.[1];
    const where = named ? normalizeHref(named, href) : await hrefOfUid(client, calendarUrl, event.uid);
    const existing = where ? await readObject(client, where) : null;
    if (!existing) throw error;
    return { href: existing.href, etag: existing.etag, created: false };
  }
  await expectStatus(res, href, [200, 201, 204]);
  return { href, etag: await etagAfter(client, href, res), created: true };
}

export async function updateEvent(
  client: CaldavClient,
  href: string,
  etag: string,
  event: CaldavEvent,
): Promise<WrittenObject> {
  const res = await client.fetch(href, {
    method: "PUT",
    headers: { ...client.headers, "content-type": ICS, "if-match": etag },
    body: toCalendarObject(event, { scheduling: "client" }),
  });
  if (res.status === 412) {
    await res.body?.cancel();
    throw new CaldavConflict(href, "update");
  }
  await expectStatus(res, href, [200, 201, 204]);
  return { href, etag: await etagAfter(client, href, res), created: false };
}

/** Deletes an object; one already gone (404) counts as deleted. */
export async function deleteEvent(client: CaldavClient, href: string, etag: string): Promise<void> {
  const res = await client.fetch(href, {
    method: "DELETE",
    headers: { ...client.headers, "if-match": etag },
  });
  if (res.status === 412) {
    await res.body?.cancel();
    throw new CaldavConflict(href, "delete");
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return;
  }
  await expectStatus(res, href, [200, 204]);
  await res.body?.cancel();
}

/** Where the object of this UID is in a calendar (calendar-query on UID), or null. */
export async function hrefOfUid(
  client: CaldavClient,
  calendarUrl: string,
  uid: string,
): Promise<string | null> {
  const escaped = uid.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const res = await client.fetch(calendarUrl, {
    method: "REPORT",
    headers: { ...client.headers, depth: "1", "content-type": "application/xml; charset=utf-8" },
    body:
      '<?xml version="1.0" encoding="utf-8"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">' +
      '<d:prop><d:getetag/></d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">' +
      `<c:prop-filter name="UID"><c:text-match collation="i;octet">${escaped}</c:text-match></c:prop-filter>` +
      "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>",
  });
  await expectStatus(res, calendarUrl, [207]);
  const self = normalizeHref(calendarUrl, calendarUrl);
  for (const m of (await res.text()).matchAll(/<(?:[\w-]+:)?href>([^<]+)<\/(?:[\w-]+:)?href>/gi)) {
    const href = normalizeHref(m[1], calendarUrl);
    if (href !== self) return href;
  }
  return null;
}

/** One object with its ETag, or null when it does not exist. */
export async function readObject(
  client: CaldavClient,
  href: string,
): Promise<{ href: string; etag: string; ics: string } | null> {
  const res = await client.fetch(href, { method: "GET", headers: client.headers });
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    return null;
  }
  await expectStatus(res, href, [200]);
  const ics = await res.text();
  const etag = res.headers.get("etag");
  if (!etag) throw new Error(`The server gave no ETag for ${new URL(href).pathname}.`);
  return { href, etag, ics };
}

async function etagAfter(client: CaldavClient, href: string, res: Response): Promise<string> {
  await res.body?.cancel();
  const etag = res.headers.get("etag");
  if (etag) return etag;
  const again = await readObject(client, href);
  if (!again) throw new Error(`${new URL(href).pathname} vanished right after it was written.`);
  return again.etag;
}
