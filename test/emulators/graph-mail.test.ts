import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { serveForFile } from "./serve-for-file.js";

const microsoft = new MicrosoftEmulator();
const server = setupServer(...microsoft.handlers());
const GRAPH = "https://graph.microsoft.com/v1.0";
let token = "";

const RAW = [
  'From: "Bo Díaz" <bo@client.example>',
  "To: ana@contoso.example",
  "Subject: Quote for Q1",
  "Message-ID: <quote-1@client.example>",
  "Date: Mon, 30 Nov 2026 08:00:00 +0000",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Here is the quote.",
  "",
].join("\r\n");

function get(url: string, headers: Record<string, string> = {}) {
  return fetch(url.startsWith("http") ? url : `${GRAPH}${url}`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
}

/** Follows nextLinks to the deltaLink, as a client must (verbatim). */
async function round(start: string, headers: Record<string, string> = {}) {
  const pages: { value: Record<string, unknown>[] }[] = [];
  let url = start;
  for (;;) {
    const response = await get(url, headers);
    expect(response.status).toBe(200);
    const body = await response.json();
    pages.push(body);
    if (body["@odata.deltaLink"]) return { pages, deltaLink: body["@odata.deltaLink"] as string, response };
    url = body["@odata.nextLink"];
  }
}

serveForFile(server, microsoft);
beforeAll(async () => {
  const box = microsoft.addAccount("ana@contoso.example", "Ana Ruiz");
  token = microsoft.issueTokens("ana@contoso.example", "offline_access Mail.ReadWrite").accessToken;
  await box.addRaw(RAW, "inbox");
  microsoft.generate("ana@contoso.example", {
    count: 45,
    participant: { name: "Bo", address: "bo@client.example" },
    share: 0.2,
  });
  microsoft.generate("ana@contoso.example", { count: 12, sent: true, seed: 3 });
});

describe("Graph mail emulator", () => {
  it("lists the well-known folders and answers /me", async () => {
    const folders = (await (await get("/me/mailFolders")).json()).value.map(
      (f: { displayName: string }) => f.displayName,
    );
    expect(folders).toEqual(expect.arrayContaining(["Inbox", "Sent Items", "Deleted Items"]));
    const inbox = await (await get("/me/mailFolders/inbox")).json();
    expect(inbox.totalItemCount).toBe(46);
    expect((await (await get("/me")).json()).userPrincipalName).toBe("ana@contoso.example");
  });

  it("delta pages honour Prefer odata.maxpagesize and $select, with absolute links on the request's host", async () => {
    const { pages, deltaLink, response } = await round(
      "/me/mailFolders/inbox/messages/delta?$select=subject,internetMessageId",
      {
        prefer: "odata.maxpagesize=20",
      },
    );
    expect(pages.map((p) => p.value.length)).toEqual([20, 20, 6]);
    expect(response.headers.get("preference-applied")).toBe("odata.maxpagesize=20");
    expect(deltaLink).toMatch(
      /^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/mailfolders\('[^']+'\)\/messages\/delta\?\$deltatoken=/,
    );
    const item = pages[0].value[0];
    expect(Object.keys(item).sort()).toEqual([
      "@odata.etag",
      "@odata.type",
      "id",
      "internetMessageId",
      "subject",
    ]);
    const defaults = await round("/me/mailFolders/sentitems/messages/delta");
    expect(defaults.pages.map((p) => p.value.length)).toEqual([10, 2]);
    const big = await round("/me/mailFolders/inbox/messages/delta", { prefer: "odata.maxpagesize=5000" });
    expect(big.response.headers.get("preference-applied")).toBe("odata.maxpagesize=999");
    const badSelect = await get("/me/mailFolders/inbox/messages/delta?$select=nope");
    expect(badSelect.status).toBe(400);
  });

  it("an incremental round returns new and changed messages, and moves out as @removed with the old id", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    const { deltaLink } = await round("/me/mailFolders/inbox/messages/delta?$select=subject");
    const quote = box.findByMessageId("<quote-1@client.example>")!;
    const oldId = quote.restId;
    const added = await box.addRaw(RAW.replace("quote-1", "quote-2"), "inbox");
    box.update(added.immutableId, { isRead: true });
    box.move(quote.immutableId, "archive");
    expect(quote.restId).not.toBe(oldId);
    const next = await round(deltaLink);
    const items = next.pages.flatMap((p) => p.value);
    expect(items).toEqual([
      {
        "@odata.type": "#microsoft.graph.message",
        "@odata.etag": `W/"${added.changeKey}"`,
        id: added.restId,
        subject: "Quote for Q1",
      },
      { "@odata.type": "#microsoft.graph.message", id: oldId, "@removed": { reason: "deleted" } },
    ]);
    const quiet = await round(next.deltaLink);
    expect(quiet.pages.flatMap((p) => p.value)).toEqual([]);
  });

  it("an invalidated delta token answers 410 SyncStateNotFound with a Location to restart", async () => {
    const { deltaLink } = await round("/me/mailFolders/inbox/messages/delta");
    microsoft.invalidateCursors("ana@contoso.example");
    const gone = await get(deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.headers.get("location")).toMatch(/messages\/delta\?\$deltatoken=$/);
    const body = await gone.json();
    expect(body.error.code).toBe("SyncStateNotFound");
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    microsoft.mailbox("ana@contoso.example").quirks.cursorRejection = "resyncRequired";
    const { deltaLink: fresh } = await round("/me/mailFolders/inbox/messages/delta");
    microsoft.invalidateCursors("ana@contoso.example");
    expect((await (await get(fresh)).json()).error.code).toBe("resyncRequired");
  });

  it("evicts old delta tokens from a size-bounded cache under the quirk", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    box.quirks.deltaTokenCache = 2;
    const first = await round("/me/mailFolders/sentitems/messages/delta", { prefer: "odata.maxpagesize=50" });
    await round("/me/mailFolders/inbox/messages/delta", { prefer: "odata.maxpagesize=50" });
    const third = await round("/me/mailFolders/inbox/messages/delta", { prefer: "odata.maxpagesize=50" });
    expect((await get(first.deltaLink)).status).toBe(410);
    expect((await get(third.deltaLink)).status).toBe(200);
    box.quirks.deltaTokenCache = undefined;
  });

  it("can start a round with an empty page that only has a nextLink", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    box.quirks.emptyFirstDeltaPage = true;
    const { pages } = await round("/me/mailFolders/sentitems/messages/delta", {
      prefer: "odata.maxpagesize=50",
    });
    box.quirks.emptyFirstDeltaPage = false;
    expect(pages.map((p) => p.value.length)).toEqual([0, 12]);
  });

  it("replays items across pages under the quirk: a client must merge by id", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    box.quirks.replayDeltaItems = true;
    const { pages } = await round("/me/mailFolders/sentitems/messages/delta", {
      prefer: "odata.maxpagesize=5",
    });
    box.quirks.replayDeltaItems = false;
    const ids = pages.flatMap((p) => p.value.map((v) => v.id));
    expect(ids.length).toBeGreaterThan(12);
    expect(new Set(ids).size).toBe(12);
  });

  it("$value gives the exact MIME bytes as text/plain; ImmutableId survives a move", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    const quote = box.findByMessageId("<quote-1@client.example>")!;
    const value = await get(`/me/messages/${encodeURIComponent(quote.restId)}/$value`);
    expect(value.headers.get("content-type")).toBe("text/plain");
    expect(await value.text()).toBe(RAW);
    const immutable = await (
      await get(`/me/messages/${quote.immutableId}?$select=subject`, { prefer: 'IdType="ImmutableId"' })
    ).json();
    expect(immutable.id).toBe(quote.immutableId);
    const message = await (await get(`/me/messages/${quote.restId}`)).json();
    expect(message.receivedDateTime).toBe("2026-11-30T08:00:00Z");
    expect(message.from).toEqual({ emailAddress: { name: "Bo Díaz", address: "bo@client.example" } });
    expect((await get("/me/messages/AAMkNOPE")).status).toBe(404);
    expect((await get("/me/messages/AAMk%E0%A4%A")).status).toBe(404);
  });

  it("throttles with 429 TooManyRequests and Retry-After, and 503 under the knob", async () => {
    microsoft.faults.set("ana@contoso.example", { throttle: { status: 429, retryAfter: 5, times: 1 } });
    const throttled = await get("/me/mailFolders/inbox/messages/delta");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("5");
    const body = await throttled.json();
    expect(body.error.code).toBe("TooManyRequests");
    expect(body.error.innerError).toMatchObject({ code: "429", status: "429" });
    microsoft.faults.set("ana@contoso.example", { throttle: { status: 503, retryAfter: 2, times: 1 } });
    const unavailable = await get("/me");
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get("retry-after")).toBe("2");
    expect((await get("/me")).status).toBe(200);
    expect(microsoft.counter.snapshot()).toEqual({
      http: 3,
      perEndpoint: { "graph.me": 2, "graph.messages.delta": 1 },
    });
  });

  it("more than maxConcurrent requests in flight answer 429 ApplicationThrottled; the peak is recorded", async () => {
    microsoft.faults.set("ana@contoso.example", { maxConcurrent: 4, latencyMs: 30 });
    const statuses = await Promise.all(Array.from({ length: 6 }, () => get("/me").then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 200, 200, 429, 429]);
    expect(microsoft.counter.peakConcurrency("ana@contoso.example")).toBeGreaterThan(4);
    microsoft.counter.reset();
    for (let i = 0; i < 3; i++) await get("/me");
    expect(microsoft.counter.peakConcurrency("ana@contoso.example")).toBe(1);
  });

  it("a lost response still applies the write: the PATCH fails on the wire but the message is read", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    const target = [...box.messages.values()].find((m) => !m.isRead)!;
    microsoft.faults.set("ana@contoso.example", {
      loseResponse: { endpoints: ["graph.messages.update"], times: 1 },
    });
    await expect(
      fetch(`${GRAPH}/me/messages/${target.restId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ isRead: true }),
      }),
    ).rejects.toThrow(TypeError);
    expect(box.find(target.restId)!.isRead).toBe(true);
  });

  it("a stale If-Match answers 412 ErrorIrresolvableConflict", async () => {
    const box = microsoft.mailbox("ana@contoso.example");
    const target = [...box.messages.values()][3];
    const stale = `W/"${target.changeKey}"`;
    box.update(target.immutableId, { categories: ["Concilia"] });
    const response = await fetch(`${GRAPH}/me/messages/${target.restId}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "if-match": stale },
      body: JSON.stringify({ isRead: true }),
    });
    expect(response.status).toBe(412);
    expect((await response.json()).error.code).toBe("ErrorIrresolvableConflict");
  });
});
