// How CalDAV failures reach the sync engine: a busy server's Retry-After is honoured (R-P-3), a server
// error is temporary, and a test run without its Radicale says what is missing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaldavTimeoutError, guardedFetch } from "../../../server/providers/caldav/client.js";
import { classifyCaldavError } from "../../../server/providers/caldav/errors.js";
import { listCalendarChanges } from "../../../server/providers/caldav/list-changes.js";
import { allowLoopback, newCalendarUser, type TestCalendarUser, testCaldav } from "../../harness/caldav.js";

let user: TestCalendarUser;
let busy: http.Server;
let busyUrl: string;
let status = 429;
beforeAll(async () => {
  user = await newCalendarUser();
  busy = http.createServer((_req, res) => {
    res.writeHead(status, status === 429 ? { "retry-after": "7" } : {});
    res.end();
  });
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyUrl = `http://127.0.0.1:${(busy.address() as AddressInfo).port}/u/cal/`;
});
afterAll(async () => {
  if (busy) await new Promise((resolve) => busy.close(resolve));
});

describe("CalDAV failures as sync classes (R-P-3)", () => {
  it("R-P-3: 429 with Retry-After is throttled for that long; a 500 is temporary", async () => {
    status = 429;
    const err = await listCalendarChanges(user.client, { url: busyUrl, syncCollection: true }, null).catch(
      (e) => e,
    );
    expect(classifyCaldavError(err)).toMatchObject({ kind: "throttled", retryAfterMs: 7000 });
    status = 500;
    const err2 = await listCalendarChanges(user.client, { url: busyUrl, syncCollection: true }, null).catch(
      (e) => e,
    );
    expect(classifyCaldavError(err2).kind).toBe("temporary");
  });

  it("R-P-3: a server that never answers is cut off after the timeout and retried later", async () => {
    const silent = http.createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/cal/`;
    try {
      const client = { ...user.client, fetch: guardedFetch({ allowPrivate: allowLoopback, timeoutMs: 300 }) };
      const started = Date.now();
      const err = await listCalendarChanges(client, { url, syncCollection: true }, null).catch((e) => e);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(err).toBeInstanceOf(CaldavTimeoutError);
      expect(classifyCaldavError(err).kind).toBe("temporary");
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("a CalDAV test without TEST_CALDAV fails and says how to get a Radicale", () => {
    const saved = process.env.TEST_CALDAV;
    delete process.env.TEST_CALDAV;
    try {
      expect(() => testCaldav()).toThrow(/TEST_CALDAV is not set.*scripts\/radicale\.mjs/);
    } finally {
      process.env.TEST_CALDAV = saved;
    }
  });
});
