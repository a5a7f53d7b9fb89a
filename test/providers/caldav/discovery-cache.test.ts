// Discovery is remembered per account within the process: a sync step after the first reaches the
// calendars without walking .well-known, the principal and the home again, and a forgotten entry (after
// a failure) or other credentials discover anew.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CountingProxy, startCountingProxy } from "../../../bench/_calendar-proxy.js";
import { listCalendars } from "../../../server/providers/caldav/calendars.js";
import { connectCaldavCached, forgetDiscovery } from "../../../server/providers/caldav/discovery-cache.js";
import { allowLoopback, newCalendarUser, type TestCalendarUser, testCaldav } from "../../harness/caldav.js";

describe("CalDAV discovery cache", () => {
  let user: TestCalendarUser;
  let proxy: CountingProxy;
  beforeAll(async () => {
    user = await newCalendarUser("Work");
    proxy = await startCountingProxy(testCaldav().url);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it("R-P-2: a second session of the same account makes no discovery request and still lists its calendars", async () => {
    const account = { ...user.account, serverUrl: proxy.url };
    const opts = { allowPrivate: allowLoopback, timeoutMs: 10_000 };
    const first = await connectCaldavCached(account, opts);
    const discovery = proxy.snapshot().total;
    expect(discovery).toBeGreaterThan(0);
    const second = await connectCaldavCached(account, opts);
    expect(proxy.snapshot().total).toBe(discovery);
    expect(second.homeUrl).toBe(first.homeUrl);
    const calendars = await listCalendars(second);
    expect(calendars.map((c) => new URL(c.url).pathname)).toContain(new URL(user.calendarUrl).pathname);

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
