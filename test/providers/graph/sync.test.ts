// Graph mail first and incremental sync against the Microsoft emulator: delta per folder (inbox,
// sentitems), a rejected delta token, throttled batch items and lost responses.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { GraphCursor } from "../../../server/providers/graph/list-changes.js";
import type { FetchedItem } from "../../../server/providers/types.js";
import { SyncError } from "../../../server/sync/errors.js";
import { mail, messageIdOf, syncAll, syncScope } from "../sync-helpers.js";
import { BO, graphWorld } from "./world.js";

const w = graphWorld();
beforeAll(() => w.server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  w.microsoft.faults.clear();
  w.waits.length = 0;
});
afterAll(() => w.server.close());

const fetchedOf = (r: Awaited<ReturnType<typeof syncAll>>) => Object.values(r).flatMap((s) => s.fetched);
const ids = (items: FetchedItem[]) =>
  items.map((f) => ("raw" in f ? messageIdOf(f.raw) : `error: ${f.error.message}`));
const cursorsOf = (r: Awaited<ReturnType<typeof syncAll>>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.cursor]));

describe("Graph mail sync", () => {
  let cursors: Record<string, unknown> = {};
  const expected: string[] = [];

  it("R-MAIL-1: a first sync follows delta on inbox and sentitems and fetches each message once", async () => {
    for (let i = 0; i < 3; i++) {
      const m = mail({ to: `Bo <${BO}>` });
      await w.box.addRaw(m.raw, "inbox");
      expected.push(m.messageId);
    }
    const sent = mail({ from: `Bo <${BO}>`, to: "Marta <marta@acme-iberia.example>" });
    await w.box.addRaw(sent.raw, "sentitems");
    expected.push(sent.messageId);
    await w.box.addRaw(mail().raw, "drafts");
    await w.box.addRaw(mail().raw, "deleteditems");
    w.microsoft.counter.reset();
    const result = await syncAll(w.session);
    cursors = cursorsOf(result);
    expect(ids(fetchedOf(result)).sort()).toEqual([...expected].sort());
    expect(w.microsoft.counter.snapshot().perEndpoint["graph.messages.value"]).toBe(expected.length);
    expect(result["mail:sentitems"].fetched.map((f) => ("raw" in f ? f.meta?.folder : null))).toEqual([
      "sent",
    ]);
    expect(
      fetchedOf(result).every((f) => "raw" in f && f.raw.toString("utf8").includes("25 € por unidad.")),
    ).toBe(true);
    expect((cursors["mail:inbox"] as GraphCursor).deltaLink).toMatch(/\$deltatoken=/);
  });

  it("R-P-2: an incremental sync returns only the messages added since; a message moved away is not a change to log", async () => {
    const added = mail({ to: `Bo <${BO}>` });
    await w.box.addRaw(added.raw, "inbox");
    const first = w.box.findByMessageId(expected[0])!;
    w.box.move(first.immutableId, "archive");
    const result = await syncAll(w.session, cursors);
    expect(ids(fetchedOf(result))).toEqual([added.messageId]);
    expected.push(added.messageId);
    cursors = cursorsOf(result);
  });

  it("R-P-2: the deltaLink changes only at the end of a round; a round under way resumes from its nextLink", async () => {
    const [inbox] = await w.session.listScopes();
    const start = cursors["mail:inbox"] as GraphCursor;
    for (let i = 0; i < 3; i++) await w.box.addRaw(mail({ to: `Bo <${BO}>` }).raw, "inbox");
    const page1 = await w.session.listChanges(inbox, start, 2);
    expect(page1.more).toBe(true);
    expect(page1.cursor).toMatchObject({
      deltaLink: start.deltaLink,
      nextLink: expect.stringContaining("$skiptoken="),
    });
    const rest = await syncScope(w.session, inbox, page1.cursor, 2);
    expect(page1.items.length + rest.items.length).toBe(3);
    expect((rest.cursor as GraphCursor).nextLink).toBeUndefined();
    expect((rest.cursor as GraphCursor).deltaLink).not.toBe(start.deltaLink);
    cursors["mail:inbox"] = rest.cursor;
  });

  it("R-P-2: a delta token Graph no longer accepts (410 SyncStateNotFound) is cursor-rejected; a new round finds every message once", async () => {
    w.microsoft.invalidateCursors(BO);
    const [inbox] = await w.session.listScopes();
    const err = await w.session.listChanges(inbox, cursors["mail:inbox"], 999).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).kind).toBe("cursor-rejected");
    const full = await syncAll(w.session);
    cursors = cursorsOf(full);
    const truth = w.microsoft
      .snapshot(BO)
      .filter((m) => m.where[0] === "inbox" || m.where[0] === "sentitems")
      .map((m) => m.messageId);
    expect(ids(fetchedOf(full)).sort()).toEqual(truth.sort());
  });

  it("R-P-3: items answered 429 with Retry-After inside a $batch are sent again after the wait; nothing is lost", async () => {
    const [inbox] = await w.session.listScopes();
    const items = [...w.box.messages.values()].map((m) => ({ key: m.immutableId }));
    w.microsoft.faults.set(BO, {
      throttle: { status: 429, retryAfter: 7, endpoints: ["graph.messages.value"], times: 3 },
    });
    const fetched = await w.session.fetch(inbox, items);
    expect(fetched.every((f) => "raw" in f)).toBe(true);
    expect(w.waits).toEqual([7000]);
    // Outlook's four concurrent requests per mailbox: items of a batch beyond four answer 429, Retry-After 1.
    w.waits.length = 0;
    w.microsoft.faults.set(BO, { batchConcurrency: 4 });
    const again = await w.session.fetch(inbox, items);
    expect(again.every((f) => "raw" in f)).toBe(true);
    expect(items.length).toBeGreaterThan(8);
    expect(w.waits).toEqual(Array(Math.ceil(items.length / 4) - 1).fill(1000));
  });

  it("R-P-3: a lost $batch or delta response is retried without losing or doubling a message", async () => {
    const added = mail({ to: `Bo <${BO}>` });
    await w.box.addRaw(added.raw, "inbox");
    w.microsoft.faults.set(BO, {
      loseResponse: { endpoints: ["graph.batch", "graph.messages.delta"], times: 2 },
    });
    const result = await syncAll(w.session, cursors);
    expect(w.microsoft.faults.get(BO).loseResponse?.times).toBe(0);
    expect(ids(fetchedOf(result))).toEqual([added.messageId]);
  });
});
