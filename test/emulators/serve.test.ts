import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT, seedDemo } from "../../emulators/demo.js";
import { type ServedEmulators, serveEmulators } from "../../emulators/serve.js";

let served: ServedEmulators;
let receiver: Server;
let receiverUrl = "";
const notifications: unknown[] = [];

beforeAll(async () => {
  served = await serveEmulators({ googlePort: 0, microsoftPort: 0 });
  await seedDemo(served.google, served.microsoft, 20);
  // A real subscriber on loopback: echoes validation tokens, records notifications.
  receiver = createServer((req, res) => {
    const token = new URL(req.url!, "http://x").searchParams.get("validationToken");
    if (token !== null) {
      res.writeHead(200, { "content-type": "text/plain" }).end(token);
      return;
    }
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      notifications.push(JSON.parse(body));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/notify`;
});
afterAll(async () => {
  await served.close();
  await new Promise((r) => receiver.close(r));
});

describe("served emulators", () => {
  it("serve Gmail over real HTTP with the demo account, and count requests", async () => {
    const { accessToken } = served.google.issueTokens(DEMO_ACCOUNT.email);
    const profile = await fetch(`${served.env.GOOGLE_API_URL}/gmail/v1/users/me/profile`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(profile.status).toBe(200);
    expect((await profile.json()).messagesTotal).toBe(22);
    const counts = await (await fetch(`${served.googleUrl}/__emulator/counts`)).json();
    expect(counts.perEndpoint["gmail.users.getProfile"]).toBe(1);
  });

  it("mint Graph delta links on the served host", async () => {
    const { accessToken } = served.microsoft.issueTokens(DEMO_ACCOUNT.email);
    const response = await fetch(`${served.env.GRAPH_URL}/me/mailFolders/inbox/messages/delta`, {
      headers: { authorization: `Bearer ${accessToken}`, prefer: "odata.maxpagesize=50" },
    });
    const body = await response.json();
    expect(body.value).toHaveLength(21);
    expect(body["@odata.deltaLink"].startsWith(`${served.microsoftUrl}/v1.0/me/mailfolders('`)).toBe(true);
  });

  it("set knobs through the admin route: a lost response drops the connection after the write", async () => {
    const { accessToken } = served.microsoft.issueTokens(DEMO_ACCOUNT.email, "offline_access Mail.ReadWrite");
    const email = encodeURIComponent(DEMO_ACCOUNT.email);
    const set = await fetch(`${served.microsoftUrl}/__emulator/accounts/${email}/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ loseResponse: { endpoints: ["graph.messages.update"], times: 1 } }),
    });
    expect(set.status).toBe(204);
    const target = [...served.microsoft.mailbox(DEMO_ACCOUNT.email).messages.values()].find(
      (m) => !m.isRead,
    )!;
    await expect(
      fetch(`${served.env.GRAPH_URL}/me/messages/${target.restId}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ isRead: true }),
      }),
    ).rejects.toThrow(TypeError);
    expect(target.isRead).toBe(true);
    const bad = await fetch(`${served.microsoftUrl}/__emulator/accounts/${email}/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ throttle: { status: 418 } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
  });

  it("set a server error through the admin route: Gmail answers its backendError once, unapplied, without Retry-After", async () => {
    const { accessToken } = served.google.issueTokens(DEMO_ACCOUNT.email);
    const email = encodeURIComponent(DEMO_ACCOUNT.email);
    const set = await fetch(`${served.googleUrl}/__emulator/accounts/${email}/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ serverError: { status: 502, endpoints: ["gmail.users.getProfile"], times: 1 } }),
    });
    expect(set.status).toBe(204);
    const profile = () =>
      fetch(`${served.env.GOOGLE_API_URL}/gmail/v1/users/me/profile`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
    const failed = await profile();
    expect(failed.status).toBe(502);
    expect(failed.headers.get("retry-after")).toBeNull();
    expect((await failed.json()).error.errors[0].reason).toBe("backendError");
    expect((await profile()).status).toBe(200);
    await fetch(`${served.googleUrl}/__emulator/accounts/${email}/faults`, { method: "DELETE" });
  });

  it("run account actions through the admin route: invalidated cursors give Gmail's 404", async () => {
    const { accessToken } = served.google.issueTokens(DEMO_ACCOUNT.email);
    const auth = { authorization: `Bearer ${accessToken}` };
    const { historyId } = await (
      await fetch(`${served.env.GOOGLE_API_URL}/gmail/v1/users/me/profile`, { headers: auth })
    ).json();
    const action = await fetch(
      `${served.googleUrl}/__emulator/accounts/${encodeURIComponent(DEMO_ACCOUNT.email)}/actions`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "invalidateCursors" }),
      },
    );
    expect(action.status).toBe(204);
    const history = await fetch(
      `${served.env.GOOGLE_API_URL}/gmail/v1/users/me/history?startHistoryId=${historyId}`,
      {
        headers: auth,
      },
    );
    expect(history.status).toBe(404);
    const unknown = await fetch(`${served.googleUrl}/__emulator/accounts/nobody%40x.example/actions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "invalidateCursors" }),
    });
    expect(unknown.status).toBe(404);
  });

  it("validate and notify a real loopback subscriber", async () => {
    const { accessToken } = served.microsoft.issueTokens(DEMO_ACCOUNT.email);
    const created = await fetch(`${served.env.GRAPH_URL}/subscriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({
        changeType: "created",
        notificationUrl: receiverUrl,
        resource: "/me/messages",
        expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        clientState: "served",
      }),
    });
    expect(created.status).toBe(201);
    const seeded = await fetch(
      `${served.microsoftUrl}/__emulator/accounts/${encodeURIComponent(DEMO_ACCOUNT.email)}/messages`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          raw: "From: x@y.example\r\nSubject: s\r\nMessage-ID: <s@y>\r\n\r\nbody\r\n",
          where: ["inbox"],
        }),
      },
    );
    expect(seeded.status).toBe(201);
    await fetch(`${served.microsoftUrl}/__emulator/notifications/flush`, { method: "POST" });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ value: [{ changeType: "created", clientState: "served" }] });
  });

  it("npm run emulators prints its ports and stops cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "emulators/main.ts"], {
      env: { ...process.env, EMULATOR_GOOGLE_PORT: "0", EMULATOR_MICROSOFT_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 20_000);
      child.stdout.on("data", () => {
        if (out.includes("GRAPH_URL=")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const graphUrl = /GRAPH_URL=(\S+)/.exec(out)![1];
    expect((await fetch(`${graphUrl}/me`)).status).toBe(401);
    child.kill("SIGTERM");
    const code = await new Promise((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(0);
  });
});
