import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { serveForFile } from "./serve-for-file.js";

const microsoft = new MicrosoftEmulator();
const server = setupServer(...microsoft.handlers());
let token = "";

type BatchResponse = { id: string; status: number; headers: Record<string, string>; body?: any };

async function batch(requests: unknown[]) {
  const response = await fetch("https://graph.microsoft.com/v1.0/$batch", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ requests }),
  });
  return { status: response.status, body: await response.json() };
}

const byId = (responses: BatchResponse[]) => Object.fromEntries(responses.map((r) => [r.id, r]));

serveForFile(server, microsoft);
beforeAll(() => {
  microsoft.addAccount("ana@contoso.example", "Ana Ruiz");
  microsoft.generate("ana@contoso.example", { count: 5 });
  token = microsoft.issueTokens("ana@contoso.example", "offline_access Mail.ReadWrite").accessToken;
});

describe("Graph JSON batch emulator", () => {
  it("answers each request with its own status, not in request order; $value bodies are base64", async () => {
    const [first] = microsoft.mailbox("ana@contoso.example").messages.values();
    const { status, body } = await batch([
      { id: "1", method: "GET", url: "/me" },
      { id: "2", method: "GET", url: "/me/messages/AAMkMISSING" },
      { id: "3", method: "GET", url: `me/messages/${first.restId}/$value` },
    ]);
    expect(status).toBe(200);
    expect(body.responses.map((r: BatchResponse) => r.id)).not.toEqual(["1", "2", "3"]);
    const r = byId(body.responses);
    expect(r["1"].status).toBe(200);
    expect(r["1"].body.mail).toBe("ana@contoso.example");
    expect(r["2"].status).toBe(404);
    expect(r["2"].body.error.code).toBe("ErrorItemNotFound");
    expect(Buffer.from(r["3"].body, "base64").equals(first.raw)).toBe(true);
    expect(microsoft.counter.snapshot()).toEqual({
      http: 1,
      perEndpoint: { "graph.batch": 1, "graph.me": 1, "graph.messages.get": 1, "graph.messages.value": 1 },
    });
  });

  it("a failed dependency makes its dependants 424", async () => {
    const { body } = await batch([
      { id: "a", method: "GET", url: "/me/messages/AAMkMISSING" },
      { id: "b", method: "GET", url: "/me", dependsOn: ["a"] },
      { id: "c", method: "GET", url: "/me" },
    ]);
    const r = byId(body.responses);
    expect([r.a.status, r.b.status, r.c.status]).toEqual([404, 424, 200]);
  });

  it("items are throttled one by one: 429 with their own Retry-After inside a 200", async () => {
    microsoft.faults.set("ana@contoso.example", { batchConcurrency: 4 });
    const { status, body } = await batch(
      Array.from({ length: 6 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" })),
    );
    expect(status).toBe(200);
    const statuses = body.responses.map((r: BatchResponse) => [r.id, r.status]).sort();
    expect(statuses).toEqual([
      ["0", 200],
      ["1", 200],
      ["2", 200],
      ["3", 200],
      ["4", 429],
      ["5", 429],
    ]);
    const throttled = byId(body.responses)["5"];
    expect(throttled.headers["retry-after"]).toBe("1");
    expect(throttled.body.error.code).toBe("ApplicationThrottled");

    microsoft.faults.set("ana@contoso.example", {
      throttle: { status: 429, retryAfter: 9, endpoints: ["graph.me"], times: 1 },
    });
    const knob = byId((await batch([{ id: "x", method: "GET", url: "/me" }])).body.responses);
    expect(knob.x.status).toBe(429);
    expect(knob.x.headers["retry-after"]).toBe("9");
  });

  it("counts each batch item against the mailbox quota", async () => {
    microsoft.faults.set("ana@contoso.example", { quota: { units: 3, windowMs: 600_000 } });
    const { status, body } = await batch(
      Array.from({ length: 4 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" })),
    );
    expect(status).toBe(200);
    const statuses = body.responses.map((r: BatchResponse) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = body.responses.find((r: BatchResponse) => r.status === 429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(590);
    microsoft.quota.reset();
  });

  it("refuses more than 20 requests, duplicate ids, and a body without Content-Type", async () => {
    const tooMany = await batch(
      Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: "GET", url: "/me" })),
    );
    expect(tooMany.status).toBe(400);
    const duplicate = await batch([
      { id: "A", method: "GET", url: "/me" },
      { id: "a", method: "GET", url: "/me" },
    ]);
    expect(duplicate.status).toBe(400);
    const noType = await batch([{ id: "1", method: "PATCH", url: "/me/messages/x", body: { isRead: true } }]);
    expect(noType.status).toBe(400);
    expect(noType.body.error.code).toBe("BadRequest");
  });
});
