// Automatic logging (R-MAIL-1..4, R-MAIL-7, R-MAIL-8): what mail sync stores, what it skips and why,
// and what the sidebars' context then says about the message.
import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { authenticate } from "../../server/auth/authenticate.js";
import type { AuthUser } from "../../server/auth/user.js";
import { createConnection } from "../../server/connections/connections.js";
import { activities, mailSkips } from "../../server/db/schema.js";
import { type AutoMeta, ingestAutomatic, skipCounts } from "../../server/mail/auto-log.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { logRaw } from "../harness/logged-mail.js";

let serial = 0;
/** A realistic message: the headers given, then a plain text body. */
function mail(headers: Record<string, string>, body = "Hello Ana,\r\n\r\nsee you Thursday.\r\n"): Buffer {
  const all: Record<string, string> = {
    Date: "Tue, 24 Nov 2026 10:15:00 +0100",
    Subject: "Thursday",
    "Message-ID": `<m${++serial}.${Date.now()}@mx.example>`,
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=utf-8",
    ...headers,
  };
  const head = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${head.join("\r\n")}\r\n\r\n${body}`);
}
const idOf = (raw: Buffer) => /Message-ID: <([^>]+)>/i.exec(raw.toString())?.[1] ?? "";
const inbox: AutoMeta = { source: "gmail", providerId: "18c2f0a1", folderRole: "inbox" };

describe.each(engines)("automatic logging (%s)", (engine) => {
  let s: TestServer;
  type U = { id: string; token: string; email: string };
  let ana: U;
  let bo: U;
  let boss: U;
  let anaUser: AuthUser;
  let boUser: AuthUser;

  const api = (
    token: string,
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    url: string,
    payload?: unknown,
  ) =>
    s.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: payload as object });
  const logByHand = (raw: Buffer, token = ana.token) => logRaw(s, token, raw);
  const auto = (raw: Buffer, user = anaUser, meta = inbox) => ingestAutomatic(s.ctx, user, raw, meta);
  const context = async (raw: Buffer, addresses: string[], token = ana.token) => {
    const q = [...addresses.map((a) => `address=${encodeURIComponent(a)}`), `messageId=${idOf(raw)}`].join(
      "&",
    );
    const r = await api(token, "GET", `/api/v1/context?${q}`);
    expect(r.statusCode, r.body).toBe(200);
    return r.json().logState;
  };
  const stored = async (messageId: string, ownerId = ana.id) =>
    s.ctx.db
      .select()
      .from(activities)
      .where(and(eq(activities.ownerId, ownerId), eq(activities.messageId, messageId)));
  const skips = async (messageId: string) =>
    s.ctx.db.select().from(mailSkips).where(eq(mailSkips.messageId, messageId));

  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@acme.test", { name: "Ana" });
    bo = await s.user("bo@acme.test", { name: "Bo" });
    boss = await s.user("boss@acme.test", { name: "Boss", role: "admin" });
    const me = async (token: string) => {
      const u = await authenticate(s.ctx, `Bearer ${token}`);
      if (!u) throw new Error("token not accepted");
      return u;
    };
    anaUser = await me(ana.token);
    boUser = await me(bo.token);
    const make = async (url: string, body: object, token = ana.token) => {
      const r = await api(token, "POST", url, body);
      expect(r.statusCode, r.body).toBe(201);
    };
    await make("/api/v1/persons", { firstName: "Carla", lastName: "Client", emails: ["carla@client.test"] });
    await make("/api/v1/persons", { firstName: "Pat", lastName: "Family", emails: ["pat@family.test"] });
    await make("/api/v1/persons", { firstName: "Colin", lastName: "Colleague", emails: ["colin@acme.test"] });
    await make("/api/v1/companies", {
      name: "Partner SA",
      emails: ["info@partner.test", "ops@eu.partner.test"],
    });
    await make(
      "/api/v1/persons",
      { firstName: "Carla", lastName: "Client", emails: ["carla@client.test"] },
      bo.token,
    );
  });
  afterAll(() => s?.close());

  it("R-MAIL-1, R-MAIL-4: a message from a CRM person is logged with source auto, and seeing it again answers the same activity", async () => {
    const raw = mail({ From: "Carla Client <carla@client.test>", To: "Ana <ana@acme.test>" });
    const first = await auto(raw);
    expect(first.outcome).toBe("logged");
    const again = await auto(raw, anaUser, { source: "imap", providerId: "4711", folderRole: "inbox" });
    expect(again).toEqual({
      outcome: "already-logged",
      activityId: (first as { activityId: string }).activityId,
    });
    const rows = await stored(idOf(raw));
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toBe("auto");
    expect(await skips(idOf(raw))).toEqual([]);
    expect(await context(raw, ["carla@client.test", "ana@acme.test"])).toMatchObject({
      status: "logged",
      by: "automatically",
      activityId: rows[0].id,
    });
  });

  it("R-MAIL-3: an automatically logged activity refuses PATCH and DELETE with 409 and stays as it was", async () => {
    const raw = mail({ From: "carla@client.test", To: "ana@acme.test", Subject: "Order 118" });
    const r = await auto(raw);
    if (r.outcome !== "logged") throw new Error(`not logged: ${JSON.stringify(r)}`);
    const patch = await api(ana.token, "PATCH", `/api/v1/activities/${r.activityId}`, { subject: "Changed" });
    expect(patch.statusCode).toBe(409);
    expect(patch.headers["content-type"]).toContain("application/problem+json");
    expect(patch.json().detail).toMatch(/logged automatically from email and is read-only/);
    const del = await api(ana.token, "DELETE", `/api/v1/activities/${r.activityId}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().detail).toMatch(/read-only/);
    const got = await api(ana.token, "GET", `/api/v1/activities/${r.activityId}`);
    expect(got.json()).toMatchObject({ subject: "Order 118", readOnly: true, source: "auto" });
  });

  it("R-MAIL-2: a message without any CRM participant is not stored; the skip keeps only its Message-ID and reason", async () => {
    const raw = mail({ From: "Stranger <stranger@nowhere.test>", To: "ana@acme.test", Subject: "Quote?" });
    expect(await auto(raw)).toEqual({
      outcome: "skipped",
      reason: "no-crm-participant",
      messageId: idOf(raw),
      detail: null,
    });
    expect(await stored(idOf(raw))).toEqual([]);
    const [skip] = await skips(idOf(raw));
    expect(skip).toMatchObject({ userId: ana.id, reason: "no-crm-participant", source: "gmail" });
    expect(await context(raw, ["stranger@nowhere.test", "ana@acme.test"])).toEqual({
      status: "not-logged",
      reason: "no-crm-participant",
      detail: null,
      seenBySync: true,
    });
  });

  it("R-MAIL-7: internal mail (every address in the workspace's domains) is skipped, even with a colleague in the CRM", async () => {
    const raw = mail({ From: "Bo <bo@acme.test>", To: "ana@acme.test", Cc: "colin@acme.test" });
    expect(await auto(raw)).toMatchObject({ outcome: "skipped", reason: "internal" });
    expect(await stored(idOf(raw))).toEqual([]);
    // One outside address makes it external: Carla is in the CRM, so it is logged.
    const external = mail({ From: "bo@acme.test", To: "ana@acme.test", Cc: "carla@client.test" });
    expect((await auto(external)).outcome).toBe("logged");
  });

  const automated: [string, Record<string, string>][] = [
    ["Auto-Submitted: auto-replied", { "Auto-Submitted": "auto-replied" }],
    ["Auto-Submitted: auto-generated", { "Auto-Submitted": "auto-generated" }],
    ["Precedence: bulk", { Precedence: "bulk" }],
    ["Precedence: list", { Precedence: "list" }],
    ["Precedence: junk", { Precedence: "junk" }],
    ["List-Unsubscribe", { "List-Unsubscribe": "<https://client.test/u?x=1>, <mailto:unsub@client.test>" }],
    ["List-Id", { "List-Id": "Client news <news.client.test>" }],
  ];
  it.each(automated)(
    "R-MAIL-7: a message from a CRM person with %s is automated and skipped",
    async (name, headers) => {
      const raw = mail({ From: "Carla Client <carla@client.test>", To: "ana@acme.test", ...headers });
      const r = await auto(raw);
      expect(r).toMatchObject({ outcome: "skipped", reason: "automated" });
      expect((r as { detail: string }).detail).toContain(name.split(":")[0]);
      expect(await stored(idOf(raw))).toEqual([]);
    },
  );

  it.each(["noreply", "no-reply", "do-not-reply", "mailer-daemon", "postmaster", "MAILER-DAEMON"])(
    "R-MAIL-7: a message from %s@ a CRM company's domain is automated and skipped",
    async (local) => {
      const raw = mail({ From: `${local}@partner.test`, To: "ana@acme.test", Cc: "info@partner.test" });
      expect(await auto(raw)).toMatchObject({ outcome: "skipped", reason: "automated" });
    },
  );

  it("R-MAIL-7: Auto-Submitted: no is a person's message, and it is logged", async () => {
    const raw = mail({ From: "carla@client.test", To: "ana@acme.test", "Auto-Submitted": "no" });
    expect((await auto(raw)).outcome).toBe("logged");
  });

  it("R-MAIL-7: a workspace never-log domain (subdomains too) and a user's never-log address skip mail whose CRM participants are all listed", async () => {
    expect(
      (await api(boss.token, "PUT", "/api/v1/admin/never-log", { entries: ["Partner.test"] })).statusCode,
    ).toBe(200);
    expect(
      (await api(ana.token, "PUT", "/api/v1/never-log", { entries: ["pat@family.test"] })).statusCode,
    ).toBe(200);

    const fromPartner = mail({ From: "info@partner.test", To: "ana@acme.test", Cc: "ops@eu.partner.test" });
    expect(await auto(fromPartner)).toMatchObject({
      outcome: "skipped",
      reason: "never-log",
      detail: "partner.test",
    });
    const fromPat = mail({ From: "Pat <pat@family.test>", To: "ana@acme.test", Cc: "stranger@nowhere.test" });
    expect(await auto(fromPat)).toMatchObject({
      outcome: "skipped",
      reason: "never-log",
      detail: "pat@family.test",
    });
    expect(await stored(idOf(fromPat))).toEqual([]);
    expect(await context(fromPat, ["pat@family.test", "ana@acme.test"])).toMatchObject({
      status: "not-logged",
      reason: "never-log",
      detail: "pat@family.test",
    });

    // Ana's own list is hers: Bo's mail from Pat's address is not affected by it (no CRM record of his).
    const toBo = mail({ From: "carla@client.test", To: "bo@acme.test", Cc: "pat@family.test" });
    expect((await auto(toBo, boUser)).outcome).toBe("logged");
  });

  it("R-MAIL-7: a message with one listed and one unlisted CRM participant is stored", async () => {
    const raw = mail({ From: "pat@family.test", To: "ana@acme.test", Cc: "carla@client.test" });
    expect((await auto(raw)).outcome).toBe("logged");
    expect(await stored(idOf(raw))).toHaveLength(1);
  });

  it("R-MAIL-7: the never-log lists and the automated headers are not consulted for a message logged by hand; context then says logged by hand", async () => {
    const raw = mail({ From: "pat@family.test", To: "ana@acme.test", Subject: "Family visit" });
    expect(await auto(raw)).toMatchObject({ outcome: "skipped", reason: "never-log" });
    const hand = await logByHand(raw);
    expect(hand.statusCode, hand.body).toBe(201);
    expect(await context(raw, ["pat@family.test"])).toMatchObject({ status: "logged", by: "hand" });

    const newsletter = mail({
      From: "carla@client.test",
      To: "ana@acme.test",
      "List-Id": "<news.client.test>",
    });
    expect(await auto(newsletter)).toMatchObject({ outcome: "skipped", reason: "automated" });
    expect((await logByHand(newsletter)).statusCode).toBe(201);
    expect(await context(newsletter, ["carla@client.test"])).toMatchObject({ status: "logged", by: "hand" });
  });

  it("R-MAIL-4: a message logged by hand that sync sees later stays one editable activity", async () => {
    const raw = mail({ From: "carla@client.test", To: "ana@acme.test", Subject: "Contract draft" });
    const hand = await logByHand(raw);
    expect(hand.statusCode).toBe(201);
    const id = hand.json().activityId;
    expect(await auto(raw)).toEqual({ outcome: "already-logged", activityId: id });
    expect(await auto(raw, anaUser, { source: "graph", providerId: "AAMk", folderRole: "inbox" })).toEqual({
      outcome: "already-logged",
      activityId: id,
    });
    const rows = await stored(idOf(raw));
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toBe("manual");
    const patch = await api(ana.token, "PATCH", `/api/v1/activities/${id}`, {
      description: "Signed version follows",
    });
    expect(patch.statusCode, patch.body).toBe(200);
    expect(await context(raw, ["carla@client.test"])).toMatchObject({ status: "logged", by: "hand" });
  });

  it("R-MAIL-4: a message synced automatically and then logged by hand answers the existing activity", async () => {
    const raw = mail({ From: "ana@acme.test", To: "carla@client.test", Subject: "Re: Contract" });
    const r = await auto(raw, anaUser, { source: "imap", providerId: "88", folderRole: "sent" });
    if (r.outcome !== "logged") throw new Error("not logged");
    const hand = await logByHand(raw);
    expect(hand.statusCode).toBe(200);
    expect(hand.json()).toMatchObject({ activityId: r.activityId, alreadyLogged: true });
    expect(await stored(idOf(raw))).toHaveLength(1);
  });

  it("R-MAIL-8: deciding a skip again gives the same answer and keeps one row; counts per source and reason", async () => {
    const raw = mail({ From: "someone@elsewhere.test", To: "ana@acme.test" });
    const a = await auto(raw, anaUser, { source: "imap", providerId: "1", folderRole: "inbox" });
    const b = await auto(raw, anaUser, { source: "graph", providerId: "X", folderRole: "inbox" });
    expect(b).toEqual(a);
    const rows = await skips(idOf(raw));
    expect(rows).toHaveLength(1);
    expect(rows[0].source).toBe("imap"); // where it was first seen

    const counts = await skipCounts(s.ctx.db, ana.id);
    const n = (source: string, reason: string) =>
      counts.find((c) => c.source === source && c.reason === reason)?.count ?? 0;
    expect(n("imap", "no-crm-participant")).toBe(1);
    expect(n("gmail", "automated")).toBe(automated.length + 6 + 1);
    expect(n("gmail", "internal")).toBe(1);
    expect(await skipCounts(s.ctx.db, bo.id)).toEqual([]);
    expect(await skipCounts(s.ctx.db, ana.id, new Date(Date.now() + 60_000))).toEqual([]);
  });

  it("R-MAIL-8: a skip that later becomes loggable (the sender was added to the CRM) is logged and its skip forgotten", async () => {
    const raw = mail({ From: "dora@newclient.test", To: "ana@acme.test" });
    expect(await auto(raw)).toMatchObject({ outcome: "skipped", reason: "no-crm-participant" });
    await api(ana.token, "POST", "/api/v1/persons", { firstName: "Dora", emails: ["dora@newclient.test"] });
    expect((await auto(raw)).outcome).toBe("logged");
    expect(await skips(idOf(raw))).toEqual([]);
  });

  it("R-MAIL-4: two syncs and the Log email button racing on one message make one activity, and every one of them answers it", async () => {
    const raw = mail({ From: "carla@client.test", To: "ana@acme.test", Subject: "Race" });
    const inTx = (meta: AutoMeta) =>
      s.ctx.db.transaction((tx) => ingestAutomatic(s.ctx, anaUser, raw, meta, tx));
    const [a, b, hand] = await Promise.all([
      inTx(inbox),
      inTx({ source: "imap", providerId: "9", folderRole: "inbox" }),
      logByHand(raw),
    ]);
    const rows = await stored(idOf(raw));
    expect(rows).toHaveLength(1);
    for (const r of [a, b]) expect(r).toMatchObject({ activityId: rows[0].id });
    expect(hand.json().activityId).toBe(rows[0].id);
    expect([a.outcome, b.outcome, hand.statusCode === 201 ? "logged" : "already-logged"].sort()).toEqual([
      "already-logged",
      "already-logged",
      "logged",
    ]);
  });

  it("inside the caller's transaction: a rollback stores neither the activity nor the skip", async () => {
    const logged = mail({ From: "carla@client.test", To: "ana@acme.test", Subject: "Rolled back" });
    const skipped = mail({ From: "x@nowhere.test", To: "ana@acme.test" });
    await expect(
      s.ctx.db.transaction(async (tx) => {
        expect((await ingestAutomatic(s.ctx, anaUser, logged, inbox, tx)).outcome).toBe("logged");
        expect((await ingestAutomatic(s.ctx, anaUser, logged, inbox, tx)).outcome).toBe("already-logged");
        expect((await ingestAutomatic(s.ctx, anaUser, skipped, inbox, tx)).outcome).toBe("skipped");
        throw new Error("the step failed");
      }),
    ).rejects.toThrow("the step failed");
    expect(await stored(idOf(logged))).toEqual([]);
    expect(await skips(idOf(skipped))).toEqual([]);
    await s.ctx.db.transaction(async (tx) => {
      expect((await ingestAutomatic(s.ctx, anaUser, logged, inbox, tx)).outcome).toBe("logged");
    });
    expect(await stored(idOf(logged))).toHaveLength(1);
  });

  it("R-MAIL-1: inside the caller's transaction an attachment is stored with its exact bytes", async () => {
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.4\n"),
      Buffer.from([0, 255, 13, 10, 128]),
      Buffer.from("%%EOF"),
    ]);
    const raw = Buffer.from(
      [
        "From: Carla Client <carla@client.test>",
        "To: ana@acme.test",
        "Subject: Signed offer",
        "Date: Tue, 24 Nov 2026 11:00:00 +0100",
        `Message-ID: <offer-${Date.now()}@client.test>`,
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Signed.",
        "--b1",
        'Content-Type: application/pdf; name="offer.pdf"',
        'Content-Disposition: attachment; filename="offer.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        pdf.toString("base64"),
        "--b1--",
        "",
      ].join("\r\n"),
    );
    const r = await s.ctx.db.transaction((tx) => ingestAutomatic(s.ctx, anaUser, raw, inbox, tx));
    if (r.outcome !== "logged") throw new Error(`not logged: ${JSON.stringify(r)}`);
    const activity = (await api(ana.token, "GET", `/api/v1/activities/${r.activityId}`)).json();
    const [file] = activity.email.attachments;
    const bytes = await api(ana.token, "GET", `/api/v1/activities/${r.activityId}/attachments/${file.id}`);
    expect(bytes.rawPayload.equals(pdf)).toBe(true);
  });

  it("R-MAIL-8: before sync sees a message, the context says why it would not be logged from its addresses, or that sync has not seen it yet", async () => {
    const raw = mail({ From: "carla@client.test", To: "bo@acme.test" });
    // Bo has no mail connection: nothing to say, the button logs it.
    expect(await context(raw, ["carla@client.test", "bo@acme.test"], bo.token)).toEqual({
      status: "not-logged",
      reason: null,
      detail: null,
      seenBySync: false,
    });
    await createConnection(s.ctx.db, bo.id, { provider: "imap", accountAddress: "bo@acme.test" });
    expect(await context(raw, ["carla@client.test", "bo@acme.test"], bo.token)).toMatchObject({
      reason: "not-synced-yet",
      seenBySync: false,
    });
    expect(await context(raw, ["colin@acme.test", "bo@acme.test"], bo.token)).toMatchObject({
      reason: "internal",
    });
    expect(await context(raw, ["info@partner.test", "bo@acme.test"], bo.token)).toMatchObject({
      reason: "no-crm-participant", // Partner SA is Ana's: Bo does not see it
    });
    expect(await context(raw, ["info@partner.test", "ana@acme.test"])).toMatchObject({
      reason: "never-log",
      detail: "partner.test",
      seenBySync: false,
    });
  });

  it("R-MAIL-7: an admin sets the internal domains; mail among other domains is then not internal", async () => {
    const def = await api(boss.token, "GET", "/api/v1/admin/internal-domains");
    expect(def.json()).toEqual({ domains: ["acme.test"], isDefault: true });
    const put = await api(boss.token, "PUT", "/api/v1/admin/internal-domains", {
      domains: ["ACME.test", "acme-group.test"],
    });
    expect(put.json()).toEqual({ domains: ["acme-group.test", "acme.test"], isDefault: false });
    const raw = mail({ From: "colin@acme-group.test", To: "ana@acme.test" });
    expect(await auto(raw)).toMatchObject({ reason: "internal" });
    await api(boss.token, "PUT", "/api/v1/admin/internal-domains", { domains: [] });
    const colleague = mail({ From: "bo@acme.test", To: "ana@acme.test", Cc: "colin@acme.test" });
    expect((await auto(colleague)).outcome).toBe("logged");
    const reset = await api(boss.token, "DELETE", "/api/v1/admin/internal-domains");
    expect(reset.json()).toEqual({ domains: ["acme.test"], isDefault: true });
  });

  it("R-MAIL-7: never-log routes — each user reads and writes only his own list; the workspace's list and internal domains are the admin's (403 otherwise)", async () => {
    const put = await api(bo.token, "PUT", "/api/v1/never-log", {
      entries: [" Private@Home.test ", "private@home.test", "@Gym.test"],
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual({ entries: ["gym.test", "private@home.test"] });
    expect((await api(bo.token, "GET", "/api/v1/never-log")).json()).toEqual({
      entries: ["gym.test", "private@home.test"],
    });
    expect((await api(ana.token, "GET", "/api/v1/never-log")).json()).toEqual({
      entries: ["pat@family.test"],
    });
    // An admin has his own list too: the route never shows another user's.
    expect((await api(boss.token, "GET", "/api/v1/never-log")).json()).toEqual({ entries: [] });

    for (const [method, url, body] of [
      ["GET", "/api/v1/admin/never-log", undefined],
      ["PUT", "/api/v1/admin/never-log", { entries: [] }],
      ["GET", "/api/v1/admin/internal-domains", undefined],
      ["PUT", "/api/v1/admin/internal-domains", { domains: [] }],
      ["DELETE", "/api/v1/admin/internal-domains", undefined],
    ] as const) {
      const r = await api(bo.token, method, url, body);
      expect(r.statusCode, `${method} ${url}`).toBe(403);
      expect(r.headers["content-type"]).toContain("application/problem+json");
    }
    expect((await api(boss.token, "GET", "/api/v1/admin/never-log")).json()).toEqual({
      entries: ["partner.test"],
    });

    const bad = await api(ana.token, "PUT", "/api/v1/never-log", {
      entries: ["pat@family.test", "not an address", "x@"],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail ?? JSON.stringify(bad.json())).toMatch(/email address .* or a domain/);
    const many = Array.from({ length: 501 }, (_, i) => `u${i}@many.test`);
    expect((await api(ana.token, "PUT", "/api/v1/never-log", { entries: many })).statusCode).toBe(400);
    expect((await api(ana.token, "GET", "/api/v1/never-log")).json()).toEqual({
      entries: ["pat@family.test"],
    });
    const noDomain = await api(boss.token, "PUT", "/api/v1/admin/internal-domains", {
      domains: ["ana@acme.test"],
    });
    expect(noDomain.statusCode).toBe(400);
  });

  it("R-MAIL-7: the lists that decide a synced message are read in one statement, the admin's internal domains or else the users' own", async () => {
    const sent = engine === "postgres" ? vi.spyOn(pg.Client.prototype, "query") : undefined;
    let texts: string[] = [];
    try {
      const fromPat = mail({ From: "pat@family.test", To: "ana@acme.test" });
      expect(await auto(fromPat)).toMatchObject({ outcome: "skipped", reason: "never-log" });
      const internal = mail({ From: "bo@acme.test", To: "ana@acme.test", Cc: "colin@acme.test" });
      expect(await auto(internal)).toMatchObject({ outcome: "skipped", reason: "internal" });
    } finally {
      texts = (sent?.mock.calls ?? []).map(([q]) =>
        typeof q === "string" ? q : (q as { text: string }).text,
      );
      sent?.mockRestore();
    }
    if (sent) {
      // Two messages: one read of the lists each (it was four statements, one reading every user).
      expect(texts.filter((t) => /\bsettings\b/.test(t))).toHaveLength(2);
      expect(texts.filter((t) => /from "users"/.test(t))).toHaveLength(0);
    }
  });
});
