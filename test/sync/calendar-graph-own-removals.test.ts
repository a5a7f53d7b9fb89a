// The echo of Concilia's own Outlook deletes, as every worker knows it from the database
// (providers/graph/calendar-own-removals.ts): a CRM deletion whose delta removal another worker reads
// (nothing of the deleting worker's memory left) has no linked series read again; a removal nobody
// in Concilia made still cancels the CRM event and still has the series read; an expired record hides
// nothing; a deleted connection takes its records with it.
import { and, eq, sql } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { calendarOwnRemovals, eventLinks } from "../../server/db/schema.js";
import { purgeExpired } from "../../server/jobs/handlers.js";
import {
  OWN_REMOVALS_KEPT,
  ownRemovalsAmong,
  recordOwnRemovals,
} from "../../server/providers/graph/calendar-own-removals.js";
import { forgetKeptPages } from "../../server/providers/kept-pages.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, type TestServer } from "../harness/app.js";
import { api, syncUntilRest, userWithMarta } from "./mail-e2e.js";
import {
  connectOutlookCalendar,
  microsoftEmulatorOn,
  startOutlookCalendarServer,
} from "./outlook-calendar-e2e.js";

const ACCOUNT = "ana@contoso.test";
/** Linked series: read again all at once, they take three $batches (a master and its instances each). */
const SERIES = 25;
const at = (dateTime: string) => ({ dateTime, timeZone: "UTC" });

describe.each(engines)("Outlook deletes made by Concilia, known to every worker, on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  const msw = setupServer();
  let ana: { id: string; token: string; email: string };
  let connectionId: string;
  const outlook = () => microsoft.calendars(ACCOUNT);
  const titled = (subject: string) =>
    [...outlook().events.values()].filter((e) => e.fields.subject === subject);
  const syncNow = () => syncUntilRest(s, connectionId, { attempts: 200, waitMs: 50 });
  const requestsOf = (endpoint: string) =>
    microsoft.counter.requests(ACCOUNT).filter((r) => r.endpoint === endpoint).length;
  const partsOf = (endpoint: string) => microsoft.counter.endpointsOf(ACCOUNT)[endpoint] ?? 0;
  const recorded = async (connection = connectionId) =>
    (
      await s.ctx.db
        .select({ id: calendarOwnRemovals.providerId })
        .from(calendarOwnRemovals)
        .where(eq(calendarOwnRemovals.connectionId, connection))
    ).map((r) => r.id);
  async function crmEventOf(providerId: string) {
    const [link] = await s.ctx.db
      .select()
      .from(eventLinks)
      .where(and(eq(eventLinks.connectionId, connectionId), eq(eventLinks.providerId, providerId)));
    const res = await api(s, ana, "GET", `/api/v1/events/${link!.eventId}`);
    expect(res.statusCode).toBe(200);
    return res.json();
  }
  async function newCrmEvent(title: string, day: string, recurrence?: object) {
    const made = await api(s, ana, "POST", "/api/v1/events", {
      title,
      startAt: `${day}T10:00:00.000Z`,
      endAt: `${day}T11:00:00.000Z`,
      ...(recurrence ? { recurrence } : {}),
    });
    expect(made.statusCode).toBe(201);
    return made.json().id as string;
  }
  const deleteInCrm = async (id: string) =>
    expect((await api(s, ana, "DELETE", `/api/v1/events/${id}`)).statusCode).toBeLessThan(300);
  /** One step of the connection's, the test's own. */
  async function stepOnce() {
    for (;;) {
      const r = await runStepExclusive(s.ctx, connectionId);
      if (r !== "busy") return r;
      await new Promise((done) => setTimeout(done, 50));
    }
  }
  /**
   * `ids` deleted in the CRM and pushed to Outlook by a worker whose listing of the delta then fails
   * (it stops, or dies, there); the next step is another worker's: no page or other memory of the
   * first one's is left. A step the CRM's deletes queued may do the push instead: the same.
   */
  async function deletedByAnotherWorker(ids: string[]) {
    microsoft.faults.set(ACCOUNT, { serverError: { status: 500, endpoints: ["graph.calendarView.delta"] } });
    const deletes = requestsOf("graph.events.delete");
    for (const id of ids) await deleteInCrm(id);
    expect(await stepOnce()).toMatchObject({ result: "waiting", error: { kind: "temporary" } });
    expect(requestsOf("graph.events.delete") - deletes).toBe(ids.length);
    microsoft.counter.reset();
    forgetKeptPages();
    microsoft.faults.clear(ACCOUNT);
  }

  beforeAll(async () => {
    // A failed delta listing fails its step at once, not after five retries.
    s = await startOutlookCalendarServer(engine, {
      CONCILIA_SYNC_BATCH_SIZE: "50",
      CONCILIA_PROVIDER_RETRIES: "0",
    });
    microsoft = microsoftEmulatorOn(s, msw, ACCOUNT);
    ana = await userWithMarta(s, `ana-own-${engine}@acme.test`);
    for (let i = 0; i < SERIES; i++)
      outlook().seedEvent({
        subject: `Stand-up ${i}`,
        start: at(`2027-01-${String(i + 1).padStart(2, "0")}T09:00:00`),
        end: at(`2027-01-${String(i + 1).padStart(2, "0")}T09:15:00`),
        recurrence: {
          pattern: { type: "daily", interval: 1 },
          range: {
            type: "numbered",
            startDate: `2027-01-${String(i + 1).padStart(2, "0")}`,
            numberOfOccurrences: 3,
          },
        },
      });
    connectionId = await connectOutlookCalendar(s, microsoft, ana.id, ACCOUNT);
    await syncNow();
    const linked = await s.ctx.db.select().from(eventLinks).where(eq(eventLinks.connectionId, connectionId));
    expect(linked.filter((l) => l.lastSynced?.recurrence)).toHaveLength(SERIES);
  }, 120_000);
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-P-3, R-CAL-9: an event and a series deleted in Concilia, pushed by one worker and their delta removals read by another, have no linked series read again", async () => {
    const single = await newCrmEvent("Visit to delete", "2027-02-01");
    const series = await newCrmEvent("Weekly to delete", "2027-02-02", { freq: "weekly", count: 4 });
    await syncNow();
    const inOutlook = [titled("Visit to delete")[0]!.id, titled("Weekly to delete")[0]!.id];
    await deletedByAnotherWorker([single, series]);
    expect(inOutlook.filter((id) => outlook().events.has(id))).toEqual([]);
    expect((await recorded()).sort()).toEqual([...inOutlook].sort());

    await syncNow();
    // The removals were listed (the series' occurrences among them, ids extending the master's)...
    expect(requestsOf("graph.calendarView.delta")).toBeGreaterThanOrEqual(1);
    // ...and none had a series read: before, every one of the 25 linked series was read again.
    expect({ batches: requestsOf("graph.batch"), masters: partsOf("graph.events.get") }).toEqual({
      batches: 0,
      masters: 0,
    });
  }, 120_000);

  it("R-CAL-9: an event Concilia made but someone deleted in Outlook is still cancelled in the CRM, and an occurrence cancelled there still has its series read, while Concilia's own deletes are recorded", async () => {
    await newCrmEvent("Visit deleted in Outlook", "2027-02-03");
    const gone = await newCrmEvent("Visit deleted in Concilia", "2027-02-04");
    await syncNow();
    const theirs = titled("Visit deleted in Outlook")[0]!;
    const ours = titled("Visit deleted in Concilia")[0]!;
    await deletedByAnotherWorker([gone]);
    expect(await recorded()).toContain(ours.id);

    outlook().userDelete(theirs.id);
    const standUp = titled("Stand-up 3")[0]!;
    const slot = outlook().views(standUp)[1]!;
    outlook().userDelete(slot.id);
    await syncNow();
    expect(await recorded()).not.toContain(theirs.id);
    expect(await crmEventOf(theirs.id)).toMatchObject({
      title: "Visit deleted in Outlook",
      status: "cancelled",
    });
    expect((await crmEventOf(standUp.id)).exceptions).toEqual([
      expect.objectContaining({
        originalStart: new Date(slot.originalStart!).toISOString(),
        status: "cancelled",
      }),
    ]);
    // The event removed is read once (a removal may be a move out of the window), and of the series
    // only the one the cancelled occurrence belongs to, not all 25.
    expect({ reads: partsOf("graph.events.get"), instances: partsOf("graph.events.instances") }).toEqual({
      reads: 2,
      instances: 1,
    });
  }, 120_000);

  it("R-P-3, R-CAL-6: a record past its keeping hides no removal: the removed id is again unknown and every linked series is read, as the one way not to miss a cancelled occurrence", async () => {
    const id = await newCrmEvent("Visit deleted long ago", "2027-02-05");
    await syncNow();
    const removed = titled("Visit deleted long ago")[0]!.id;
    await deletedByAnotherWorker([id]);
    expect(await recorded()).toContain(removed);
    await s.ctx.db
      .update(calendarOwnRemovals)
      .set({ keptUntil: sql`now() - interval '1 minute'` })
      .where(eq(calendarOwnRemovals.connectionId, connectionId));
    expect(await ownRemovalsAmong(s.ctx.db, connectionId, [removed])).toEqual(new Set());

    await syncNow();
    expect(partsOf("graph.events.get")).toBe(SERIES);
    expect(requestsOf("graph.batch")).toBeGreaterThanOrEqual(3);
    // The hourly housekeeping drops what is past its keeping.
    await purgeExpired(s.ctx, {} as never, {} as never);
    expect(await recorded()).toEqual([]);
  }, 120_000);

  it("R-P-3: the look-up takes any id as it is, matches an occurrence by its master's id and nothing shorter; a connection keeps only its newest records", async () => {
    const odd = 'AAMk"odd,{id}\\=';
    await recordOwnRemovals(s.ctx.db, connectionId, [odd, "AAMkMaster"]);
    expect(
      await ownRemovalsAmong(s.ctx.db, connectionId, [
        odd,
        `${odd}occ`,
        "AAMkMasterOCC1",
        "AAMkMast",
        "AAMkOther",
      ]),
    ).toEqual(new Set([odd, `${odd}occ`, "AAMkMasterOCC1"]));
    // Another connection's records are not this one's.
    microsoft.addAccount("ana.other@contoso.test", "Ana Ruiz");
    const other = await connectOutlookCalendar(s, microsoft, ana.id, "ana.other@contoso.test");
    expect(await ownRemovalsAmong(s.ctx.db, other, [odd, "AAMkMasterOCC1"])).toEqual(new Set());

    const many = Array.from({ length: OWN_REMOVALS_KEPT }, (_, i) => `AAMkMany${i}`);
    await recordOwnRemovals(s.ctx.db, connectionId, many);
    const left = await recorded();
    expect(left).toHaveLength(OWN_REMOVALS_KEPT);
    expect(left).not.toContain(odd);
    expect(left).not.toContain("AAMkMaster");
  }, 60_000);

  it("R-CON-10: deleting the connection deletes its records of Concilia's own deletes", async () => {
    expect((await recorded()).length).toBeGreaterThan(0);
    const res = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(res.statusCode).toBe(200);
    expect(await recorded()).toEqual([]);
  });
});
