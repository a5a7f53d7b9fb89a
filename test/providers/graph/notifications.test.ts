// Graph subscriptions and notifications through the real route: the validation handshake, clientState
// checked per notification, duplicates and lifecycle events, renewal and deletion.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../../server/connections/connections.js";
import { GraphClient } from "../../../server/providers/graph/client.js";
import {
  clientStateHash,
  type GraphSubscriptionRecord,
} from "../../../server/providers/graph/subscription-store.js";
import {
  createGraphSubscription,
  deleteGraphSubscription,
  renewGraphSubscription,
  subscriptionDue,
} from "../../../server/providers/graph/subscriptions.js";
import type { RecordingPushHooks } from "../../../server/providers/push-hooks.js";
import { engines, startTestServer, type TestServer } from "../../harness/app.js";
import { injectFetch } from "../inject-fetch.js";
import { mail, NOW } from "../sync-helpers.js";
import { BO, GRAPH, graphWorld } from "./world.js";

const URL_ = "https://concilia.example/push/microsoft";

describe.each(engines)("Graph notifications on %s", (engine) => {
  let s: TestServer;
  let w: ReturnType<typeof graphWorld>;
  let client: GraphClient;
  let sub: GraphSubscriptionRecord;
  let conn: string;
  const hooks = () => s.ctx.push as RecordingPushHooks;
  const changes = () => hooks().received.filter((c) => c.provider === "microsoft");

  beforeAll(async () => {
    s = await startTestServer({ engine });
    const bo = await s.user(BO);
    conn = (await createConnection(s.ctx.db, bo.id, { provider: "microsoft", accountAddress: BO })).id;
    w = graphWorld({ fetch: injectFetch(s.app) });
    w.server.listen({ onUnhandledRequest: "bypass" });
    client = new GraphClient({
      baseUrl: GRAPH,
      accessToken: async () => w.microsoft.issueTokens(BO).accessToken,
    });
  });
  afterAll(async () => {
    w?.server.close();
    await s?.close();
  });

  it("R-P-2: the validation handshake is answered: the decoded token back as text/plain, 200", async () => {
    const res = await s.app.inject({
      method: "POST",
      url: "/push/microsoft?validationToken=Validation%3A+Testing+client+application+reachability",
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe("Validation: Testing client application reachability");
    expect(changes()).toEqual([]);
  });

  it("R-P-2: creating a subscription passes Graph's handshake and stores a random clientState", async () => {
    sub = await createGraphSubscription(client, hooks().graphSubscriptions, {
      connectionId: conn,
      folder: "inbox",
      notificationUrl: URL_,
    });
    const remote = w.microsoft.subscriptions.all.get(sub.id)!;
    expect(clientStateHash(remote.clientState!)).toBe(sub.clientStateHash);
    expect(remote.clientState!.length).toBeGreaterThanOrEqual(40);
    expect(remote.lifecycleNotificationUrl).toBe(URL_);
    expect(await hooks().graphSubscriptions.get(sub.id)).toMatchObject({ connectionId: conn });
    const other = await createGraphSubscription(client, hooks().graphSubscriptions, {
      connectionId: conn,
      folder: "sentitems",
      notificationUrl: URL_,
    });
    expect(w.microsoft.subscriptions.all.get(other.id)!.clientState).not.toBe(remote.clientState);
  });

  it("R-P-2: a new message asks for one sync; duplicated notifications still one change each", async () => {
    const before = changes().length;
    await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    await w.microsoft.outbox.flush();
    expect(changes().slice(before)).toEqual([
      { provider: "microsoft", connectionId: conn, subscriptionId: sub.id, reason: "change" },
    ]);
    w.microsoft.faults.set(BO, { notifications: { duplicate: 10 } });
    const logged = w.microsoft.outbox.log.length;
    await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    await w.microsoft.outbox.flush();
    w.microsoft.faults.clear(BO);
    const delivered = w.microsoft.outbox.log.slice(logged);
    expect(delivered.every((d) => d.status === 202)).toBe(true);
    expect(delivered.flatMap((d) => JSON.parse(d.body).value)).toHaveLength(4);
    expect(changes().length - before).toBe(3);
  });

  it("R-P-2: reordered notifications: one change each, whatever the order", async () => {
    const before = changes().length;
    w.microsoft.faults.set(BO, { notifications: { reorder: true } });
    await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    await w.microsoft.outbox.flush();
    w.microsoft.faults.clear(BO);
    expect(changes().length - before).toBe(2);
  });

  it("R-P-2: a wrong clientState is refused (403) and asks for nothing; an unknown subscription is ignored", async () => {
    const before = changes().length;
    const note = (subscriptionId: string, clientState: string | null) => ({
      value: [
        {
          subscriptionId,
          clientState,
          changeType: "created",
          resource: "Users/x/Messages/y",
          resourceData: { id: "y" },
        },
      ],
    });
    const right = w.microsoft.subscriptions.all.get(sub.id)!.clientState!;
    for (const state of ["wrong", null, `${right}x`, right.slice(0, -1)]) {
      const res = await s.app.inject({
        method: "POST",
        url: "/push/microsoft",
        payload: note(sub.id, state),
      });
      expect(res.statusCode).toBe(403);
    }
    const unknown = await s.app.inject({
      method: "POST",
      url: "/push/microsoft",
      payload: note("no-such-subscription", "x"),
    });
    expect(unknown.statusCode).toBe(202);
    const junk = await s.app.inject({ method: "POST", url: "/push/microsoft", payload: { hello: 1 } });
    expect(junk.statusCode).toBe(400);
    expect(changes().length).toBe(before);
  });

  it("R-P-2: lifecycle events missed and reauthorizationRequired ask for a sync", async () => {
    const before = changes().length;
    w.microsoft.lifecycle(sub.id, "missed");
    w.microsoft.lifecycle(sub.id, "reauthorizationRequired");
    await w.microsoft.outbox.flush();
    expect(
      changes()
        .slice(before)
        .map((c) => c.provider === "microsoft" && c.reason),
    ).toEqual(["missed", "reauthorizationRequired"]);
  });

  it("R-P-2: a subscription is renewed once less than a day is left, and deleted on stop", async () => {
    expect(subscriptionDue(sub, NOW + 3600_000)).toBe(false);
    w.clock.now = sub.expiresAt - 12 * 3600_000;
    const renewed = await renewGraphSubscription(client, hooks().graphSubscriptions, sub, {
      connectionId: conn,
      folder: "inbox",
      notificationUrl: URL_,
      now: w.clock.now,
    });
    expect(renewed.expiresAt).toBeGreaterThan(sub.expiresAt);
    expect(w.microsoft.subscriptions.all.get(sub.id)!.expiration).toBe(renewed.expiresAt);
    await deleteGraphSubscription(client, hooks().graphSubscriptions, renewed);
    expect(w.microsoft.subscriptions.all.has(sub.id)).toBe(false);
    expect(await hooks().graphSubscriptions.get(sub.id)).toBeUndefined();
  });
});
