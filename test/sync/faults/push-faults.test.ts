// Gmail pushes as Pub/Sub really delivers them: duplicated, and out of order. Each push only says
// "something changed"; whatever the number and order of pushes, each new message is logged once and
// none is missed. No polling here: only the pushes make the server sync.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../../harness/app.js";
import { clean, type FaultWorld, faultWorld } from "./world.js";

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
    await sleep(1500);
    expect(await w.audit(box)).toEqual(clean(8));
  });
});
