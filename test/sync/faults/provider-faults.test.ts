// Automatic email logging under the faults providers really produce (failure-modes.md, provider
// contracts §9), against the Gmail and Graph emulators served over HTTP, on both engines. Each test
// ends with the ground-truth audit: every message with a CRM participant logged exactly once
// (R-MAIL-4), none lost, none logged without a participant.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "../../../server/connections/connections.js";
import { connectionSecrets } from "../../../server/db/schema.js";
import { putSecret } from "../../../server/secrets/store.js";
import { runStepExclusive } from "../../../server/sync/run.js";
import { dueConnections } from "../../../server/sync/tick.js";
import { engines } from "../../harness/app.js";
import { clean, type FaultWorld, faultWorld, type Mailbox, mailProviders } from "./world.js";

const storeOf = (w: FaultWorld) => w.server.ctx;

describe.each(engines)("sync faults on %s", (engine) => {
  let w: FaultWorld;
  beforeAll(async () => {
    w = await faultWorld(engine);
  });
  afterAll(async () => {
    await w?.close();
  });

  const status = async (box: Mailbox) => {
    const r = await w.server.app.inject({
      method: "GET",
      url: `/api/v1/connections/${box.connectionId}/status`,
      headers: { authorization: `Bearer ${box.user.token}` },
    });
    expect(r.statusCode).toBe(200);
    return r.json();
  };
  /** The provider's own endpoints (not its OAuth token endpoint). */
  const api = (box: Mailbox) => [box.provider === "google" ? "gmail.*" : "graph.*"];
  const requests = (box: Mailbox) => w.emulator(box.provider).counter.requests(box.email);

  describe.each(mailProviders)("%s", (provider) => {
    // Gmail throttles with 429, Outlook with 429 and 503: one status per provider keeps the suite short.
    it.each([provider === "google" ? 429 : 503] as const)(
      "R-P-3: a %s with Retry-After is waited out before the account's next request, and nothing is lost or doubled",
      async (code) => {
        const box = await w.mailbox(provider, { count: 20 });
        w.emulator(provider).faults.set(box.email, {
          throttle: { status: code, retryAfter: 1, endpoints: api(box), times: 1 },
        });
        await w.syncUntilIdle(box);

        const log = requests(box);
        const throttled = log.findIndex((r) => r.status === code);
        expect(throttled).toBeGreaterThanOrEqual(0);
        const next = log[throttled + 1];
        expect(next, "the sync went on after the throttling").toBeDefined();
        expect(next.at - log[throttled].at).toBeGreaterThanOrEqual(1000);
        expect(await w.audit(box)).toEqual(clean(6));
      },
    );

    it("R-P-1: responses lost after the provider applied the request (a list, a batch of bodies) lose nothing and double nothing", async () => {
      const box = await w.mailbox(provider, { count: 30 });
      w.emulator(provider).faults.set(box.email, { loseResponse: { endpoints: api(box), times: 2 } });
      await w.syncUntilIdle(box);
      expect(requests(box).filter((r) => r.status === 0)).toHaveLength(2);
      expect(await w.audit(box)).toEqual(clean(9));

      // And on the incremental sync after it.
      w.deliver(box, 20);
      w.emulator(provider).faults.set(box.email, { loseResponse: { endpoints: api(box), times: 1 } });
      await w.syncUntilIdle(box);
      expect(await w.audit(box)).toEqual(clean(15));
    });

    it("R-P-2: a rejected cursor (Gmail history 404, Graph delta 410) brings a full re-sync that logs the new mail and doubles nothing", async () => {
      const box = await w.mailbox(provider, { count: 20 });
      await w.syncUntilIdle(box);
      expect(await w.audit(box)).toEqual(clean(6));

      w.deliver(box, 20);
      w.emulator(provider).invalidateCursors(box.email);
      await w.syncUntilIdle(box);
      const rejected = provider === "google" ? 404 : 410;
      expect(requests(box).some((r) => r.status === rejected)).toBe(true);
      expect(await w.audit(box)).toEqual(clean(12));
      expect(await status(box)).toMatchObject({ status: "up_to_date", lastError: null });
    });

    it('R-P-2: a revoked grant shows "reconnect needed"; connecting again resumes where the sync stood', async () => {
      const box = await w.mailbox(provider, { count: 20 });
      await w.syncUntilIdle(box);
      expect(await w.audit(box)).toEqual(clean(6));

      w.deliver(box, 20);
      w.emulator(provider).revokeTokens(box.email);
      w.emulator(provider).expireAccessTokens(box.email);
      const blocked = await w.syncUntilIdle(box);
      expect(blocked.at(-1)).toMatchObject({ result: "blocked", error: { kind: "auth" } });
      expect(await status(box)).toMatchObject({ status: "reconnect_needed", lastError: { kind: "auth" } });
      // Nothing runs while it waits for the user: the tick leaves it alone, and a step asked for stops.
      const before = requests(box).length;
      expect(await dueConnections(w.server.ctx, new Date(), [box.connectionId])).toEqual([]);
      expect(await runStepExclusive(w.server.ctx, box.connectionId)).toMatchObject({ result: "blocked" });
      expect(requests(box).length).toBe(before);

      // The user connects the account again: a new grant, stored as the next version of the secret,
      // and the step the reconnection queues.
      const { refreshToken } = w.emulator(provider).issueTokens(box.email);
      const [stored] = await w.server.ctx.db
        .select({ version: connectionSecrets.version })
        .from(connectionSecrets)
        .where(eq(connectionSecrets.connectionId, box.connectionId));
      await putSecret(storeOf(w), box.connectionId, SECRET.refreshToken, refreshToken, stored.version);
      expect(await runStepExclusive(w.server.ctx, box.connectionId)).toMatchObject({ result: "idle" });
      await w.syncUntilIdle(box);
      expect(await status(box)).toMatchObject({ status: "up_to_date", lastError: null });
      expect(await w.audit(box)).toEqual(clean(12));
    });
  });
});
