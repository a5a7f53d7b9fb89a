// Gmail first and incremental sync against the Google emulator: the backfill window over INBOX and
// SENT, history afterwards, a rejected history id, throttled batch parts and lost responses.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FetchedItem } from "../../../server/providers/types.js";
import { SyncError } from "../../../server/sync/errors.js";
import { ANA, gmailWorld, mail, messageIdOf, SINCE, syncAll } from "./world.js";

const w = gmailWorld();
beforeAll(() => w.server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  w.google.faults.clear();
  w.waits.length = 0;
});
afterAll(() => w.server.close());

const fetchedOf = (r: Awaited<ReturnType<typeof syncAll>>) => Object.values(r).flatMap((s) => s.fetched);
const raws = (items: FetchedItem[]) =>
  items.map((f) => ("raw" in f ? messageIdOf(f.raw) : `error: ${f.error.message}`));

describe("Gmail sync", () => {
  let cursors: Record<string, unknown> = {};
  const inWindow: string[] = [];

  it("R-MAIL-1: a first sync lists INBOX and SENT over the backfill window and fetches each message once", async () => {
    const old = mail({ daysAgo: 90 });
    await w.box.addRaw(old.raw, ["INBOX"]);
    for (let i = 0; i < 3; i++) {
      const m = mail({ daysAgo: 10 + i });
      await w.box.addRaw(m.raw, ["INBOX", "UNREAD"]);
      inWindow.push(m.messageId);
    }
    for (let i = 0; i < 2; i++) {
      const m = mail({ from: `Ana <${ANA}>`, to: "Marta <marta@acme-iberia.example>", daysAgo: 5 + i });
      await w.box.addRaw(m.raw, ["SENT"]);
      inWindow.push(m.messageId);
    }
    const self = mail({ from: `Ana <${ANA}>`, to: `Ana <${ANA}>`, daysAgo: 2 });
    await w.box.addRaw(self.raw, ["INBOX", "SENT"]);
    inWindow.push(self.messageId);
    await w.box.addRaw(mail({ daysAgo: 1 }).raw, ["DRAFT"]);
    await w.box.addRaw(mail({ daysAgo: 1 }).raw, ["SPAM"]);
    w.google.counter.reset();

    const result = await syncAll(w.session);
    cursors = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.cursor]));
    const fetched = fetchedOf(result);
    expect(raws(fetched).sort()).toEqual([...inWindow].sort());
    expect(w.google.counter.snapshot().perEndpoint["gmail.users.messages.get"]).toBe(inWindow.length);
    const bytes = fetched.map((f) => ("raw" in f ? f.raw.toString("utf8") : ""));
    expect(bytes.every((b) => b.includes("25 € por unidad."))).toBe(true);
    const sent = result["mail:SENT"].fetched.map((f) => ("raw" in f ? f.meta?.folder : null));
    expect(sent).toEqual(["sent", "sent"]);
    const selfItem = result["mail:INBOX"].fetched.find(
      (f) => "raw" in f && messageIdOf(f.raw) === self.messageId,
    );
    expect(selfItem && "raw" in selfItem ? selfItem.meta?.folder : null).toBe("sent");
    expect(cursors["mail:INBOX"]).toMatchObject({
      phase: "history",
      historyId: expect.stringMatching(/^\d+$/),
    });
  });

  it("R-P-2: an incremental sync returns only the messages added since", async () => {
    const added = [mail({ daysAgo: 0 }), mail({ daysAgo: 0 })];
    for (const m of added) await w.box.addRaw(m.raw, ["INBOX"]);
    const reply = mail({ from: `Ana <${ANA}>`, to: "Bo <bo@x.example>", daysAgo: 0 });
    await w.box.addRaw(reply.raw, ["SENT"]);
    const result = await syncAll(w.session, cursors);
    expect(raws(result["mail:INBOX"].fetched).sort()).toEqual(added.map((m) => m.messageId).sort());
    expect(raws(result["mail:SENT"].fetched)).toEqual([reply.messageId]);
    cursors = Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.cursor]));
    const again = await syncAll(w.session, cursors);
    expect(fetchedOf(again)).toEqual([]);
  });

  it("R-P-2: a history id Gmail no longer keeps (404) is cursor-rejected; listing the window again finds every message", async () => {
    w.google.invalidateCursors(ANA);
    const [inbox] = await w.session.listScopes();
    const err = await w.session.listChanges(inbox, cursors["mail:INBOX"], 500).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).kind).toBe("cursor-rejected");
    const full = await syncAll(w.session);
    cursors = Object.fromEntries(Object.entries(full).map(([k, v]) => [k, v.cursor]));
    const truth = [...w.box.messages.values()]
      .filter((m) => m.internalDate >= SINCE.getTime() && (m.labelIds.has("INBOX") || m.labelIds.has("SENT")))
      .map((m) => m.facts.messageId);
    expect(raws(fetchedOf(full)).sort()).toEqual(truth.sort());
  });

  it("R-P-3: parts answered 429 with Retry-After inside a batch are sent again after the wait; nothing is lost", async () => {
    const items = [...w.box.messages.values()].map((m) => ({ key: m.id, ref: { id: m.id } }));
    w.google.faults.set(ANA, {
      throttle: { status: 429, retryAfter: 3, endpoints: ["gmail.users.messages.get"], times: 4 },
    });
    w.google.counter.reset();
    const [inbox] = await w.session.listScopes();
    const fetched = await w.session.fetch(inbox, items);
    expect(fetched.every((f) => "raw" in f)).toBe(true);
    expect(fetched.map((f) => f.key)).toEqual(items.map((i) => i.key));
    expect(w.waits).toEqual([3000]);
    expect(w.google.counter.snapshot().perEndpoint["gmail.users.messages.get"]).toBe(items.length + 4);
  });

  it("R-P-3: 429 without Retry-After (Gmail's usual) backs off and retries; a part that never recovers comes back as an error, not skipped", async () => {
    const items = [...w.box.messages.values()].slice(0, 3).map((m) => ({ key: m.id, ref: { id: m.id } }));
    const [inbox] = await w.session.listScopes();
    w.google.faults.set(ANA, {
      throttle: { status: 403, retryAfter: null, endpoints: ["gmail.users.messages.get"], times: 1 },
    });
    const once = await w.session.fetch(inbox, items);
    expect(once.every((f) => "raw" in f)).toBe(true);
    expect(w.waits).toEqual([500]);
    w.google.faults.set(ANA, {
      throttle: { status: 429, retryAfter: null, endpoints: ["gmail.users.messages.get"] },
    });
    const never = await w.session.fetch(inbox, items);
    expect(never.map((f) => ("error" in f ? (f.error as SyncError).kind : "raw"))).toEqual([
      "throttled",
      "throttled",
      "throttled",
    ]);
  });

  it("R-P-3: a lost batch response or list response is retried without losing or doubling a message", async () => {
    const m = mail({ daysAgo: 0 });
    await w.box.addRaw(m.raw, ["INBOX"]);
    w.google.faults.set(ANA, {
      loseResponse: { endpoints: ["gmail.batch", "gmail.users.history.list"], times: 2 },
    });
    const result = await syncAll(w.session, cursors);
    expect(raws(result["mail:INBOX"].fetched)).toEqual([m.messageId]);
    expect(w.google.faults.get(ANA).loseResponse?.times).toBe(0);
    w.google.faults.set(ANA, {
      loseResponse: { endpoints: ["gmail.users.messages.list", "gmail.batch"], times: 2 },
    });
    const full = raws(fetchedOf(await syncAll(w.session)));
    expect(w.google.faults.get(ANA).loseResponse?.times).toBe(0);
    expect(new Set(full).size).toBe(full.length);
    for (const id of [...inWindow, m.messageId]) expect(full).toContain(id);
  });

  it("R-P-3: an access token that dies before its expiry is refreshed once and the sync goes on; a token refused again is an auth error", async () => {
    cursors = Object.fromEntries(
      Object.entries(await syncAll(w.session, cursors)).map(([k, v]) => [k, v.cursor]),
    );
    const m = mail({ daysAgo: 0 });
    await w.box.addRaw(m.raw, ["INBOX"]);
    w.google.expireAccessTokens(ANA);
    const again = await syncAll(w.session, cursors);
    expect(raws(fetchedOf(again))).toEqual([m.messageId]);
    expect(w.token.refreshes).toBe(1);
    // The grant is gone: the refreshed token is refused too.
    w.token.canRefresh = false;
    w.google.expireAccessTokens(ANA);
    const [inbox] = await w.session.listScopes();
    const err = await w.session.listChanges(inbox, cursors["mail:INBOX"], 500).catch((e) => e);
    expect((err as SyncError).kind).toBe("auth");
    expect(w.token.refreshes).toBe(2);
    w.token.canRefresh = true;
  });
});
