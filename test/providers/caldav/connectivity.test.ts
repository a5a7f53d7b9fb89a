// The CalDAV connectivity test against a real Radicale: ok with the calendars, or the step that failed
// (discovery, login, connection, lookup) with the message key the settings views show (R-CAL-10).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCalendars } from "../../../server/providers/caldav/calendars.js";
import { testCaldavConnectivity } from "../../../server/providers/caldav/connectivity.js";
import { connectCaldav } from "../../../server/providers/caldav/discovery.js";
import { classifyCaldavError } from "../../../server/providers/caldav/errors.js";
import { caldavProfiles, serverUrlFor } from "../../../server/providers/caldav/profiles.js";
import { noPrivateHosts } from "../../../server/providers/private-hosts.js";
import { calendarAccountMessages } from "../../../shared/calendar-account-messages.js";
import {
  allowLoopback,
  newCalendarUser,
  notCaldavWebsite,
  type TestCalendarUser,
  testCaldav,
} from "../../harness/caldav.js";
import { freePortNow } from "./free-port.js";

let user: TestCalendarUser;
let website: Awaited<ReturnType<typeof notCaldavWebsite>>;

beforeAll(async () => {
  user = await newCalendarUser("Sales");
  website = await notCaldavWebsite();
});
afterAll(async () => {
  await website?.close();
});

const opts = { allowPrivate: allowLoopback, timeoutMs: 10_000 };

describe("CalDAV connectivity test (R-CAL-10)", () => {
  it("R-CAL-10: the right app password answers ok and lists the calendars with name, color and events", async () => {
    const r = await testCaldavConnectivity(user.account, opts);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.homeUrl).toBe(`${testCaldav().url}${user.account.username}/`);
    const sales = r.calendars.find((c) => c.url === user.calendarUrl);
    expect(sales).toMatchObject({ name: "Sales", color: "#3a87ad", supportsEvents: true, primary: true });
    expect(sales?.syncCollection).toBe(true);
    expect(sales?.syncToken).toMatch(/\S/);
  });

  it("R-CAL-10: a wrong password fails at the login step, with the app-password hint for iCloud/Yahoo", async () => {
    const wrong = { ...user.account, password: `${user.account.password}x` };
    const r = await testCaldavConnectivity(wrong, { ...opts, appPassword: true });
    expect(r).toMatchObject({ ok: false, step: "login", messageKey: "caldav.login.appPassword" });
    if (r.ok) return;
    expect(r.detail).not.toContain(wrong.password);
    expect(calendarAccountMessages.es[r.messageKey]).toMatch(/contraseña de aplicación/);
    // The engine stops and asks the user to reconnect.
    const err = await connectCaldav(wrong, opts).catch((e) => e);
    expect(classifyCaldavError(err).kind).toBe("auth");
  });

  it("R-CAL-10: a URL where no CalDAV service answers fails at the discovery step", async () => {
    const r = await testCaldavConnectivity({ ...user.account, serverUrl: website.url }, opts);
    expect(r).toMatchObject({ ok: false, step: "discovery", messageKey: "caldav.discovery.failed" });
    if (r.ok) return;
    expect(r.detail).toMatch(/404/);
  });

  it("R-CAL-10: a closed port fails at the connection step and is a temporary sync failure", async () => {
    const port = await freePortNow();
    const account = { ...user.account, serverUrl: `http://127.0.0.1:${port}/` };
    const r = await testCaldavConnectivity(account, opts);
    expect(r).toMatchObject({ ok: false, step: "connection", messageKey: "caldav.connection.failed" });
    if (r.ok) return;
    expect(r.detail).toMatch(/ECONNREFUSED/);
    const err = await connectCaldav(account, opts).catch((e) => e);
    expect(classifyCaldavError(err).kind).toBe("temporary");
  });

  it("SSRF: a server on a private address is refused when private hosts are not allowed, before any request", async () => {
    const r = await testCaldavConnectivity(user.account, { allowPrivate: noPrivateHosts, timeoutMs: 10_000 });
    expect(r).toMatchObject({ ok: false, step: "lookup", messageKey: "caldav.lookup.privateAddress" });
    // A public name that resolves to loopback is refused the same way.
    const r2 = await testCaldavConnectivity(
      { ...user.account, serverUrl: `http://calendar.example.com:${testCaldav().port}/` },
      { allowPrivate: noPrivateHosts, lookup: async () => [{ address: "127.0.0.1" }] },
    );
    expect(r2).toMatchObject({ ok: false, step: "lookup", messageKey: "caldav.lookup.privateAddress" });
  });

  it("SSRF: a redirect to a private address is not followed", async () => {
    // A public-looking server (resolved to loopback only for the first name) redirecting to Radicale.
    const redirector = http.createServer((_req, res) => {
      res.writeHead(301, { location: `http://internal.example.net:${testCaldav().port}/` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    const port = (redirector.address() as AddressInfo).port;
    try {
      const r = await testCaldavConnectivity(
        { ...user.account, serverUrl: `http://public.example.org:${port}/` },
        {
          timeoutMs: 10_000,
          allowPrivate: { ...noPrivateHosts, hosts: new Set(["public.example.org"]) },
          lookup: async () => [{ address: "127.0.0.1" }],
        },
      );
      expect(r).toMatchObject({ ok: false, step: "lookup", messageKey: "caldav.lookup.privateAddress" });
    } finally {
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it("R-CAL-10: plain http to a public host is refused so the password is never sent in clear", async () => {
    const r = await testCaldavConnectivity(
      { ...user.account, serverUrl: "http://calendar.example.com/" },
      { allowPrivate: noPrivateHosts, lookup: async () => [{ address: "93.184.216.34" }] },
    );
    expect(r).toMatchObject({ ok: false, step: "connection", messageKey: "caldav.connection.insecure" });
  });

  it("R-CAL-10: iCloud and Yahoo start from their fixed service URLs; another server from the user's", () => {
    expect(serverUrlFor("icloud")).toBe("https://caldav.icloud.com/");
    expect(serverUrlFor("yahoo")).toBe("https://caldav.calendar.yahoo.com/");
    expect(serverUrlFor("other", "dav.example.com/cal")).toBe("https://dav.example.com/cal");
    expect(() => serverUrlFor("other", " ")).toThrow(/URL/);
    expect(caldavProfiles.icloud.appPassword).toBe(true);
  });

  it("R-CAL-10: the primary calendar is the first one that holds events", async () => {
    const calendars = await listCalendars(user.client);
    expect(calendars.filter((c) => c.primary)).toHaveLength(1);
    expect(calendars.find((c) => c.primary)?.supportsEvents).toBe(true);
  });
});
