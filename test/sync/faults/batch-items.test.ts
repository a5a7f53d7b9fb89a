// Failure modes 5 and 8 of failure-modes.md for mail: one message failing inside a Gmail batch or a
// Graph $batch answer is retried or parked and shown, never dropped while the cursor moves on; a
// Graph mailbox never sees more than Outlook's 4 requests in flight, and a throttled sync resumes.
// Served emulators on both engines; every test ends with the ground-truth audit of fault world.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Engine, engines } from "../../harness/app.js";
import { clean, type FaultWorld, faultWorld, type Mailbox, mailProviders } from "./world.js";

/** The endpoint each provider's message bodies are fetched through, inside its batch. */
const bodyEndpoint = { google: "gmail.users.messages.get", microsoft: "graph.messages.value" } as const;

/**
 * A fault world for the tests of one block, whose items get one try each: a part that keeps failing
 * through the batch's own retries is parked at once.
 */
function worldOfBlock(engine: Engine, env: Record<string, string>) {
  const world = { w: undefined as unknown as FaultWorld };
  beforeAll(async () => {
    world.w = await faultWorld(engine, { CONCILIA_SYNC_ITEM_ATTEMPTS: "1", ...env });
  });
  afterAll(async () => {
    await world.w?.close();
  });
  const call = async (box: Mailbox, method: "GET" | "POST", path: string) => {
    const r = await world.w.server.app.inject({
      method,
      url: `/api/v1/connections/${box.connectionId}${path}`,
      headers: { authorization: `Bearer ${box.user.token}` },
    });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  return { world, call };
}

describe.each(engines)("failure mode 5: items failing inside batches, on %s", (engine) => {
  // One retry of a failed part (CONCILIA_PROVIDER_RETRIES): these rules hold whatever the number of
  // retries, and the production default's five would sit out 15 s of backoff per failing batch.
  const { world, call } = worldOfBlock(engine, { CONCILIA_PROVIDER_RETRIES: "1" });
  const batchAnswers = (box: Mailbox) =>
    world.w
      .emulator(box.provider)
      .counter.requests(box.email)
      .filter((r) => r.endpoint === (box.provider === "google" ? "gmail.batch" : "graph.batch"));

  it("R-P-3, R-MAIL-4 (failure mode 5): message parts answered 500 inside a 200 batch (Gmail and Graph) are asked again; every message is logged once", async () => {
    const boxes = await Promise.all(mailProviders.map((p) => world.w.mailbox(p, { count: 20, share: 0.5 })));
    for (const box of boxes)
      world.w.emulator(box.provider).faults.set(box.email, {
        serverError: { status: 500, endpoints: [bodyEndpoint[box.provider]], times: 3 },
      });
    await Promise.all(boxes.map((box) => world.w.syncUntilIdle(box)));
    for (const box of boxes) {
      // The batches themselves were answered 200: the failures were inside them.
      expect(batchAnswers(box).length).toBeGreaterThan(0);
      expect(batchAnswers(box).every((r) => r.status === 200)).toBe(true);
      expect(world.w.emulator(box.provider).faults.get(box.email).serverError?.times).toBe(0);
      expect(await world.w.audit(box)).toEqual(clean(10));
      expect(await call(box, "GET", "/status")).toMatchObject({ status: "up_to_date", failedItems: 0 });
    }
  });

  it("R-P-3, R-MAIL-8 (failure mode 5): a message whose part keeps failing (Gmail and Graph) is parked and counted in the status while newer mail still syncs; 'retry failed items' logs it", async () => {
    const boxes = await Promise.all(mailProviders.map((p) => world.w.mailbox(p, { count: 1, share: 1 })));
    const failing = async (box: Mailbox) => {
      world.w.emulator(box.provider).faults.set(box.email, {
        serverError: { status: 500, endpoints: [bodyEndpoint[box.provider]] },
      });
      await world.w.syncUntilIdle(box);
      // Its part was asked once and retried once (CONCILIA_PROVIDER_RETRIES), in this one step.
      expect(world.w.emulator(box.provider).counter.endpointsOf(box.email)[bodyEndpoint[box.provider]]).toBe(
        2,
      );
      const audit = await world.w.audit(box);
      expect(audit.missing).toHaveLength(1);
      // Not dropped: it is shown as a failed item.
      expect(await call(box, "GET", "/status")).toMatchObject({ failedItems: 1 });

      // The cursor moved on: mail that arrives after the fault is logged, the parked one still missing.
      world.w.emulator(box.provider).faults.clear(box.email);
      world.w.deliver(box, 2, 1);
      await new Promise((r) => setTimeout(r, 1100));
      await world.w.syncUntilIdle(box);
      const after = await world.w.audit(box);
      expect(after).toMatchObject({ expected: 3, missing: audit.missing, doubled: [] });

      await call(box, "POST", "/retry-failed");
      await world.w.syncUntilIdle(box);
      expect(await world.w.audit(box)).toEqual(clean(3));
      expect(await call(box, "GET", "/status")).toMatchObject({ failedItems: 0 });
    };
    await Promise.all(boxes.map(failing));
  }, 60_000);
});

describe.each(engines)("failure mode 8: concurrency and throttling, on %s", (engine) => {
  // The production default of retries: a throttled batch is retried item by item until Outlook's limit
  // lets every item through, which takes more than one retry.
  const { world, call } = worldOfBlock(engine, {});

  it("R-P-3 (failure mode 8): a Graph mailbox never has more than 4 requests in flight; with Outlook's limit and 429 Retry-After the first sync finishes", async () => {
    const box = await world.w.mailbox("microsoft", { count: 20, share: 0.25 });
    const outlook = world.w.emulator("microsoft");
    // Slow answers make every request the client would overlap actually overlap.
    outlook.faults.set(box.email, {
      latencyMs: 40,
      maxConcurrent: 4,
      // Outlook's limit reaches inside a $batch too: items beyond 4 answer 429 with their Retry-After.
      batchConcurrency: 4,
      throttle: { status: 429, retryAfter: 1, endpoints: ["graph.*"], times: 2 },
    });
    await world.w.syncUntilIdle(box, 60_000);
    expect(outlook.counter.requests(box.email).filter((r) => r.status === 429)).toHaveLength(2);
    expect(outlook.counter.peakConcurrency(box.email)).toBeLessThanOrEqual(4);
    expect(await world.w.audit(box)).toEqual(clean(5));
    expect(await call(box, "GET", "/status")).toMatchObject({ status: "up_to_date", lastError: null });
  });

  it("R-P-3 (failure mode 8): Gmail's 403 userRateLimitExceeded (no Retry-After) is backed off and the sync resumes to the end", async () => {
    const box = await world.w.mailbox("google", { count: 40, share: 0.25 });
    const gmail = world.w.emulator("google");
    gmail.faults.set(box.email, {
      throttle: {
        status: 403,
        retryAfter: null,
        code: "userRateLimitExceeded",
        endpoints: ["gmail.*"],
        times: 2,
      },
    });
    await world.w.syncUntilIdle(box, 60_000);
    expect(gmail.counter.requests(box.email).filter((r) => r.status === 403)).toHaveLength(2);
    expect(await world.w.audit(box)).toEqual(clean(10));
    expect(await call(box, "GET", "/status")).toMatchObject({ status: "up_to_date", lastError: null });
  });
});
