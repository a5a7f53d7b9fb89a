// Dev mode without a Google or Microsoft account: the server starts the emulators, points its OAuth
// and API settings at them, seeds the demo mailboxes, and a demo user connects the demo account
// through the real OAuth start → emulator consent → callback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/tokens.js";
import { loadConfig } from "../../server/config.js";
import { seedDemo } from "../../server/crm/demo.js";
import { demoUsers } from "../../server/crm/demo-data.js";
import { DEMO_MAILBOX, demoArrivals, demoMailbox } from "../../server/dev/demo-mailbox.js";
import { type RunningEmulators, startEmulatorsForDev, wantsEmulators } from "../../server/dev/emulators.js";
import { createLogger } from "../../server/log.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

const log = createLogger("silent");

describe("dev mode picks the emulators only without a real OAuth client", () => {
  it("R-CON-3: no emulators outside dev mode, nor when a Google or Microsoft client is configured", async () => {
    expect(wantsEmulators(loadConfig({ CONCILIA_DEV: "1" }))).toBe(true);
    expect(wantsEmulators(loadConfig({ CONCILIA_DEV: "0" }))).toBe(false);
    const real = loadConfig({
      CONCILIA_DEV: "1",
      GOOGLE_OAUTH_CLIENT_ID: "real.apps.googleusercontent.com",
      GOOGLE_OAUTH_CLIENT_SECRET: "s",
    });
    expect(wantsEmulators(real)).toBe(false);
    const started = await startEmulatorsForDev(real, log);
    expect(started.emulators).toBeNull();
    expect(started.config.GOOGLE_AUTH_URL).toBe("https://accounts.google.com/o/oauth2/v2/auth");
  });
});

describe.each(engines)("dev mode with the emulators on %s", (engine) => {
  let emulators: RunningEmulators;
  let s: TestServer;
  let sara: { token: string };

  beforeAll(async () => {
    const started = await startEmulatorsForDev(loadConfig({ CONCILIA_DEV: "1" }), log);
    emulators = started.emulators!;
    expect(started.config.GOOGLE_API_URL).toBe(emulators.googleUrl);
    s = await startTestServer({ engine, env: { ...emulators.env, CONCILIA_SYNC_TICK_SECONDS: "0" } });
    await seedDemo(s.ctx);
    const user = await s.ctx.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.email, demoUsers[1].email),
    });
    sara = await createApiToken(s.ctx.db, user!.id, { name: "test" });
  });
  afterAll(async () => {
    await s?.close();
    await emulators?.close();
  });

  const api = (method: "GET" | "POST", url: string, body?: unknown) =>
    s.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${sara.token}`,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      payload: body ? JSON.stringify(body) : undefined,
    });

  const groundTruth = async (origin: string) => {
    const r = await fetch(`${origin}/__emulator/accounts/${encodeURIComponent(DEMO_MAILBOX.email)}/messages`);
    return ((await r.json()) as { messages: { messageId: string }[] }).messages;
  };

  it("seeds both demo mailboxes with the demo messages", async () => {
    expect(demoMailbox.length).toBeGreaterThanOrEqual(30);
    expect(await groundTruth(emulators.googleUrl)).toHaveLength(demoMailbox.length);
    expect(await groundTruth(emulators.microsoftUrl)).toHaveLength(demoMailbox.length);
    // Fixed Message-IDs: after a restart (new emulators, reseeded) a resync logs nothing twice (R-MAIL-4).
    const ids = (await groundTruth(emulators.googleUrl)).map((m) => m.messageId).sort();
    expect(ids).toEqual(demoMailbox.map((_, i) => `<demo-mailbox-${i + 1}@concilia.demo>`).sort());
  });

  for (const provider of ["google", "microsoft"] as const)
    it(`R-CON-3: the demo user connects the demo ${provider} account through the emulator's consent`, async () => {
      const start = await api("POST", "/api/v1/connections/oauth/start", { provider, syncs: "email" });
      expect(start.statusCode).toBe(200);
      const { authorizationUrl } = start.json() as { authorizationUrl: string };
      expect(
        authorizationUrl.startsWith(provider === "google" ? emulators.googleUrl : emulators.microsoftUrl),
      ).toBe(true);
      const consent = await fetch(authorizationUrl, { redirect: "manual" });
      expect(consent.status).toBe(302);
      const callback = new URL(consent.headers.get("location")!);
      expect(callback.pathname).toBe("/connections/oauth/callback");
      const page = await s.app.inject({ url: callback.pathname + callback.search });
      expect(page.statusCode).toBe(200);
      const list = (await api("GET", "/api/v1/connections")).json() as {
        items: { provider: string; accountAddress: string }[];
      };
      expect(list.items).toContainEqual(
        expect.objectContaining({ provider, accountAddress: DEMO_MAILBOX.email }),
      );
    });

  const statuses = async () => {
    const list = (await api("GET", "/api/v1/connections")).json() as {
      items: { id: string; provider: string }[];
    };
    return Promise.all(
      list.items.map(async (c) => ({
        provider: c.provider,
        ...((await api("GET", `/api/v1/connections/${c.id}/status`)).json() as {
          status: string;
          skipped: Record<string, number>;
        }),
      })),
    );
  };
  /**
   * Waits until both connections are up to date: the job worker runs the steps that connecting (and a
   * demo message) queued, as under `npm start`.
   */
  const syncUntilUpToDate = async () => {
    for (let i = 0; i < 240; i++) {
      const all = await statuses();
      if (all.length === 2 && all.every((x) => x.status === "up_to_date")) return all;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`not up to date: ${JSON.stringify(await statuses())}`);
  };
  const loggedSubjects = async () => {
    const r = await api("GET", "/api/v1/activities?type=email&limit=200");
    return (r.json() as { items: { subject: string; source: string }[] }).items
      .filter((a) => a.source === "auto")
      .map((a) => a.subject);
  };

  it("R-MAIL-2, R-MAIL-4: the first sync logs the demo messages with CRM participants, once, and skips the rest with their reasons", {
    timeout: 90_000,
  }, async () => {
    const all = await syncUntilUpToDate();
    const logged = await loggedSubjects();
    const withCrm = demoMailbox.filter((m) => m.kind === "crm");
    // Both mailboxes hold the same messages: one activity per Message-ID.
    expect(logged.sort()).toEqual(withCrm.map((m) => m.subject).sort());
    for (const m of demoMailbox.filter((x) => x.kind !== "crm")) expect(logged).not.toContain(m.subject);
    // Each connection counts what its own steps skipped (the two share the messages): together they
    // show every reason.
    const reasons = all.flatMap((x) => Object.keys(x.skipped)).join(" ");
    expect(reasons).toMatch(/internal/);
    expect(reasons).toMatch(/automated/);
    expect(reasons).toMatch(/CRM participant|crm-participant/i);
  });

  it("POST /playground/demo-mail puts a new message in both mailboxes, and the next sync logs it", {
    timeout: 90_000,
  }, async () => {
    const before = (await groundTruth(emulators.googleUrl)).length;
    const r = await api("POST", "/playground/demo-mail");
    expect(r.statusCode).toBe(201);
    // One of the demo arrivals, answered with what it is.
    const sent = r.json() as { subject: string; kind: string };
    expect(demoArrivals.map((m) => [m.subject, m.kind])).toContainEqual([sent.subject, sent.kind]);
    expect(await groundTruth(emulators.googleUrl)).toHaveLength(before + 1);
    expect(await groundTruth(emulators.microsoftUrl)).toHaveLength(before + 1);
    const anonymous = await s.app.inject({ method: "POST", url: "/playground/demo-mail" });
    expect(anonymous.statusCode).toBe(401);
    // The route queued a step for both connections, as a push notification would.
    const subject = (r.json() as { subject: string }).subject;
    for (let i = 0; i < 240 && !(await loggedSubjects()).includes(subject); i++)
      await new Promise((done) => setTimeout(done, 250));
    expect(await loggedSubjects()).toContain(subject);
  });
});
