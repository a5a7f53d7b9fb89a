// Automatic email logging from Microsoft 365, end to end: the account connected through the real OAuth
// start and callback against the Microsoft emulator, the first sync queued by the callback, the worker's
// steps through the Graph provider (delta) and the logging policy into the CRM; a subscription
// notification syncs a new message at once; a revoked grant stops the sync until the user reconnects
// through OAuth, after which it resumes from its saved cursors.

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { graphSubscriptions } from "../../server/db/schema.js";
import { engines, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import {
  api,
  connectWithRefreshToken,
  eventually,
  fromMarta,
  loggedEmails,
  reconnectNeeded,
  routeToEmulator,
  startMailSyncServer,
  thirtyMessages,
  toMarta,
  upToDate,
  userWithMarta,
} from "./mail-e2e.js";

const ACCOUNT = "ana@contoso.test";

describe.each(engines)("Microsoft 365 mail sync end to end on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  let msw: ReturnType<typeof routeToEmulator>;
  let ana: { id: string; token: string };
  let connectionId: string;
  const seeded = thirtyMessages(ACCOUNT);
  const expected = seeded.filter((m) => m.withCrm).map((m) => m.messageId);
  // Ana's own message reads: another account of the file syncs too, and one of its steps may fall in
  // a measured window on a slow machine.
  const values = () => microsoft.counter.endpointsOf(ACCOUNT)["graph.messages.value"] ?? 0;

  /** The ids of the connection's subscriptions, as Concilia recorded them. */
  const subscriptionIds = async (id: string) =>
    (
      await s.ctx.db
        .select({ id: graphSubscriptions.id })
        .from(graphSubscriptions)
        .where(eq(graphSubscriptions.connectionId, id))
    ).map((r) => r.id);

  /** What the popup does: start, consent at the emulator, open Concilia's callback page. */
  async function connect(body: Record<string, unknown>) {
    const start = await api(s, ana, "POST", "/api/v1/connections/oauth/start", body);
    expect(start.statusCode).toBe(200);
    const back = await fetch(start.json().authorizationUrl, { redirect: "manual" });
    expect(back.status).toBe(302);
    const callback = new URL(back.headers.get("location")!);
    const page = await s.app.inject({ url: callback.pathname + callback.search });
    expect(page.statusCode).toBe(200);
  }

  beforeAll(async () => {
    s = await startMailSyncServer(engine, {
      MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
      MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
      CONCILIA_PUBLIC_URL: "https://concilia.test",
    });
    microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app), continuousAccessEvaluation: true });
    microsoft.addAccount(ACCOUNT, "Ana Ruiz");
    msw = routeToEmulator(microsoft.handlers());
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    for (const m of seeded) await microsoft.seed(ACCOUNT, m.raw, [m.sent ? "sentitems" : "inbox"]);
  });
  afterAll(async () => {
    msw?.close();
    await s?.close();
  });

  it("R-MAIL-1, R-MAIL-2, R-MAIL-8: connecting through OAuth starts the first sync: exactly the messages with a CRM participant are logged, once each", async () => {
    await connect({ provider: "microsoft", syncs: "email" });
    const [c] = (await api(s, ana, "GET", "/api/v1/connections")).json().items;
    connectionId = c.id;
    const st = await upToDate(s, ana, connectionId);
    expect(st.skipped).toEqual({ "no-crm-participant": 20 });
    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual([...expected].sort());
    expect(values()).toBe(30);
  });

  it("R-P-2, R-MAIL-1: a subscription notification syncs a new message at once", async () => {
    const m = fromMarta(ACCOUNT, "Nueva orden");
    expected.push(m.messageId);
    await microsoft.seed(ACCOUNT, m.raw, ["inbox"]);
    await eventually(async () =>
      expect((await loggedEmails(s, ana.id)).map((l) => l.messageId).sort()).toEqual([...expected].sort()),
    );
  });

  it("R-P-3, R-MAIL-4: a revoked grant shows reconnect needed; reconnecting through OAuth resumes from the saved cursor and imports nothing twice", async () => {
    microsoft.revokeTokens(ACCOUNT);
    const m = toMarta(ACCOUNT, "Respuesta");
    await microsoft.seed(ACCOUNT, m.raw, ["sentitems"]);
    const blocked = await reconnectNeeded(s, ana, connectionId);
    expect(blocked.lastError?.kind).toBe("auth");
    const fetchedBefore = values();
    const versionOf = async () =>
      (await api(s, ana, "GET", "/api/v1/connections")).json().items[0].secrets[0].version as number;
    const revokedVersion = await versionOf();

    await connect({ provider: "microsoft", connectionId });
    // The new consent is a new version of the connection's one secret.
    expect(await versionOf()).toBeGreaterThan(revokedVersion);
    expected.push(m.messageId);
    await eventually(async () => {
      expect((await loggedEmails(s, ana.id)).map((l) => l.messageId).sort()).toEqual([...expected].sort());
    });
    await upToDate(s, ana, connectionId);
    // Only the new message was fetched again: the saved delta cursors were kept.
    expect(values()).toBe(fetchedBefore + 1);
  });

  it("R-CON-10: a stop Graph answers 503 to still deletes the connection and says the subscriptions could not be deleted", async () => {
    const other = "ana.busy@contoso.test";
    microsoft.addAccount(other, "Ana Busy");
    const { refreshToken } = microsoft.issueTokens(other);
    const id = await connectWithRefreshToken(
      s,
      ana.id,
      { provider: "microsoft", accountAddress: other, syncs: "email" },
      refreshToken!,
    );
    await upToDate(s, ana, id);
    const subscribed = await subscriptionIds(id);
    expect(subscribed).toHaveLength(2);
    microsoft.faults.set(other, {
      throttle: { status: 503, retryAfter: null, endpoints: ["graph.subscriptions.delete"] },
    });

    const r = await api(s, ana, "DELETE", `/api/v1/connections/${id}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().message).toContain("Microsoft could not be told to stop sending change notifications");
    expect((await api(s, ana, "GET", `/api/v1/connections/${id}`)).statusCode).toBe(404);
    expect(await subscriptionIds(id)).toEqual([]);
    expect(subscribed.filter((sub) => microsoft.subscriptions.all.has(sub))).toHaveLength(2);
  });

  it("R-CON-10: stopping the connection deletes its Graph subscriptions and keeps every logged message", async () => {
    const subscribed = await subscriptionIds(connectionId);
    expect(subscribed).toHaveLength(2);
    expect(subscribed.every((sub) => microsoft.subscriptions.all.has(sub))).toBe(true);
    const logged = await loggedEmails(s, ana.id);
    const r = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().message).not.toContain("could not be told");
    expect(subscribed.filter((sub) => microsoft.subscriptions.all.has(sub))).toEqual([]);
    expect(await loggedEmails(s, ana.id)).toEqual(logged);
  });
});
