// Automatic email logging from an IMAP account, end to end against the tests' Dovecot: the account
// added through the connections API (tested, then saved, its first sync queued), the worker's steps
// through the IMAP provider (INBOX and the Sent folder found by SPECIAL-USE under its Italian name) and
// the logging policy into the CRM; a UIDVALIDITY change re-scans the folder without duplicates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, type TestServer } from "../harness/app.js";
import { daysAgo, newMailbox, type TestMailbox, testImap } from "../harness/imap.js";
import {
  api,
  loggedEmails,
  MARTA,
  startMailSyncServer,
  statusOf,
  syncUntilRest,
  thirtyMessages,
  toMarta,
  upToDate,
  userWithMarta,
} from "./mail-e2e.js";

const SENT = "Posta inviata";

describe.each(engines)("IMAP mail sync end to end on %s", (engine) => {
  let s: TestServer;
  let box: TestMailbox;
  let ana: { id: string; token: string };
  let connectionId: string;
  let account: string;
  let seeded: ReturnType<typeof thirtyMessages>;
  const expected: string[] = [];

  const syncNow = () => syncUntilRest(s, connectionId, { attempts: 200 });

  beforeAll(async () => {
    s = await startMailSyncServer(engine, {
      CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
      CONCILIA_SYNC_ITEM_ATTEMPTS: "1",
    });
    box = await newMailbox();
    account = `${box.username}@mail.acme.test`;
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    seeded = thirtyMessages(account).slice(0, 12);
    for (const m of seeded) await box.append(m.sent ? SENT : "INBOX", m.raw, m.date);
    expected.push(...seeded.filter((m) => m.withCrm).map((m) => m.messageId));
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-MAIL-6, R-MAIL-1, R-MAIL-2: an account added through the API syncs INBOX and the localized Sent folder at once; only mail with a CRM participant is logged", async () => {
    const imap = testImap();
    const res = await api(s, ana, "POST", "/api/v1/connections", {
      provider: "imap",
      accountAddress: account,
      host: imap.host,
      port: imap.plainPort,
      tls: "none",
      username: box.username,
      password: box.password,
      syncs: "email",
    });
    expect(res.statusCode).toBe(201);
    connectionId = res.json().id;
    const st = await upToDate(s, ana, connectionId);
    expect(st.skipped).toEqual({ "no-crm-participant": 8 });
    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual([...expected].sort());
    // Both folders gave their mail with Marta: two received, two sent.
    expect(seeded.filter((m) => m.withCrm && m.sent)).toHaveLength(2);
  });

  it("R-MAIL-6: a UIDVALIDITY change re-scans the Sent folder with zero duplicates", async () => {
    const admin = await box.admin();
    try {
      await admin.mailboxDelete(SENT);
      await admin.mailboxCreate(SENT);
      // Re-created with the same messages (new UIDs under a new UIDVALIDITY), and a new one.
      for (const m of seeded.filter((x) => x.sent)) await admin.append(SENT, m.raw, [], m.date);
    } finally {
      await admin.logout();
    }
    const m = toMarta(account, "Después");
    await box.append(SENT, m.raw, daysAgo(0));
    expected.push(m.messageId);
    await syncNow();
    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual([...expected].sort());
    expect(new Set(logged.map((l) => l.messageId)).size).toBe(logged.length);
    await upToDate(s, ana, connectionId);
  });

  it("R-MAIL-8: a message sync could not log shows as failed in the sidebars, with the reason", async () => {
    const messageId = "broken-po@acme-iberia.example";
    const raw = [
      `From: Marta Núñez <${MARTA}>`,
      `To: Ana <${account}>`,
      "Subject: Orden rota",
      `Message-ID: <${messageId}>`,
      `Date: ${new Date().toUTCString()}`,
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed",
      "",
      "no boundary",
      "",
    ].join("\r\n");
    await box.append("INBOX", raw, daysAgo(0));
    await syncNow();
    const st = await statusOf(s, ana, connectionId);
    expect(st.failedItems).toBe(1);
    const url = `/api/v1/context?address=${encodeURIComponent(MARTA)}&messageId=${encodeURIComponent(`<${messageId}>`)}`;
    const context = await api(s, ana, "GET", url);
    expect(context.statusCode).toBe(200);
    expect(context.json().logState).toMatchObject({
      status: "not-logged",
      reason: "failed",
      detail: expect.stringContaining("boundary"),
      seenBySync: true,
    });
  });
});
