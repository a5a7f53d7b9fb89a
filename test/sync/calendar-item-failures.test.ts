// Failure mode 5 for Outlook calendars: a changed event that may be Concilia's own (one an API client
// made, with a transactionId) is read in full after the delta listing.
// A read answered 500, again and again, must not be lost while the delta token moves on: it is kept
// as a failed item (tried again at the next steps, then parked and counted in the status) and imported
// once Outlook answers again.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { createConnection, SECRET } from "../../server/connections/connections.js";
import { eventLinks, syncFailedItems } from "../../server/db/schema.js";
import { putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import { userWithMarta } from "./mail-e2e.js";

const ACCOUNT = "ana.reads@contoso.test";

describe.each(engines)("failure mode 5: Outlook event reads that fail, on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);

  async function step() {
    for (let i = 0; i < 100; i++) {
      const r = await runStepExclusive(s.ctx, connectionId);
      if (r !== "busy" && r.result !== "more") return r;
      if (r === "busy") await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error("the sync never came to rest");
  }
  const linked = async () =>
    (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))).map(
      (l) => l.providerId,
    );

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: {
        MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
        MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
        CONCILIA_SYNC_TICK_SECONDS: "0",
        CONCILIA_SYNC_RETRY_SECONDS: "0",
      },
    });
    microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
    microsoft.addAccount(ACCOUNT, "Ana Ruiz");
    msw.use(...microsoft.handlers());
    msw.listen({ onUnhandledRequest: "bypass" });
    ana = await userWithMarta(s, `ana-reads-${engine}@acme.test`);
    const scopes = ["openid", "offline_access", "Calendars.ReadWrite"];
    const { refreshToken } = microsoft.issueTokens(ACCOUNT, scopes.join(" "));
    const c = await createConnection(s.ctx.db, ana.id, {
      provider: "microsoft",
      accountAddress: ACCOUNT,
      syncs: "calendar",
      grantedScopes: scopes,
    });
    await putSecret(s.ctx, c.id, SECRET.refreshToken, refreshToken, null);
    connectionId = c.id;
    await step();
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-P-3, R-CAL-3: an event whose read answers 500 through all its retries is kept as a failed item while the delta token moves on, and the next step imports it once", async () => {
    // Made by some API client (a booking tool): it carries a transactionId, so it is read with our tags.
    const id = outlook().seedEvent({
      transactionId: "booking-tool-7731",
      subject: "Visita Iberia",
      start: { dateTime: "2027-01-12T09:00:00", timeZone: "UTC" },
      end: { dateTime: "2027-01-12T10:00:00", timeZone: "UTC" },
    }).id;
    // The read and each of the client's five retries answer 500.
    microsoft.faults.set(ACCOUNT, {
      serverError: { status: 500, endpoints: ["graph.events.get"], times: 6 },
    });
    expect(await step()).toMatchObject({ result: "idle", failed: 1 });
    expect(microsoft.faults.get(ACCOUNT).serverError?.times).toBe(0);
    expect(await linked()).toEqual([]);
    const waiting = await s.ctx.db
      .select()
      .from(syncFailedItems)
      .where(eq(syncFailedItems.connectionId, connectionId));
    expect(waiting).toMatchObject([{ itemKey: id, errorKind: "temporary", parkedAt: null }]);

    // The delta token moved on, yet the failed item is tried again and imported.
    expect(await step()).toMatchObject({ result: "idle", failed: 0 });
    expect(await linked()).toEqual([id]);
    expect(
      await s.ctx.db.select().from(syncFailedItems).where(eq(syncFailedItems.connectionId, connectionId)),
    ).toEqual([]);
    await step();
    expect(await linked()).toEqual([id]);
  }, 60_000);
});
