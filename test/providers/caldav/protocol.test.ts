// Answers Radicale never gives but other servers do, played by a small WebDAV server on loopback: a
// principal without a calendar home, and a sync-collection answer cut short (507 on the collection,
// RFC 6578 §3.6) that also lists the collection itself, as iCloud does (reference §5.3, §5.6).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuthHeaders, guardedFetch } from "../../../server/providers/caldav/client.js";
import { testCaldavConnectivity } from "../../../server/providers/caldav/connectivity.js";
import { listCalendarChanges } from "../../../server/providers/caldav/list-changes.js";
import { allowLoopback } from "../../harness/caldav.js";

const multistatus = (inner: string) =>
  `<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${inner}</d:multistatus>`;

let server: http.Server;
let base: string;
const requests: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => {
      body += c;
    });
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", body });
      const xml = (status: number, text: string) => {
        res.writeHead(status, { "content-type": "application/xml; charset=utf-8" });
        res.end(text);
      };
      if (req.method === "PROPFIND" && (req.url === "/" || req.url === "/dav/"))
        return xml(
          207,
          multistatus(
            `<d:response><d:href>${req.url}</d:href><d:propstat><d:prop><d:current-user-principal><d:href>/dav/p/</d:href></d:current-user-principal></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`,
          ),
        );
      if (req.method === "PROPFIND" && req.url === "/dav/p/")
        return xml(
          207,
          multistatus(
            `<d:response><d:href>/dav/p/</d:href><d:propstat><d:prop><c:calendar-home-set/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>`,
          ),
        );
      if (req.method === "REPORT" && req.url === "/dav/cal/") {
        const second = body.includes("token-1");
        return xml(
          207,
          multistatus(
            second
              ? `<d:response><d:href>/dav/cal/b.ics</d:href><d:propstat><d:prop><d:getetag>"b1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response><d:sync-token>token-2</d:sync-token>`
              : `<d:response><d:href>/dav/cal/</d:href><d:propstat><d:prop><d:getetag>"ctag-9"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>` +
                  `<d:response><d:href>/dav/cal/a%40x.ics</d:href><d:propstat><d:prop><d:getetag>"a1"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>` +
                  `<d:response><d:href>/dav/cal/</d:href><d:status>HTTP/1.1 507 Insufficient Storage</d:status><d:error><d:number-of-matches-within-limits/></d:error></d:response><d:sync-token>token-1</d:sync-token>`,
          ),
        );
      }
      res.writeHead(404);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
});

describe("CalDAV protocol corners", () => {
  it("R-CAL-10: a principal without calendar-home-set fails at the calendar home step", async () => {
    const r = await testCaldavConnectivity(
      { serverUrl: `${base}/dav/`, username: "u", password: "p" },
      { allowPrivate: allowLoopback, timeoutMs: 5000 },
    );
    expect(r).toMatchObject({ ok: false, step: "home", messageKey: "caldav.home.failed" });
  });

  /** A client of the test server's calendar, whose sync-collection answers come a page at a time. */
  const pagedCalendar = () => ({
    client: {
      rootUrl: `${base}/dav/`,
      principalUrl: `${base}/dav/p/`,
      homeUrl: `${base}/dav/`,
      headers: basicAuthHeaders({ username: "u", password: "p" }),
      fetch: guardedFetch({ allowPrivate: allowLoopback, timeoutMs: 5000 }),
    },
    calendar: { url: `${base}/dav/cal/`, syncCollection: true },
  });

  it("R-P-2: a truncated sync-collection answer asks for more, and the collection's own row is no item", async () => {
    const { client, calendar } = pagedCalendar();
    const first = await listCalendarChanges(client, calendar, null);
    expect(first.more).toBe(true);
    expect(first.changes).toEqual([{ href: `${base}/dav/cal/a%40x.ics`, etag: '"a1"', removed: false }]);
    expect(first.cursor.syncToken).toBe("token-1");
    const second = await listCalendarChanges(client, calendar, first.cursor);
    expect(second.more).toBe(false);
    expect(second.changes).toEqual([{ href: `${base}/dav/cal/b.ics`, etag: '"b1"', removed: false }]);
    expect(requests.filter((r) => r.method === "REPORT").every((r) => /sync-level>1</.test(r.body))).toBe(
      true,
    );
  });

  it("R-P-2: a full re-listing over truncated answers skips unchanged items and reports the vanished ones at its end", async () => {
    const { client, calendar } = pagedCalendar();
    const known = new Map([
      [`${base}/dav/cal/a%40x.ics`, '"a1"'],
      [`${base}/dav/cal/gone.ics`, '"g1"'],
    ]);
    const first = await listCalendarChanges(client, calendar, null, { known });
    expect(first).toMatchObject({ changes: [], more: true });
    const second = await listCalendarChanges(client, calendar, first.cursor, { known });
    expect(second.more).toBe(false);
    expect(second.changes).toEqual([
      { href: `${base}/dav/cal/b.ics`, etag: '"b1"', removed: false },
      { href: `${base}/dav/cal/gone.ics`, etag: null, removed: true },
    ]);
    expect(second.cursor.fullListing).toBeNull();
  });
});
