// Failure mode 5 for Outlook calendars: a changed event that may be Concilia's own (one an API client
// made, with a transactionId) is read in full after the delta listing.
// A read answered 500, again and again, must not be lost while the delta token moves on: it is kept
// as a failed item (tried again at the next steps, then parked and counted in the status) and imported
// once Outlook answers again.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { eventLinks, syncFailedItems } from "../../server/db/schema.js";
import { engines, type TestServer } from "../harness/app.js";
import { syncUntilRest, userWithMarta } from "./mail-e2e.js";
import {
  connectOutlookCalendar,
  microsoftEmulatorOn,
  startOutlookCalendarServer,
} from "./outlook-calendar-e2e.js";

const ACCOUNT = "ana.reads@contoso.test";

describe.each(engines)("failure mode 5: Outlook event reads that fail, on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);

  const step = () => syncUntilRest(s, connectionId, { waitMs: 50 });
  const linked = async () =>
    (await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId))).map(
      (l) => l.providerId,
    );

  beforeAll(async () => {
    // One retry per read (CONCILIA_PROVIDER_RETRIES): the rule is what happens once the retries are
    // spent, whatever their number; the production default's five would sit out 15 s of backoff.
    s = await startOutlookCalendarServer(engine, {
      CONCILIA_SYNC_RETRY_SECONDS: "0",
      CONCILIA_PROVIDER_RETRIES: "1",
    });
    microsoft = microsoftEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-reads-${engine}@acme.test`);
    connectionId = await connectOutlookCalendar(s, microsoft, ana.id, ACCOUNT);
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
    // The read and the client's one retry answer 500; a third try would have been answered.
    microsoft.faults.set(ACCOUNT, {
      serverError: { status: 500, endpoints: ["graph.events.get"], times: 2 },
    });
    const reads = () => microsoft.counter.endpointsOf(ACCOUNT)["graph.events.get"] ?? 0;
    const readsBefore = reads();
    expect(await step()).toMatchObject({ result: "idle", failed: 1 });
    expect(microsoft.faults.get(ACCOUNT).serverError?.times).toBe(0);
    expect(reads() - readsBefore).toBe(2);
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
