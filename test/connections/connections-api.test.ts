// R-CON-2..7, R-CON-9..11: the connections API for accounts that sign in with a password (iCloud,
// Yahoo, custom IMAP), editing and stopping, each scoped to the user who owns the connection.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeListedCalendars } from "../../server/connections/calendars.js";
import { insertConnection } from "../../server/connections/connections.js";
import { connectionSecrets } from "../../server/db/schema.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { api } from "../sync/mail-e2e.js";
import { fakeImapWorld } from "./imap-tester.js";
import { logMartasEmail } from "./logged-email.js";

const HOST = "mail.acme-iberia.example";
const MAILBOX = { host: HOST, port: 993, tls: "implicit", username: "ana@acme-iberia.example" };
const PASSWORD = "imap-pass-Ana-8c1f";
const ICLOUD_PASSWORD = "abcd-efgh-ijkl-mnop";

describe.each(engines)("connections API on %s", (engine) => {
  let s: TestServer;
  const world = fakeImapWorld({
    [HOST]: { port: 993, logins: { "ana@acme-iberia.example": PASSWORD } },
    "imap.mail.me.com": { port: 993, logins: { "ana.ruiz@icloud.test": ICLOUD_PASSWORD } },
    "imap.mail.yahoo.com": { port: 993, logins: { "ana.ruiz@yahoo.test": "yahoo-app-pass" } },
  });
  const logLines: string[] = [];
  let ana: { id: string; token: string };
  let bruno: { token: string };
  let admin: { token: string };

  const call = (who: { token: string }, method: string, url: string, body?: unknown) =>
    api(s, who, method, url, body);

  const createImap = (extra: Record<string, unknown> = {}) =>
    call(ana, "POST", "/api/v1/connections", {
      provider: "imap",
      accountAddress: "ana@acme-iberia.example",
      ...MAILBOX,
      password: PASSWORD,
      ...extra,
    });

  beforeAll(async () => {
    s = await startTestServer({ engine, imapTester: world.tester, logLines });
    ana = await s.user("ana@acme.test", { aliases: ["ana.ruiz@icloud.test"] });
    bruno = await s.user("bruno@acme.test");
    admin = await s.user("admin@acme.test", { role: "admin" });
  });
  afterAll(() => s?.close());

  it("R-CON-6: the connectivity test answers green, or red naming the failing step", async () => {
    const green = await call(ana, "POST", "/api/v1/connections/test", { ...MAILBOX, password: PASSWORD });
    expect(green.statusCode).toBe(200);
    expect(green.json()).toEqual({ ok: true });
    expect(world.calls.at(-1)).toEqual({ ...MAILBOX, password: PASSWORD });

    const wrong = await call(ana, "POST", "/api/v1/connections/test", { ...MAILBOX, password: "nope" });
    expect(wrong.json()).toMatchObject({ ok: false, step: "login" });
    const typo = await call(ana, "POST", "/api/v1/connections/test", {
      ...MAILBOX,
      host: "mial.acme-iberia.example",
      password: PASSWORD,
    });
    expect(typo.json()).toEqual({
      ok: false,
      step: "dns",
      message: "mial.acme-iberia.example does not resolve.",
    });
  });

  it("R-CON-5: POP3, asked for by name or by its ports, is refused with the reason and never tested", async () => {
    const before = world.calls.length;
    for (const body of [
      { ...MAILBOX, password: PASSWORD, protocol: "pop3" },
      { ...MAILBOX, password: PASSWORD, port: 995 },
      { ...MAILBOX, password: PASSWORD, port: 110, tls: "starttls" },
    ]) {
      const test = await call(ana, "POST", "/api/v1/connections/test", body);
      expect(test.statusCode).toBe(422);
      expect(test.headers["content-type"]).toContain("application/problem+json");
      expect(test.json().detail).toMatch(/POP3 is not supported: it downloads messages and deletes them/);
      const create = await createImap(body);
      expect(create.statusCode).toBe(422);
      expect(create.json().detail).toMatch(/nothing to keep in sync/);
    }
    expect(world.calls.length).toBe(before);
  });

  it("R-CON-4: an IMAP account with calendar or both is refused: IMAP syncs email only", async () => {
    for (const syncs of ["calendar", "both"]) {
      const r = await createImap({ syncs });
      expect(r.statusCode).toBe(422);
      expect(r.json().detail).toMatch(/IMAP account syncs email only/);
      expect(r.json().errors).toEqual([{ path: "body.syncs", message: "IMAP syncs email only" }]);
    }
  });

  it("R-CON-6: a red connectivity test saves nothing and says which step failed", async () => {
    const r = await createImap({ password: "wrong" });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/failed at the login step: AUTHENTICATIONFAILED/);
    expect((await call(ana, "GET", "/api/v1/connections")).json().items).toEqual([]);
  });

  let imapId: string;

  it("R-CON-3, R-CON-11: a custom IMAP mailbox is connected with its server and a sealed password that never comes back", async () => {
    const r = await createImap({ displayName: "Acme Iberia" });
    expect(r.statusCode).toBe(201);
    const c = r.json();
    imapId = c.id;
    expect(c).toMatchObject({
      provider: "imap",
      accountAddress: "ana@acme-iberia.example",
      displayName: "Acme Iberia",
      syncs: "email",
      calendars: [],
      targetCalendarId: null,
      backfillDays: 30,
      imapServer: MAILBOX,
      secrets: [{ name: "imap-password", version: 1 }],
    });
    expect(r.body).not.toContain(PASSWORD);
    const [row] = await s.ctx.db
      .select()
      .from(connectionSecrets)
      .where(eq(connectionSecrets.connectionId, imapId));
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
    const list = await call(ana, "GET", "/api/v1/connections");
    expect(list.json().items.map((i: { id: string }) => i.id)).toEqual([imapId]);
    expect(list.body).not.toContain(PASSWORD);
    expect(logLines.some((l) => l.includes("connection created"))).toBe(true);
    expect(logLines.join("\n")).not.toContain(PASSWORD);
  });

  it("the same account twice is refused with 409", async () => {
    const r = await createImap({ accountAddress: "ANA@acme-iberia.example" });
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toMatch(/ana@acme-iberia.example is already connected/);
  });

  it("R-CON-7: an iCloud account must be the user's own address; a foreign one is refused with the reason", async () => {
    const foreign = await call(ana, "POST", "/api/v1/connections", {
      provider: "icloud",
      accountAddress: "someone.else@icloud.test",
      password: ICLOUD_PASSWORD,
    });
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().detail).toMatch(
      /iCloud can only be connected for your own address: someone.else@icloud.test is not/,
    );

    const own = await call(ana, "POST", "/api/v1/connections", {
      provider: "icloud",
      accountAddress: "Ana.Ruiz@icloud.test",
      password: ICLOUD_PASSWORD,
      syncs: "both",
    });
    expect(own.statusCode).toBe(201);
    expect(own.json()).toMatchObject({
      provider: "icloud",
      accountAddress: "ana.ruiz@icloud.test",
      syncs: "both",
      imapServer: { host: "imap.mail.me.com", port: 993, tls: "implicit", username: "ana.ruiz@icloud.test" },
      secrets: [{ name: "app-password", version: 1 }],
    });
  });

  it("R-CON-3: Yahoo takes its known server; a wrong app password is refused with where to make one", async () => {
    const wrong = await call(ana, "POST", "/api/v1/connections", {
      provider: "yahoo",
      accountAddress: "ana.ruiz@yahoo.test",
      password: "my-yahoo-password",
    });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json().detail).toMatch(
      /Use an app-specific password \(Yahoo Account security → Generate app password\)/,
    );
    const r = await call(ana, "POST", "/api/v1/connections", {
      provider: "yahoo",
      accountAddress: "ana.ruiz@yahoo.test",
      password: "yahoo-app-pass",
    });
    expect(r.statusCode).toBe(201);
    expect(r.json().imapServer).toMatchObject({ host: "imap.mail.yahoo.com", port: 993 });
  });

  it("connections are the owner's only: another user and an admin get 404 for get, edit and stop, and see none in their list", async () => {
    for (const who of [bruno, admin]) {
      expect((await call(who, "GET", `/api/v1/connections/${imapId}`)).statusCode).toBe(404);
      expect(
        (await call(who, "PATCH", `/api/v1/connections/${imapId}`, { backfillDays: 1 })).statusCode,
      ).toBe(404);
      expect((await call(who, "DELETE", `/api/v1/connections/${imapId}`)).statusCode).toBe(404);
      expect((await call(who, "GET", "/api/v1/connections")).json().items).toEqual([]);
      const start = await call(who, "POST", "/api/v1/connections/oauth/start", {
        provider: "google",
        connectionId: imapId,
      });
      expect([404, 503]).toContain(start.statusCode);
    }
    const mine = await call(ana, "GET", `/api/v1/connections/${imapId}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().backfillDays).toBe(30);
    expect((await s.app.inject({ url: `/api/v1/connections/${imapId}` })).statusCode).toBe(401);
  });

  it("R-CON-4: an IMAP connection cannot be edited into calendar sync", async () => {
    const r = await call(ana, "PATCH", `/api/v1/connections/${imapId}`, { syncs: "both" });
    expect(r.statusCode).toBe(422);
    expect(r.json().detail).toMatch(/IMAP account syncs email only/);
  });

  it("R-CON-9: the user picks which calendars sync and where new meetings go, among the account's calendars", async () => {
    const icloud = (await call(ana, "GET", "/api/v1/connections"))
      .json()
      .items.find((c: { provider: string }) => c.provider === "icloud");
    // The sync engine stores the account's calendars as the provider lists them: the primary one preselected.
    await storeListedCalendars(s.ctx.db, icloud.id, [
      { id: "home", name: "Home", primary: true },
      { id: "work", name: "Work", primary: false },
    ]);
    const url = `/api/v1/connections/${icloud.id}`;
    expect((await call(ana, "GET", url)).json().calendars).toEqual([
      { id: "home", name: "Home", primary: true, selected: true },
      { id: "work", name: "Work", primary: false, selected: false },
    ]);

    const unknown = await call(ana, "PATCH", url, { selectedCalendarIds: ["home", "gym"] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().errors).toEqual([
      { path: "body.selectedCalendarIds.1", message: "is not a calendar of this account" },
    ]);
    const notSynced = await call(ana, "PATCH", url, { targetCalendarId: "work" });
    expect(notSynced.statusCode).toBe(422);
    expect(notSynced.json().detail).toMatch(/cannot go to Work: it is not synced/);

    const r = await call(ana, "PATCH", url, {
      selectedCalendarIds: ["home", "work"],
      targetCalendarId: "work",
      backfillDays: 90,
      syncs: "calendar",
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      syncs: "calendar",
      backfillDays: 90,
      targetCalendarId: "work",
      calendars: [
        { id: "home", name: "Home", primary: true, selected: true },
        { id: "work", name: "Work", primary: false, selected: true },
      ],
    });
    expect((await call(ana, "GET", url)).json().targetCalendarId).toBe("work");

    // A later listing keeps the choices, leaves a new calendar unselected, forgets a removed one and its target role.
    await storeListedCalendars(s.ctx.db, icloud.id, [
      { id: "home", name: "Home", primary: true },
      { id: "family", name: "Family", primary: false },
    ]);
    const after = (await call(ana, "GET", url)).json();
    expect(after.calendars).toEqual([
      { id: "home", name: "Home", primary: true, selected: true },
      { id: "family", name: "Family", primary: false, selected: false },
    ]);
    expect(after.targetCalendarId).toBeNull();
  });

  it("R-CON-2: widening a Google connection to calendars needs a new consent: 409 says to reconnect", async () => {
    const google = await insertConnection(s.ctx.db, ana.id, {
      provider: "google",
      accountAddress: "ana.ruiz@gmail.test",
      syncs: "email",
      grantedScopes: ["openid", "email", "https://www.googleapis.com/auth/gmail.readonly"],
    });
    const url = `/api/v1/connections/${google!.id}`;
    const wider = await call(ana, "PATCH", url, { syncs: "both" });
    expect(wider.statusCode).toBe(409);
    expect(wider.json().detail).toMatch(/needs a permission .* \(calendar\): reconnect it/);
    expect((await call(ana, "PATCH", url, { backfillDays: 7 })).json().backfillDays).toBe(7);
  });

  it("R-CON-10: stopping an IMAP connection deletes it and its password, confirms it, and keeps what was logged", async () => {
    const activityId = await logMartasEmail(s, ana);

    const r = await call(ana, "DELETE", `/api/v1/connections/${imapId}`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      id: imapId,
      provider: "imap",
      accountAddress: "ana@acme-iberia.example",
      credentialsDeleted: true,
      revocation: "not-applicable",
      message:
        "Sync with ana@acme-iberia.example stopped and its stored credentials were deleted; everything already synced stays in the CRM. Concilia no longer holds the mail account's password.",
    });
    expect((await call(ana, "GET", `/api/v1/connections/${imapId}`)).statusCode).toBe(404);
    expect(
      await s.ctx.db.select().from(connectionSecrets).where(eq(connectionSecrets.connectionId, imapId)),
    ).toEqual([]);
    expect((await call(ana, "GET", `/api/v1/activities/${activityId}`)).statusCode).toBe(200);
    expect((await call(ana, "DELETE", `/api/v1/connections/${imapId}`)).statusCode).toBe(404);
  });
});
