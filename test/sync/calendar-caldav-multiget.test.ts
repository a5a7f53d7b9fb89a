// R-CAL-9 against partial calendar-multiget answers: an iCloud connection reaches the tests' Radicale
// through a proxy that leaves objects out of multiget answers, or answers 404 for them, while the
// objects are still there. Only a deletion the listing reports, or a 404 for the object itself, may
// mark the CRM event cancelled; anything else leaves the event as it is and tries again next step.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventLinks, syncFailedItems } from "../../server/db/schema.js";
import { engines, type TestServer } from "../harness/app.js";
import { otherClientIcs, type TestCalendarUser, testCaldav } from "../harness/caldav.js";
import { type CaldavProxy, startCaldavProxy } from "../harness/caldav-proxy.js";
import {
  anaWithCalendar,
  calendarThrough,
  connectIcloudCalendar,
  putAsOtherClient,
  startCaldavSyncServer,
} from "./caldav-e2e.js";
import { api, MARTA, syncUntilRest } from "./mail-e2e.js";

const ics = (uid: string, summary: string, day: string) =>
  otherClientIcs(uid, [
    `SUMMARY:${summary}`,
    `DTSTART:${day}T100000Z`,
    `DTEND:${day}T110000Z`,
    `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${MARTA}`,
  ]);

describe.each(engines)("CalDAV multiget answers that leave objects out, on %s", (engine) => {
  let s: TestServer;
  let proxy: CaldavProxy;
  let cal: TestCalendarUser;
  let ana: { id: string; token: string };
  let connectionId: string;
  /** The calendar's URL as the connection sees it: through the proxy. */
  let calendarUrl: string;

  const syncNow = () => syncUntilRest(s, connectionId);
  /** Another client's write, straight to Radicale. */
  const put = (name: string, body: string) => putAsOtherClient(cal, name, body);
  async function remove(name: string) {
    const res = await cal.client.fetch(new URL(name, cal.calendarUrl).href, {
      method: "DELETE",
      headers: cal.client.headers,
    });
    expect(res.status).toBeLessThan(300);
  }
  async function eventNamed(name: string) {
    const href = new URL(name, calendarUrl).href;
    const [link] = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.providerId, href));
    expect(link?.eventId).toMatch(/^\S+$/);
    const res = await api(s, ana, "GET", `/api/v1/events/${link!.eventId}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  const failedItems = () =>
    s.ctx.db
      .select({ key: syncFailedItems.itemKey, kind: syncFailedItems.errorKind })
      .from(syncFailedItems)
      .where(and(eq(syncFailedItems.connectionId, connectionId)));

  beforeAll(async () => {
    proxy = await startCaldavProxy(testCaldav().url);
    s = await startCaldavSyncServer(engine, { caldavUrl: proxy.url });
    ({ cal, ana } = await anaWithCalendar(s, engine));
    calendarUrl = calendarThrough(cal, proxy.url);
    connectionId = await connectIcloudCalendar(s, ana.id, cal, calendarUrl);
    await put("review.ics", ics("review-1@other.test", "Pipeline review", "20261203"));
    await put("visit.ics", ics("visit-1@other.test", "Visit Valencia", "20261204"));
    await syncNow();
    expect(await eventNamed("review.ics")).toMatchObject({ title: "Pipeline review", status: "confirmed" });
  });
  afterAll(async () => {
    await s?.close();
    await proxy?.close();
  });

  for (const how of ["drop", "404"] as const) {
    it(`R-CAL-9: an edited event the multiget answer ${how === "drop" ? "leaves out" : "answers 404 for"} while the server keeps it is read by itself, not cancelled`, async () => {
      const title = `Pipeline review (${how})`;
      await put("review.ics", ics("review-1@other.test", title, "20261203"));
      proxy.spoil(["review.ics"], how);
      const gets = proxy.gets.length;
      await syncNow();
      proxy.spoil([], how);
      expect(proxy.gets.slice(gets).some((g) => g.endsWith("/review.ics"))).toBe(true);
      expect(await eventNamed("review.ics")).toMatchObject({ title, status: "confirmed" });
      expect(await failedItems()).toEqual([]);
    });
  }

  it("R-CAL-9: an object neither in the multiget answer nor readable by itself keeps its CRM event unchanged and is tried again at the next step", async () => {
    await put("visit.ics", ics("visit-1@other.test", "Visit Valencia (moved)", "20261205"));
    proxy.spoil(["visit.ics"], "drop");
    // The object's own URL fails too (a server error): nothing says it was deleted.
    proxy.failGets(["visit.ics"]);
    await syncNow();
    expect(await eventNamed("visit.ics")).toMatchObject({ title: "Visit Valencia", status: "confirmed" });
    const href = new URL("visit.ics", calendarUrl).href;
    expect(await failedItems()).toEqual([{ key: href, kind: "temporary" }]);
    // The server answers fully again: the next step reads the change, the item leaves the failed list.
    proxy.spoil([], "drop");
    proxy.failGets([]);
    await syncNow();
    expect(await eventNamed("visit.ics")).toMatchObject({
      title: "Visit Valencia (moved)",
      startAt: "2026-12-05T10:00:00.000Z",
      status: "confirmed",
    });
    expect(await failedItems()).toEqual([]);
  });

  it("R-CAL-9: an object deleted between the listing and the multiget (404 for its own URL too) marks the CRM event cancelled", async () => {
    await put("review.ics", ics("review-1@other.test", "Pipeline review (last)", "20261203"));
    proxy.beforeNextMultiget(() => remove("review.ics"));
    await syncNow();
    expect(await eventNamed("review.ics")).toMatchObject({
      title: "Pipeline review (404)",
      status: "cancelled",
    });
    expect(await failedItems()).toEqual([]);
  });

  it("R-CAL-9: a deletion the sync-collection listing reports cancels the CRM event without any multiget", async () => {
    await remove("visit.ics");
    proxy.reset();
    await syncNow();
    expect(proxy.snapshot()["REPORT calendar-multiget"] ?? 0).toBe(0);
    expect(await eventNamed("visit.ics")).toMatchObject({
      title: "Visit Valencia (moved)",
      status: "cancelled",
    });
  });
});
