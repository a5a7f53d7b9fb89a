// Automatic email logging from Gmail, end to end: a connection with a refresh token the Google emulator
// issued (the emulator has no userinfo endpoint for the OAuth callback), its first sync queued as the
// connections API queues it, the worker's steps through the Gmail provider and the logging policy into
// the CRM; then a Gmail push (watch → Pub/Sub → POST /push/google) syncs a new message at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_GOOGLE_CLIENT, GoogleEmulator } from "../../emulators/google/emulator.js";
import { SECRET } from "../../server/connections/connections.js";
import { getSecret, putSecret } from "../../server/secrets/store.js";
import { queueSync } from "../../server/sync/trigger.js";
import { engines, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import {
  api,
  connectWithRefreshToken,
  eventually,
  fromMarta,
  loggedEmails,
  MARTA,
  rawMail,
  reconnectNeeded,
  routeToEmulator,
  startMailSyncServer,
  statusOf,
  thirtyMessages,
  toMarta,
  upToDate,
  userWithMarta,
} from "./mail-e2e.js";

const ACCOUNT = "ana.ruiz@gmail.test";
const TOKEN = "gmail-push-token-0123456789abcdef0123456789";
const TOPIC = "projects/concilia-test/topics/gmail";

describe.each(engines)("Gmail mail sync end to end on %s", (engine) => {
  let s: TestServer;
  let google: GoogleEmulator;
  let msw: ReturnType<typeof routeToEmulator>;
  let ana: { id: string; token: string };
  let connectionId: string;
  const seeded = thirtyMessages(ACCOUNT);
  // Ana's own message reads: the file's other accounts sync too, and one of their steps (a push, a
  // queued step) may fall in a measured window on a slow machine.
  const bodiesRead = () => google.counter.endpointsOf(ACCOUNT)["gmail.users.messages.get"] ?? 0;

  beforeAll(async () => {
    s = await startMailSyncServer(engine, {
      GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret!,
      GOOGLE_PUSH_TOKEN: TOKEN,
      GOOGLE_PUBSUB_TOPIC: TOPIC,
      CONCILIA_PUBLIC_URL: "https://concilia.test",
    });
    google = new GoogleEmulator({ fetch: injectFetch(s.app), pushMinIntervalMs: 0 });
    google.addAccount(ACCOUNT, "Ana Ruiz");
    google.push.registerTopic(TOPIC, `https://concilia.test/push/google?token=${TOKEN}`);
    msw = routeToEmulator(google.handlers());
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    for (const m of seeded) await google.seed(ACCOUNT, m.raw, m.sent ? ["SENT"] : ["INBOX", "UNREAD"]);
  });
  afterAll(async () => {
    msw?.close();
    await s?.close();
  });

  it("R-MAIL-1, R-MAIL-2, R-MAIL-8: the first sync logs exactly the messages with a CRM participant, once each; the others are counted as skipped", async () => {
    const { refreshToken } = google.issueTokens(ACCOUNT);
    connectionId = await connectWithRefreshToken(
      s,
      ana.id,
      { provider: "google", accountAddress: ACCOUNT, syncs: "email" },
      refreshToken,
    );
    const st = await upToDate(s, ana, connectionId);
    expect(st.skipped).toEqual({ "no-crm-participant": 20 });
    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual(
      seeded
        .filter((m) => m.withCrm)
        .map((m) => m.messageId)
        .sort(),
    );
    expect(new Set(logged.map((l) => l.source))).toEqual(new Set(["auto"]));
    // Each message was fetched once (batched), none twice.
    expect(bodiesRead()).toBe(30);
    // Push is configured: the step started the watch on INBOX and SENT.
    expect(google.push.watching(ACCOUNT)).toMatchObject({ topic: TOPIC, labelIds: ["INBOX", "SENT"] });
  });

  it("R-P-2, R-MAIL-1: a new message is logged on its push, without waiting for a poll", {
    timeout: 60_000,
  }, async () => {
    const m = fromMarta(ACCOUNT, "Nueva orden");
    await google.seed(ACCOUNT, m.raw, ["INBOX", "UNREAD"]);
    await eventually(async () =>
      expect((await loggedEmails(s, ana.id)).map((l) => l.messageId)).toContain(m.messageId),
    );
    expect((await loggedEmails(s, ana.id)).length).toBe(11);
  });

  it("R-MAIL-4: a message logged by hand before the sync reaches it stays one editable activity", async () => {
    const m = toMarta(ACCOUNT, "Respuesta");
    const manual = await s.app.inject({
      method: "POST",
      url: "/api/v1/emails",
      headers: { authorization: `Bearer ${ana.token}`, "content-type": "message/rfc822" },
      payload: m.raw,
    });
    expect(manual.statusCode).toBe(201);
    await google.seed(ACCOUNT, m.raw, ["SENT"]);
    const before = bodiesRead();
    await eventually(async () => expect(bodiesRead()).toBe(before + 1));
    await upToDate(s, ana, connectionId);
    const same = (await loggedEmails(s, ana.id)).filter((l) => l.messageId === m.messageId);
    expect(same).toEqual([{ id: manual.json().activityId, messageId: m.messageId, source: "manual" }]);
    const edit = await api(s, ana, "PATCH", `/api/v1/activities/${manual.json().activityId}`, {
      subject: "Respuesta (editada)",
    });
    expect(edit.statusCode).toBe(200);
    expect((await statusOf(s, ana, connectionId)).skipped).toEqual({ "no-crm-participant": 20 });
  });

  it("R-CON-2: a connection that syncs only the calendar logs no mail", async () => {
    const other = "ana.calendar@gmail.test";
    google.addAccount(other, "Ana Calendar");
    const m = rawMail({ from: `Marta Núñez <${MARTA}>`, to: `Ana <${other}>`, subject: "Solo calendario" });
    await google.seed(other, m.raw, ["INBOX"]);
    const { refreshToken } = google.issueTokens(other);
    const id = await connectWithRefreshToken(
      s,
      ana.id,
      { provider: "google", accountAddress: other, syncs: "calendar" },
      refreshToken,
    );
    await upToDate(s, ana, id);
    expect((await loggedEmails(s, ana.id)).map((l) => l.messageId)).not.toContain(m.messageId);
    expect(google.push.watching(other)).toBeFalsy();
  });

  it("R-P-3: a revoked grant shows reconnect needed; with a new refresh token the sync resumes from its history cursor, nothing imported twice", async () => {
    google.revokeTokens(ACCOUNT);
    google.expireAccessTokens(ACCOUNT);
    const m = fromMarta(ACCOUNT, "Tras revocar");
    await google.seed(ACCOUNT, m.raw, ["INBOX"]);
    const blocked = await reconnectNeeded(s, ana, connectionId);
    expect(blocked.lastError?.kind).toBe("auth");
    const before = bodiesRead();
    const logged = (await loggedEmails(s, ana.id)).length;

    // What the OAuth callback does on a reconnect: the new refresh token as the secret's next version,
    // and a step queued with it.
    const { refreshToken } = google.issueTokens(ACCOUNT);
    await s.ctx.db.transaction(async (tx) => {
      const current = await getSecret({ db: tx, secrets: s.ctx.secrets }, connectionId, SECRET.refreshToken);
      await putSecret(
        { db: tx, secrets: s.ctx.secrets },
        connectionId,
        SECRET.refreshToken,
        refreshToken,
        current!.version,
      );
      await queueSync(s.ctx, tx, connectionId);
    });
    await eventually(async () =>
      expect((await loggedEmails(s, ana.id)).map((l) => l.messageId)).toContain(m.messageId),
    );
    await upToDate(s, ana, connectionId);
    const after = await loggedEmails(s, ana.id);
    expect(after.length).toBe(logged + 1);
    expect(new Set(after.map((l) => l.messageId)).size).toBe(after.length);
    expect(bodiesRead()).toBe(before + 1);
  });

  it("R-CON-10: a stop the Gmail API answers 503 to still deletes the connection and says the watch could not be stopped", async () => {
    const other = "ana.busy@gmail.test";
    google.addAccount(other, "Ana Busy");
    const { refreshToken } = google.issueTokens(other);
    const id = await connectWithRefreshToken(
      s,
      ana.id,
      { provider: "google", accountAddress: other, syncs: "email" },
      refreshToken,
    );
    await upToDate(s, ana, id);
    expect(google.push.watching(other)).toBeTruthy();
    google.faults.set(other, {
      throttle: { status: 503, retryAfter: null, endpoints: ["gmail.users.stop"] },
    });

    const r = await api(s, ana, "DELETE", `/api/v1/connections/${id}`);
    expect(r.statusCode).toBe(200);
    expect(r.json().message).toContain("Gmail could not be told to stop sending change notifications");
    expect((await api(s, ana, "GET", `/api/v1/connections/${id}`)).statusCode).toBe(404);
    expect(google.push.watching(other)).toBeTruthy();
  });

  it("R-CON-10: stopping the connection stops its Gmail watch and keeps every logged message", async () => {
    expect(google.push.watching(ACCOUNT)).toBeTruthy();
    const logged = await loggedEmails(s, ana.id);
    const r = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ revocation: "revoked", credentialsDeleted: true });
    expect(r.json().message).not.toContain("could not be told");
    expect(google.push.watching(ACCOUNT)).toBeFalsy();
    expect(await loggedEmails(s, ana.id)).toEqual(logged);
  });
});
