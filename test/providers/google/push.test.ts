// Gmail push through the real route: users.watch on the emulator, Pub/Sub pushes delivered to
// POST /push/google; duplicates, reordering and old pushes ask for no extra sync; wrong tokens nothing.
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GoogleEmulator } from "../../../emulators/google/emulator.js";
import { GmailClient } from "../../../server/providers/google/client.js";
import {
  gmailStop,
  gmailWatch,
  gmailWatchDue,
  renewGmailWatch,
} from "../../../server/providers/google/watch.js";
import type { RecordingPushHooks } from "../../../server/providers/push-hooks.js";
import { engines, startTestServer, type TestServer } from "../../harness/app.js";
import { injectFetch } from "../inject-fetch.js";
import { ANA, mail, NOW } from "./world.js";

const TOKEN = "gmail-push-token-0123456789abcdef0123456789";
const TOPIC = "projects/concilia-test/topics/gmail";

describe.each(engines)("Gmail push on %s", (engine) => {
  let s: TestServer;
  let google: GoogleEmulator;
  let client: GmailClient;
  const clock = { now: NOW };
  const server = setupServer();
  const pushes = () => (s.ctx.push as RecordingPushHooks).received.filter((c) => c.provider === "google");

  beforeAll(async () => {
    clock.now = NOW;
    s = await startTestServer({ engine, env: { GOOGLE_PUSH_TOKEN: TOKEN } });
    google = new GoogleEmulator({ clock: () => clock.now, fetch: injectFetch(s.app), pushMinIntervalMs: 0 });
    google.addAccount(ANA);
    google.push.registerTopic(TOPIC, `https://concilia.example/push/google?token=${TOKEN}`);
    server.use(...google.handlers());
    server.listen({ onUnhandledRequest: "bypass" });
    // A fresh token per call, as the connection's token getter gives: the test moves the clock by days.
    client = new GmailClient({
      baseUrl: "https://gmail.googleapis.com",
      accessToken: async () => google.issueTokens(ANA).accessToken,
    });
  });
  afterAll(async () => {
    server.close();
    await s?.close();
  });

  it("R-P-2: watch asks for INBOX and SENT and is renewed a day after, well before its 7-day expiry", async () => {
    const watch = await gmailWatch(client, TOPIC);
    expect(google.push.watching(ANA)).toMatchObject({
      topic: TOPIC,
      labelIds: ["INBOX", "SENT"],
      behavior: "INCLUDE",
    });
    expect(watch.expiration).toBe(NOW + 7 * 86_400_000);
    expect(gmailWatchDue(watch, NOW + 12 * 3_600_000)).toBe(false);
    expect(gmailWatchDue(watch, NOW + 25 * 3_600_000)).toBe(true);
    clock.now = NOW + 25 * 3_600_000;
    const renewed = await renewGmailWatch(client, TOPIC, watch, clock.now);
    expect(renewed.expiration).toBe(clock.now + 7 * 86_400_000);
    expect(await renewGmailWatch(client, TOPIC, renewed, clock.now)).toBe(renewed);
  });

  it("R-P-2: duplicated pushes call onChange once per distinct historyId", async () => {
    google.faults.set(ANA, { notifications: { duplicate: 10 } });
    const box = google.mailbox(ANA);
    const before = pushes().length;
    const logged = google.outbox.log.length;
    for (let i = 0; i < 3; i++) {
      await box.addRaw(mail({ daysAgo: 0 }).raw, ["INBOX"]);
      await google.outbox.flush();
    }
    const delivered = google.outbox.log.slice(logged).filter((d) => d.status === 204).length;
    expect(delivered).toBe(6);
    const ids = pushes()
      .slice(before)
      .map((c) => (c.provider === "google" ? c.historyId : ""));
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    expect(
      pushes()
        .slice(before)
        .every((c) => c.provider === "google" && c.account === ANA),
    ).toBe(true);
  });

  it("R-P-2: reordered pushes: the newest asks for a sync, the older one arriving after it is harmless", async () => {
    google.faults.set(ANA, { notifications: { reorder: true } });
    const box = google.mailbox(ANA);
    const before = pushes().length;
    await box.addRaw(mail({ daysAgo: 0 }).raw, ["INBOX"]);
    await box.addRaw(mail({ daysAgo: 0 }).raw, ["INBOX"]);
    await google.outbox.flush();
    const got = pushes().slice(before);
    expect(got).toEqual([{ provider: "google", account: ANA, historyId: String(box.historyId) }]);
    google.faults.clear(ANA);
  });

  it("R-P-2: a push with a wrong or missing token is refused (403) and asks for nothing", async () => {
    const before = pushes().length;
    const data = Buffer.from(JSON.stringify({ emailAddress: ANA, historyId: 99_999_999 })).toString("base64");
    const body = { message: { data, messageId: "1" }, subscription: "projects/p/subscriptions/s" };
    for (const query of ["", "?token=wrong", `?token=${TOKEN}x`]) {
      const res = await s.app.inject({ method: "POST", url: `/push/google${query}`, payload: body });
      expect(res.statusCode).toBe(403);
    }
    google.push.registerTopic(TOPIC, "https://concilia.example/push/google?token=not-the-token");
    await google.mailbox(ANA).addRaw(mail({ daysAgo: 0 }).raw, ["INBOX"]);
    await google.outbox.flush();
    expect(google.outbox.log.at(-1)?.status).toBe(403);
    expect(pushes().length).toBe(before);
    const bad = await s.app.inject({
      method: "POST",
      url: `/push/google?token=${TOKEN}`,
      payload: { message: { data: "bm90IGpzb24=" } },
    });
    expect(bad.statusCode).toBe(400);
    expect(pushes().length).toBe(before);
  });

  it("R-P-2: stop ends the watch", async () => {
    await gmailStop(client);
    expect(google.push.watching(ANA)).toBeUndefined();
  });
});
