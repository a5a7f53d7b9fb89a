// Discovery is remembered per account within the process: a sync step after the first reaches the
// calendars without walking .well-known, the principal and the home again, and a forgotten entry (after
// a failure) or other credentials discover anew.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectCaldavCached,
  forgetDiscovery,
  listCalendarsCached,
} from "../../../server/providers/caldav/discovery-cache.js";
import { allowLoopback, newCalendarUser, type TestCalendarUser, testCaldav } from "../../harness/caldav.js";
import { type CaldavProxy, startCaldavProxy } from "../../harness/caldav-proxy.js";

describe("CalDAV discovery cache", () => {
  let user: TestCalendarUser;
  let proxy: CaldavProxy;
  beforeAll(async () => {
    user = await newCalendarUser("Work");
    proxy = await startCaldavProxy(testCaldav().url);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("R-P-2: a second session of the same account makes no discovery or calendar-list request and still has its calendars", async () => {
    const account = { ...user.account, serverUrl: proxy.url };
    const opts = { allowPrivate: allowLoopback, timeoutMs: 10_000 };
    const first = await connectCaldavCached(account, opts);
    const discovery = proxy.snapshot().total;
    expect(discovery).toBeGreaterThan(0);
    const second = await connectCaldavCached(account, opts);
    expect(proxy.snapshot().total).toBe(discovery);
    expect(second.homeUrl).toBe(first.homeUrl);
    const calendars = await listCalendarsCached(account, second);
    expect(calendars.map((c) => new URL(c.url).pathname)).toContain(new URL(user.calendarUrl).pathname);
    const listed = proxy.snapshot().total;
    expect(listed).toBeGreaterThan(discovery);
    expect(await listCalendarsCached(account, second)).toEqual(calendars);
    expect(proxy.snapshot().total).toBe(listed);

    proxy.reset();
    forgetDiscovery(account);
    await connectCaldavCached(account, opts);
    expect(proxy.snapshot().total).toBeGreaterThan(0);

    proxy.reset();
    const wrong = { ...account, password: "not-the-password" };
    await expect(connectCaldavCached(wrong, opts)).rejects.toThrow();
    expect(proxy.snapshot().total).toBeGreaterThan(0);
  });
});
