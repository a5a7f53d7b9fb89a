import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { GoogleEmulator } from "../../emulators/google/emulator.js";
import { serveForFile } from "./serve-for-file.js";

let now = Date.UTC(2026, 10, 30, 9);
const google = new GoogleEmulator({ clock: () => now, pushMinIntervalMs: 0, pushRetryDelaysMs: [] });
const pushes: { message: { data: string; messageId: string }; subscription: string }[] = [];
const server = setupServer(
  ...google.handlers(),
  http.post("https://app.test/google/push", async ({ request }) => {
    pushes.push((await request.json()) as (typeof pushes)[number]);
    return new HttpResponse(null, { status: 204 });
  }),
);

const API = "https://gmail.googleapis.com/gmail/v1/users/me";
let token = "";
const get = (path: string) => fetch(`${API}${path}`, { headers: { authorization: `Bearer ${token}` } });

const RAW = [
  'From: "Bo Díaz" <bo@client.example>',
  "To: ana@example.com",
  "Subject: Quote for Q1",
  "Message-ID: <quote-1@client.example>",
  "Date: Mon, 30 Nov 2026 08:00:00 +0000",
  "Content-Type: text/plain; charset=utf-8",
  "",
  "Here's the quote we discussed.",
  "",
].join("\r\n");

serveForFile(server, google);

describe("Gmail API emulator", () => {
  beforeAll(async () => {
    const box = google.addAccount("ana@example.com", "Ana Ruiz");
    token = google.issueTokens("ana@example.com").accessToken;
    await box.addRaw(RAW, ["INBOX", "UNREAD"]);
    google.generate("ana@example.com", {
      count: 1200,
      participant: { name: "Bo", address: "bo@client.example" },
      share: 0.25,
    });
    google.generate("ana@example.com", { count: 30, sent: true, seed: 2 });
  });

  it("getProfile gives the historyId as a string; labels include INBOX and SENT", async () => {
    const profile = await (await get("/profile")).json();
    expect(profile).toMatchObject({ emailAddress: "ana@example.com", messagesTotal: 1231 });
    expect(profile.historyId).toMatch(/^\d+$/);
    const labels = (await (await get("/labels")).json()).labels.map((l: { id: string }) => l.id);
    expect(labels).toEqual(expect.arrayContaining(["INBOX", "SENT"]));
  });

  it("messages.list pages at most 500 per page with pageToken, filtered by labelIds and q", async () => {
    const first = await (await get("/messages?maxResults=1000&labelIds=INBOX")).json();
    expect(first.messages).toHaveLength(500);
    const ids = new Set<string>(first.messages.map((m: { id: string }) => m.id));
    let pageToken = first.nextPageToken;
    while (pageToken) {
      const page = await (
        await get(`/messages?maxResults=1000&labelIds=INBOX&pageToken=${pageToken}`)
      ).json();
      for (const m of page.messages) ids.add(m.id);
      pageToken = page.nextPageToken;
    }
    expect(ids.size).toBe(1201);
    const sent = await (await get("/messages?labelIds=SENT")).json();
    expect(sent.messages).toHaveLength(30);
    const withBo = await (
      await get(`/messages?maxResults=500&q=${encodeURIComponent("from:bo@client.example")}`)
    ).json();
    expect(withBo.messages).toHaveLength(301);
    const byId = await (
      await get(`/messages?q=${encodeURIComponent("rfc822msgid:<quote-1@client.example>")}`)
    ).json();
    expect(byId.messages).toHaveLength(1);
    const none = await (await get("/messages?q=from:nobody@nowhere.test")).json();
    expect(none).toEqual({ resultSizeEstimate: 0 });
  });

  it("messages.get answers raw as padded base64url of the exact bytes, metadata with chosen headers, minimal", async () => {
    const box = google.mailbox("ana@example.com");
    const message = box.findByMessageId("<quote-1@client.example>")!;
    const raw = await (await get(`/messages/${message.id}?format=raw`)).json();
    expect(Buffer.from(raw.raw, "base64url").toString()).toBe(RAW);
    expect(raw.raw).not.toMatch(/[+/]/);
    expect(raw.internalDate).toBe(String(Date.UTC(2026, 10, 30, 8)));
    expect(raw.snippet).toBe("Here&#39;s the quote we discussed.");
    const meta = await (
      await get(`/messages/${message.id}?format=metadata&metadataHeaders=Message-ID&metadataHeaders=from`)
    ).json();
    expect(meta.payload.headers).toEqual([
      { name: "From", value: '"Bo Díaz" <bo@client.example>' },
      { name: "Message-ID", value: "<quote-1@client.example>" },
    ]);
    expect(meta.raw).toBeUndefined();
    const minimal = await (await get(`/messages/${message.id}?format=minimal`)).json();
    expect(minimal.payload).toBeUndefined();
    expect(minimal.labelIds).toEqual(["INBOX", "UNREAD"]);
    expect((await get("/messages/ffffffffffffffff?format=raw")).status).toBe(404);
  });

  it("history.list returns changes by type after startHistoryId, and 404 once that id is too old", async () => {
    const box = google.mailbox("ana@example.com");
    const start = (await (await get("/profile")).json()).historyId;
    const added = await box.addRaw(RAW.replace("quote-1", "quote-2"), ["INBOX"]);
    box.modifyLabels(added.id, ["STARRED"], ["INBOX"]);
    const all = await (await get(`/history?startHistoryId=${start}`)).json();
    expect(
      all.history.map((h: Record<string, unknown>) =>
        Object.keys(h).find((k) => k !== "id" && k !== "messages"),
      ),
    ).toEqual(["messagesAdded", "labelsAdded", "labelsRemoved"]);
    expect(all.history[1].labelsAdded[0]).toEqual({
      message: { id: added.id, threadId: added.threadId, labelIds: ["STARRED"] },
      labelIds: ["STARRED"],
    });
    const onlyAdded = await (await get(`/history?startHistoryId=${start}&historyTypes=messageAdded`)).json();
    expect(onlyAdded.history).toHaveLength(1);
    const nothing = await (await get(`/history?startHistoryId=${all.historyId}`)).json();
    expect(nothing).toEqual({ historyId: all.historyId });
    const paged = await (await get(`/history?startHistoryId=${start}&maxResults=2`)).json();
    expect(paged.history).toHaveLength(2);
    const rest = await (
      await get(`/history?startHistoryId=${start}&maxResults=2&pageToken=${paged.nextPageToken}`)
    ).json();
    expect(rest.history).toHaveLength(1);

    google.invalidateCursors("ana@example.com");
    const gone = await get(`/history?startHistoryId=${start}`);
    expect(gone.status).toBe(404);
    expect((await gone.json()).error.errors[0].reason).toBe("notFound");
  });

  it("history reports deletions; the deleted message then answers 404; labelId narrows the records", async () => {
    const box = google.mailbox("ana@example.com");
    const start = box.historyId;
    const sent = await box.addRaw(RAW.replace("quote-1", "del-1"), ["SENT"]);
    const inbox = await box.addRaw(RAW.replace("quote-1", "del-2"), ["INBOX"]);
    box.delete(inbox.id);
    const deleted = await (await get(`/history?startHistoryId=${start}&historyTypes=messageDeleted`)).json();
    expect(
      deleted.history.map(
        (h: { messagesDeleted: { message: { id: string } }[] }) => h.messagesDeleted[0].message.id,
      ),
    ).toEqual([inbox.id]);
    expect((await get(`/messages/${inbox.id}?format=minimal`)).status).toBe(404);
    const onlySent = await (await get(`/history?startHistoryId=${start}&labelId=SENT`)).json();
    expect(onlySent.history.map((h: { messages: { id: string }[] }) => h.messages[0].id)).toEqual([sent.id]);
  });

  it("a metadata-only grant may not read bodies or search", async () => {
    const metadataToken = google.issueTokens(
      "ana@example.com",
      "https://www.googleapis.com/auth/gmail.metadata",
    ).accessToken;
    const [message] = google.mailbox("ana@example.com").messages.values();
    const ask = (path: string) =>
      fetch(`${API}${path}`, { headers: { authorization: `Bearer ${metadataToken}` } });
    expect((await ask(`/messages/${message.id}?format=metadata`)).status).toBe(200);
    expect((await ask(`/messages/${message.id}?format=raw`)).status).toBe(403);
    expect((await ask("/messages?q=from:bo")).status).toBe(403);
    const none = google.issueTokens("ana@example.com", "openid email").accessToken;
    const refused = await fetch(`${API}/profile`, { headers: { authorization: `Bearer ${none}` } });
    expect((await refused.json()).error.errors[0].reason).toBe("insufficientPermissions");
  });

  it("history older than the retention window (7 days by default) answers 404", async () => {
    let later = now;
    const kept = new GoogleEmulator({ clock: () => later });
    const box = kept.addAccount("cy@example.com");
    const start = box.historyId;
    await box.addRaw(RAW, ["INBOX"]);
    const ask = () => {
      const t = kept.issueTokens("cy@example.com").accessToken;
      return kept.handle(
        new Request(`${API}/history?startHistoryId=${start}`, { headers: { authorization: `Bearer ${t}` } }),
      );
    };
    expect((await ask()).status).toBe(200);
    later += 8 * 86_400_000;
    await box.addRaw(RAW.replace("quote-1", "quote-3"), ["INBOX"]);
    expect((await ask()).status).toBe(404);
  });

  it("batch answers each part with its own status, and 429 inside the batch under the knob", async () => {
    const box = google.mailbox("ana@example.com");
    const [a, b] = [...box.messages.values()];
    const boundary = "batch_foo";
    const part = (id: string, path: string) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${id}>\r\n\r\nGET ${path}\r\n\r\n`;
    const body =
      part("item1", `/gmail/v1/users/me/messages/${a.id}?format=minimal`) +
      part("item2", "/gmail/v1/users/me/messages/0000000000000001?format=minimal") +
      part("item3", `/gmail/v1/users/me/messages/${b.id}?format=minimal`) +
      `--${boundary}--`;
    const send = () =>
      fetch("https://www.googleapis.com/batch/gmail/v1", {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": `multipart/mixed; boundary=${boundary}`,
        },
        body,
      });
    const response = await send();
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(response.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary=batch_/);
    expect(
      [...text.matchAll(/Content-ID: <(response-item\d)>\r\n\r\nHTTP\/1.1 (\d+)/g)].map((m) => [m[1], m[2]]),
    ).toEqual([
      ["response-item1", "200"],
      ["response-item2", "404"],
      ["response-item3", "200"],
    ]);
    expect(google.counter.snapshot()).toEqual({
      http: 1,
      perEndpoint: { "gmail.batch": 1, "gmail.users.messages.get": 3 },
    });

    google.faults.set("ana@example.com", { batchConcurrency: 2 });
    const busy = await (await send()).text();
    expect([...busy.matchAll(/HTTP\/1.1 (\d+)/g)].map((m) => m[1])).toEqual(["200", "404", "429"]);
    expect(busy).toContain("rateLimitExceeded");

    const tooMany = Array.from({ length: 101 }, (_, i) =>
      part(`i${i}`, `/gmail/v1/users/me/messages/${a.id}`),
    ).join("");
    const refused = await fetch("https://www.googleapis.com/batch/gmail/v1", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": `multipart/mixed; boundary=${boundary}` },
      body: `${tooMany}--${boundary}--`,
    });
    expect(refused.status).toBe(400);
  });

  it("throttles with 429 and Retry-After, counting every request per endpoint", async () => {
    google.faults.set("ana@example.com", { throttle: { status: 429, retryAfter: 3, times: 2 } });
    const first = await get("/profile");
    expect(first.status).toBe(429);
    expect(first.headers.get("retry-after")).toBe("3");
    expect((await first.json()).error.errors[0].reason).toBe("rateLimitExceeded");
    expect((await get("/profile")).status).toBe(429);
    expect((await get("/profile")).status).toBe(200);
    expect(google.counter.snapshot().perEndpoint["gmail.users.getProfile"]).toBe(3);
  });

  it("charges quota units per call and answers 429 rateLimitExceeded when the window is spent", async () => {
    google.faults.set("ana@example.com", { quota: { units: 12, windowMs: 1000 } });
    const [message] = google.mailbox("ana@example.com").messages.values();
    expect((await get(`/messages/${message.id}?format=minimal`)).status).toBe(200);
    expect((await get(`/messages/${message.id}?format=minimal`)).status).toBe(200);
    const refused = await get(`/messages/${message.id}?format=minimal`);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.message).toMatch(/^User-rate limit exceeded\. {2}Retry after \d{4}-/);
    expect((await get("/profile")).status).toBe(200);
    now += 1000;
    expect((await get(`/messages/${message.id}?format=minimal`)).status).toBe(200);
  });

  it("watch pushes a Pub/Sub envelope whose data is base64 JSON {emailAddress, historyId}", async () => {
    google.push.registerTopic("projects/concilia/topics/gmail", "https://app.test/google/push");
    pushes.length = 0;
    const watch = await fetch(`${API}/watch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ topicName: "projects/concilia/topics/gmail", labelIds: ["INBOX", "SENT"] }),
    });
    expect(watch.status).toBe(200);
    const watched = await watch.json();
    expect(watched.expiration).toBe(String(now + 7 * 86_400_000));
    const box = google.mailbox("ana@example.com");
    await box.addRaw(RAW.replace("quote-1", "quote-4"), ["INBOX"]);
    await google.outbox.flush();
    expect(pushes).toHaveLength(1);
    expect(pushes[0].subscription).toMatch(/^projects\/.+\/subscriptions\//);
    const data = JSON.parse(Buffer.from(pushes[0].message.data, "base64").toString());
    expect(data).toEqual({ emailAddress: "ana@example.com", historyId: box.historyId });

    box.modifyLabels([...box.messages.keys()][0], ["STARRED"], []);
    await google.outbox.flush();
    expect(pushes).toHaveLength(2);
    await fetch(`${API}/stop`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
    await box.addRaw(RAW.replace("quote-1", "quote-5"), ["INBOX"]);
    await google.outbox.flush();
    expect(pushes).toHaveLength(2);
  });

  it("push notifications are dropped, duplicated and reordered under the knob", async () => {
    const box = google.mailbox("ana@example.com");
    await fetch(`${API}/watch`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ topicName: "projects/concilia/topics/gmail" }),
    });
    const historyIds = () =>
      pushes.map((p) => JSON.parse(Buffer.from(p.message.data, "base64").toString()).historyId);
    pushes.length = 0;
    google.faults.set("ana@example.com", { notifications: { drop: 1, duplicate: 1 } });
    await box.addRaw(RAW.replace("quote-1", "d1"), ["INBOX"]);
    await box.addRaw(RAW.replace("quote-1", "d2"), ["INBOX"]);
    const second = box.historyId;
    await google.outbox.flush();
    expect(historyIds()).toEqual([second, second]);

    pushes.length = 0;
    google.faults.set("ana@example.com", { notifications: { reorder: true } });
    await box.addRaw(RAW.replace("quote-1", "r1"), ["INBOX"]);
    const h1 = box.historyId;
    await box.addRaw(RAW.replace("quote-1", "r2"), ["INBOX"]);
    const h2 = box.historyId;
    await google.outbox.flush();
    expect(historyIds()).toEqual([h2, h1]);
  });

  it("sends at most one push per second per user; the extra ones are dropped", async () => {
    let clock = now;
    const paced = new GoogleEmulator({ clock: () => clock, pushRetryDelaysMs: [] });
    const box = paced.addAccount("dee@example.com");
    paced.push.registerTopic("projects/concilia/topics/gmail", "https://app.test/google/push");
    const t = paced.issueTokens("dee@example.com").accessToken;
    await paced.handle(
      new Request(`${API}/watch`, {
        method: "POST",
        headers: { authorization: `Bearer ${t}`, "content-type": "application/json" },
        body: JSON.stringify({ topicName: "projects/concilia/topics/gmail" }),
      }),
    );
    pushes.length = 0;
    await box.addRaw(RAW.replace("quote-1", "p1"), ["INBOX"]);
    await box.addRaw(RAW.replace("quote-1", "p2"), ["INBOX"]);
    clock += 1000;
    await box.addRaw(RAW.replace("quote-1", "p3"), ["INBOX"]);
    await paced.outbox.flush();
    expect(pushes).toHaveLength(2);
  });

  it("a lost watch response still leaves the watch in place", async () => {
    google.push.registerTopic("projects/concilia/topics/lost", "https://app.test/google/push");
    google.faults.set("ana@example.com", { loseResponse: { endpoints: ["gmail.users.watch"], times: 1 } });
    await expect(
      fetch(`${API}/watch`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ topicName: "projects/concilia/topics/lost" }),
      }),
    ).rejects.toThrow(TypeError);
    expect(google.push.watching("ana@example.com")?.topic).toBe("projects/concilia/topics/lost");
  });
});
