// Pushes as the providers really deliver them. Gmail (Pub/Sub): duplicated, and out of order. Microsoft
// Graph: the validation handshake, duplicated, reordered and dropped notifications, forged ones (wrong
// or missing clientState), and the lifecycle events. Each push only says "something changed"; whatever
// the number and order of pushes, each new message is logged once and none is missed. No polling here
// (an hour): only the pushes make the server sync. Each test ends with the audit against the
// emulator's mailbox.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Subscription } from "../../../emulators/microsoft/subscriptions.js";
import { engines } from "../../harness/app.js";
import { clean, type FaultWorld, faultWorld, type Mailbox } from "./world.js";

const TOPIC = "projects/concilia-faults/topics/gmail";
const TOKEN = "gmail-push-token-faults-0123456789abcdef0123";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(engines)("duplicated and reordered pushes on %s", (engine) => {
  let w: FaultWorld;
  beforeAll(async () => {
    w = await faultWorld(
      engine,
      {
        GOOGLE_PUBSUB_TOPIC: TOPIC,
        GOOGLE_PUSH_TOKEN: TOKEN,
        CONCILIA_SYNC_POLL_SECONDS: "3600",
      },
      { google: { pushMinIntervalMs: 0 } },
    );
    const url = await w.server.listen();
    w.emulators.google.push.registerTopic(TOPIC, `${url}/push/google?token=${TOKEN}`);
  });
  afterAll(async () => {
    await w?.close();
  });

  it("R-MAIL-4, R-P-2: each message is logged once, within seconds, when its pushes come twice and in reverse order", async () => {
    const box = await w.mailbox("google", { count: 10 });
    await w.syncUntilIdle(box);
    expect(w.emulators.google.push.watching(box.email), "the sync keeps a Gmail watch").toBeDefined();
    expect(await w.audit(box)).toEqual(clean(3));

    // Five new messages, one at a time; every push is sent twice and held until it can be reversed.
    w.emulators.google.faults.set(box.email, { notifications: { duplicate: 10, reorder: true } });
    for (let i = 0; i < 5; i++) {
      w.deliver(box, 1, 1);
      await sleep(30);
    }
    await w.emulators.google.outbox.flush();
    let audit = await w.audit(box);
    // Soon after the pushes, not at a later turn: a push that arrives while a step runs must not wait
    // for the step budget (20 s) to be looked at again.
    for (let i = 0; i < 80 && audit.missing.length; i++) {
      await sleep(100);
      audit = await w.audit(box);
    }
    expect(audit).toEqual(clean(8));
    // Let the steps the later copies queued run too: still once each.
    await w.quiet(box);
    expect(await w.audit(box)).toEqual(clean(8));
  });
});

/** Where Graph is told to post (https, as Graph requires); the emulator's fetch carries it to the test server. */
const PUBLIC_URL = "https://concilia.faults.test";

describe.each(engines)("Graph notifications under faults on %s", (engine) => {
  let w: FaultWorld;
  let box: Mailbox;
  let serverUrl = "";
  const microsoft = () => w.emulators.microsoft;
  const subscriptionsOf = (email: string): Subscription[] =>
    [...microsoft().subscriptions.all.values()].filter((x) => x.account === email);
  const inboxSubscription = () => subscriptionsOf(box.email).find((x) => x.resource.includes("inbox"))!;
  /** Waits until the audit has nothing missing (the pushes' steps ran), or gives the last audit. */
  async function settled(expected: number) {
    await microsoft().outbox.flush();
    let audit = await w.audit(box);
    for (let i = 0; i < 100 && audit.missing.length; i++) {
      await sleep(100);
      audit = await w.audit(box);
    }
    expect(audit).toEqual(clean(expected));
    await w.quiet(box); // the steps later copies queued have run: still once each
    expect(await w.audit(box)).toEqual(clean(expected));
  }
  const forged = (subscriptionId: string, clientState?: string) => ({
    value: [
      {
        subscriptionId,
        ...(clientState === undefined ? {} : { clientState }),
        changeType: "created",
        resource: "Users/x/Messages/forged",
        resourceData: { id: "forged" },
      },
    ],
  });

  beforeAll(async () => {
    w = await faultWorld(
      engine,
      { CONCILIA_PUBLIC_URL: PUBLIC_URL, CONCILIA_SYNC_POLL_SECONDS: "3600" },
      {
        microsoft: {
          fetch: (input, init) =>
            fetch(String(input instanceof Request ? input.url : input).replace(PUBLIC_URL, serverUrl), init),
        },
      },
    );
    serverUrl = await w.server.listen();
    // Every message with the CRM person (a share of 1): each new one must be logged.
    box = await w.mailbox("microsoft", { count: 10, share: 0.3 });
  });
  afterAll(async () => {
    await w?.close();
  });

  it("R-P-2: the first sync subscribes both folders through Graph's validation handshake", async () => {
    const stored = () => w.server.ctx.push.graphSubscriptions;
    await w.syncUntilIdle(box);
    const subs = subscriptionsOf(box.email);
    expect(subs.map((x) => x.resource).sort()).toEqual([
      "/me/mailFolders('inbox')/messages",
      "/me/mailFolders('sentitems')/messages",
    ]);
    for (const x of subs) {
      expect(x.notificationUrl).toBe(`${PUBLIC_URL}/push/microsoft`);
      expect(x.lifecycleNotificationUrl).toBe(`${PUBLIC_URL}/push/microsoft`);
      expect(await stored().get(x.id)).toMatchObject({ connectionId: box.connectionId });
    }
    expect(await w.audit(box)).toEqual(clean(3));
  });

  it("R-MAIL-4, R-P-2: duplicated and reordered notifications: each message logged once, within seconds", async () => {
    microsoft().faults.set(box.email, { notifications: { duplicate: 10, reorder: true } });
    for (let i = 0; i < 5; i++) {
      w.deliver(box, 1, 1);
      await sleep(30);
    }
    await settled(8);
    microsoft().faults.clear(box.email);
  });

  it("R-P-2: dropped notifications leave mail waiting until the next one, which brings all of it", async () => {
    microsoft().faults.set(box.email, { notifications: { drop: 2 } });
    w.deliver(box, 1, 1);
    w.deliver(box, 1, 1);
    await microsoft().outbox.flush();
    // Every notification was delivered or dropped, and a delivered one queues its step before it is
    // answered: once no step waits or runs, whatever the pushes could sync is synced.
    await w.quiet(box);
    expect((await w.audit(box)).missing).toHaveLength(2); // no push came, and no poll within the hour
    w.deliver(box, 1, 1);
    await settled(11);
  });

  it("R-P-2: notifications with a wrong or missing clientState are refused (403) and sync nothing", async () => {
    microsoft().faults.set(box.email, { notifications: { drop: 1 } });
    w.deliver(box, 1, 1);
    await microsoft().outbox.flush();
    const id = inboxSubscription().id;
    const right = inboxSubscription().clientState!;
    for (const clientState of ["wrong", `${right}x`, undefined]) {
      const res = await fetch(`${serverUrl}/push/microsoft`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(forged(id, clientState)),
      });
      expect(res.status).toBe(403);
    }
    await w.quiet(box);
    expect((await w.audit(box)).missing).toHaveLength(1);
    // A true notification (the missed event Graph sends after losing some) brings it.
    microsoft().subscriptions.lifecycle(id, "missed");
    await settled(12);
  });

  it("R-P-2: lifecycle missed queues a sync that finds the mail whose notifications were lost", async () => {
    microsoft().faults.set(box.email, { notifications: { drop: 3 } });
    w.deliver(box, 3, 1);
    await microsoft().outbox.flush();
    await w.quiet(box);
    expect((await w.audit(box)).missing).toHaveLength(3);
    microsoft().subscriptions.lifecycle(inboxSubscription().id, "missed");
    await settled(15);
  });

  it("R-P-2: lifecycle reauthorizationRequired renews the subscription", async () => {
    const before = { ...inboxSubscription() };
    const patches = () =>
      microsoft()
        .counter.requests(box.email)
        .filter((r) => r.endpoint === "graph.subscriptions.update").length;
    expect(patches()).toBe(0); // a new subscription is not due for days
    await sleep(20);
    microsoft().subscriptions.lifecycle(before.id, "reauthorizationRequired");
    await microsoft().outbox.flush();
    await eventually(() => expect(inboxSubscription().expiration).toBeGreaterThan(before.expiration));
    expect(inboxSubscription().id).toBe(before.id);
    expect(patches()).toBe(1);
    w.deliver(box, 1, 1);
    await settled(16);
  });

  it("R-P-2: lifecycle subscriptionRemoved makes the sync subscribe again, and pushes resume", async () => {
    const removed = inboxSubscription().id;
    microsoft().subscriptions.lifecycle(removed, "subscriptionRemoved");
    await microsoft().outbox.flush();
    await eventually(() => {
      const now = inboxSubscription();
      expect(now?.id).toBeDefined();
      expect(now.id).not.toBe(removed);
    });
    expect(subscriptionsOf(box.email)).toHaveLength(2);
    expect(await w.server.ctx.push.graphSubscriptions.get(removed)).toBeUndefined();
    w.deliver(box, 2, 1);
    await settled(18);
  });
});

async function eventually(check: () => void, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(100);
    }
  }
}
