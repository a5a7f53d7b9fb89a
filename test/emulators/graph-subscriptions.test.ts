import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";

let now = Date.UTC(2026, 10, 30, 9);
const microsoft = new MicrosoftEmulator({
  clock: () => now,
  validationTimeoutMs: 200,
  notificationRetryDelaysMs: [10],
});
const GRAPH = "https://graph.microsoft.com/v1.0";
type Notification = {
  subscriptionId: string;
  changeType?: string;
  clientState: string;
  resourceData?: { id: string };
  lifecycleEvent?: string;
};
const received: Notification[][] = [];
const validations: string[] = [];
let mode: "echo" | "wrong" | "slow" = "echo";
let failNext = 0;

const server = setupServer(
  ...microsoft.handlers(),
  http.post("https://app.test/graph/notify", async ({ request }) => {
    const token = new URL(request.url).searchParams.get("validationToken");
    if (token !== null) {
      validations.push(new URL(request.url).search);
      if (mode === "slow") await delay(1000);
      return new HttpResponse(mode === "wrong" ? "nope" : token, {
        headers: { "content-type": "text/plain" },
      });
    }
    if (failNext > 0) {
      failNext--;
      return new HttpResponse(null, { status: 503 });
    }
    received.push(((await request.json()) as { value: Notification[] }).value);
    return new HttpResponse(null, { status: 202 });
  }),
);
let token = "";
const box = microsoft.addAccount("ana@contoso.example", "Ana Ruiz");

beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  token = microsoft.issueTokens("ana@contoso.example").accessToken;
});
afterAll(() => server.close());
beforeEach(() => {
  mode = "echo";
  received.length = 0;
  microsoft.faults.clear();
});

function subscribe(extra: Record<string, unknown> = {}) {
  return fetch(`${GRAPH}/subscriptions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      changeType: "created,updated,deleted",
      notificationUrl: "https://app.test/graph/notify",
      lifecycleNotificationUrl: "https://app.test/graph/notify",
      resource: "/me/mailFolders('inbox')/messages",
      expirationDateTime: new Date(now + 3 * 86_400_000).toISOString(),
      clientState: "secret-state",
      ...extra,
    }),
  });
}

const RAW =
  "From: bo@client.example\r\nTo: ana@contoso.example\r\nSubject: Hi\r\nMessage-ID: <n@x>\r\n\r\nHi\r\n";

describe("Graph subscriptions emulator", () => {
  it("creates a subscription after the validation handshake echoes the form-decoded token", async () => {
    validations.length = 0;
    const response = await subscribe();
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({
      resource: "/me/mailFolders('inbox')/messages",
      clientState: "secret-state",
      changeType: "created,updated,deleted",
    });
    expect(validations).toHaveLength(2);
    expect(validations[0]).toMatch(/^\?validationToken=Validation%3A\+Testing\+client/);
  });

  it("refuses the subscription when the endpoint does not echo the token, or too slowly", async () => {
    mode = "wrong";
    const wrong = await subscribe();
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.message).toContain("validation request");
    mode = "slow";
    const slow = await subscribe();
    expect(slow.status).toBe(400);
    expect((await slow.json()).error.message).toContain("timed out");
  });

  it("refuses resource data without an encryption certificate, and unsupported resources", async () => {
    const withData = await subscribe({ includeResourceData: true });
    expect(withData.status).toBe(400);
    const events = await subscribe({ resource: "/me/drive/root" });
    expect(events.status).toBe(400);
    expect((await events.json()).error.code).toBe("InvalidRequest");
  });

  it("limits expirationDateTime and renews through PATCH", async () => {
    const tooFar = await subscribe({ expirationDateTime: new Date(now + 10_081 * 60_000).toISOString() });
    expect(tooFar.status).toBe(400);
    expect((await tooFar.json()).error.message).toBe(
      "Subscription expiration can only be 10080 minutes in the future.",
    );
    const created = await (await subscribe()).json();
    const renewed = await fetch(`${GRAPH}/subscriptions/${created.id}`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ expirationDateTime: new Date(now + 6 * 86_400_000).toISOString() }),
    });
    expect(renewed.status).toBe(200);
    expect((await renewed.json()).expirationDateTime).toBe(
      new Date(now + 6 * 86_400_000).toISOString().replace("Z", "0000Z"),
    );
    await fetch(`${GRAPH}/subscriptions/${created.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}` },
    });
  });

  it("notifies changes with clientState and ids only, several in one POST", async () => {
    for (const s of [...microsoft.subscriptions.all.keys()]) microsoft.subscriptions.all.delete(s);
    const created = await (await subscribe()).json();
    const message = await box.addRaw(RAW, "inbox");
    box.update(message.immutableId, { isRead: true });
    await box.addRaw(RAW.replace("<n@x>", "<sent@x>"), "sentitems");
    await microsoft.outbox.flush();
    expect(received).toHaveLength(1);
    expect(
      received[0].map((n) => [n.subscriptionId, n.changeType, n.clientState, n.resourceData?.id]),
    ).toEqual([
      [created.id, "created", "secret-state", message.restId],
      [created.id, "updated", "secret-state", message.restId],
    ]);
  });

  it("a subscription made with Prefer IdType=ImmutableId notifies immutable ids", async () => {
    for (const s of [...microsoft.subscriptions.all.keys()]) microsoft.subscriptions.all.delete(s);
    await fetch(`${GRAPH}/subscriptions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        prefer: 'IdType="ImmutableId"',
      },
      body: JSON.stringify({
        changeType: "created",
        notificationUrl: "https://app.test/graph/notify",
        resource: "me/messages",
        expirationDateTime: new Date(now + 86_400_000).toISOString(),
        clientState: "secret-state",
      }),
    });
    const message = await box.addRaw(RAW.replace("<n@x>", "<imm@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(received.flat().map((n) => n.resourceData?.id)).toEqual([message.immutableId]);
    for (const s of [...microsoft.subscriptions.all.keys()]) microsoft.subscriptions.all.delete(s);
    await subscribe();
  });

  it("duplicates, drops and reorders notifications under the knob", async () => {
    microsoft.faults.set("ana@contoso.example", { notifications: { duplicate: 1 } });
    const one = await box.addRaw(RAW.replace("<n@x>", "<d1@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(received.flat().map((n) => n.resourceData?.id)).toEqual([one.restId, one.restId]);

    received.length = 0;
    microsoft.faults.set("ana@contoso.example", { notifications: { drop: 1 } });
    await box.addRaw(RAW.replace("<n@x>", "<d2@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(received).toHaveLength(0);

    microsoft.faults.set("ana@contoso.example", { notifications: { reorder: true } });
    const first = await box.addRaw(RAW.replace("<n@x>", "<r1@x>"), "inbox");
    await microsoft.outbox.settle();
    const second = await box.addRaw(RAW.replace("<n@x>", "<r2@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(received.flat().map((n) => n.resourceData?.id)).toEqual([second.restId, first.restId]);
  });

  it("redelivers a notification the receiver answered with 5xx", async () => {
    microsoft.faults.clear();
    failNext = 1;
    const before = microsoft.outbox.log.length;
    const message = await box.addRaw(RAW.replace("<n@x>", "<retry@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(microsoft.outbox.log.slice(before).map((d) => [d.status, d.attempt])).toEqual([
      [503, 1],
      [202, 2],
    ]);
    expect(received.flat().map((n) => n.resourceData?.id)).toEqual([message.restId]);
  });

  it("sends lifecycle notifications; subscriptionRemoved ends the subscription", async () => {
    const [subscription] = microsoft.subscriptions.all.values();
    microsoft.lifecycle(subscription.id, "reauthorizationRequired");
    microsoft.lifecycle(subscription.id, "subscriptionRemoved");
    await microsoft.outbox.flush();
    expect(received.flat().map((n) => [n.lifecycleEvent, n.clientState])).toEqual([
      ["reauthorizationRequired", "secret-state"],
      ["subscriptionRemoved", "secret-state"],
    ]);
    const gone = await fetch(`${GRAPH}/subscriptions/${subscription.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(gone.status).toBe(404);
  });

  it("an expired subscription stops notifying", async () => {
    await (await subscribe({ expirationDateTime: new Date(now + 60_000).toISOString() })).json();
    now += 120_000;
    await box.addRaw(RAW.replace("<n@x>", "<late@x>"), "inbox");
    await microsoft.outbox.flush();
    expect(received).toHaveLength(0);
  });
});
