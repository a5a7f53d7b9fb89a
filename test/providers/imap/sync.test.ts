// Mail sync from a real Dovecot (R-MAIL-6, R-P-2): the Sent folder found by its attribute, the first
// sync limited to the backfill window, incremental pages, and a safe re-scan after UIDVALIDITY changes.
import type { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEmail } from "../../../server/mail/parse.js";
import { closeImap, connectImap } from "../../../server/providers/imap/client.js";
import { type ImapFolderCursor, parseImapCursor } from "../../../server/providers/imap/cursor.js";
import { findFolders, type MailFolder } from "../../../server/providers/imap/folders.js";
import { syncFolderPage } from "../../../server/providers/imap/index.js";
import { listChanges } from "../../../server/providers/imap/list-changes.js";
import { allowLoopback, daysAgo, message, newMailbox, type TestMailbox } from "../../harness/imap.js";

const MAX = 10 * 1024 * 1024;

/** Runs pages until `more` is false, as the engine would, storing the cursor through JSON each time. */
async function syncAll(
  client: ImapFlow,
  folder: MailFolder,
  start: unknown,
  opts: { batchSize?: number } = {},
) {
  let stored: unknown = start;
  const subjects: string[] = [];
  const providerIds: string[] = [];
  const rescans: string[] = [];
  let pages = 0;
  for (;;) {
    const page = await syncFolderPage(client, folder, parseImapCursor(stored), { maxBytes: MAX, ...opts });
    pages++;
    if (page.rescan) rescans.push(page.rescan);
    for (const m of page.mail) {
      subjects.push((await parseEmail(m.raw)).subject ?? "");
      providerIds.push(m.providerId);
      expect(m.folderRole).toBe(folder.role);
    }
    stored = JSON.parse(JSON.stringify(page.cursor));
    if (!page.more) break;
    if (pages > 50) throw new Error("sync did not finish");
  }
  return { cursor: stored as ImapFolderCursor, subjects, providerIds, rescans, pages };
}

describe("IMAP mail sync (R-MAIL-6)", () => {
  let box: TestMailbox;
  let client: ImapFlow;
  beforeAll(async () => {
    box = await newMailbox();
    client = await connectImap(box.account("none"), { allowPrivate: allowLoopback });
  });
  afterAll(async () => {
    if (client) await closeImap(client);
  });

  it("R-MAIL-6: the Sent folder is found by its \\Sent attribute although it is called 'Posta inviata'", async () => {
    // A folder literally named "Sent" without the attribute must not win over the real one.
    await client.mailboxCreate("Sent");
    const folders = await findFolders(client);
    expect(folders.inbox).toEqual({ path: "INBOX", role: "inbox" });
    expect(folders.sent).toEqual({ path: "Posta inviata", role: "sent" });
    expect(folders.sentFoundBy).toBe("special-use");
  });

  it("R-P-2: the first sync takes only the backfill window; later syncs take only new mail", async () => {
    // Old mail appended last gets the highest UIDs: the window is about arrival dates, not UIDs.
    await box.append("INBOX", message("recent one", { date: daysAgo(2) }), daysAgo(2));
    await box.append("INBOX", message("too old", { date: daysAgo(90) }), daysAgo(90));
    await box.append("INBOX", message("recent two", { date: daysAgo(10) }), daysAgo(10));
    await box.append("INBOX", message("also too old", { date: daysAgo(45) }), daysAgo(45));
    const inbox: MailFolder = { path: "INBOX", role: "inbox" };

    const first = await syncAll(client, inbox, null, { batchSize: 1 });
    expect(first.subjects).toEqual(["recent one", "recent two"]);
    expect(first.rescans).toEqual(["first-sync"]);
    expect(first.pages).toBeGreaterThanOrEqual(2);
    expect(first.cursor.backfill).toBeNull();
    expect(first.cursor.lastUid).toBe(4);
    const uidValidity = first.cursor.uidValidity;
    expect(first.providerIds).toEqual([`${uidValidity}:1`, `${uidValidity}:3`]);

    const nothing = await syncAll(client, inbox, first.cursor);
    expect(nothing.subjects).toEqual([]);
    expect(nothing.rescans).toEqual([]);

    // New mail after the first sync is taken whatever its date.
    await box.append("INBOX", message("new today"));
    await box.append("INBOX", message("new but dated long ago", { date: daysAgo(400) }), daysAgo(400));
    const next = await syncAll(client, inbox, first.cursor);
    expect(next.subjects).toEqual(["new today", "new but dated long ago"]);
    expect(next.providerIds).toEqual([`${uidValidity}:5`, `${uidValidity}:6`]);
    expect(next.cursor.lastUid).toBe(6);
  });

  it("R-P-2: mail arriving while the first sync pages through the window is not lost", async () => {
    const other = await newMailbox();
    const c = await connectImap(other.account("none"), { allowPrivate: allowLoopback });
    try {
      for (let i = 1; i <= 3; i++)
        await other.append("INBOX", message(`window ${i}`, { date: daysAgo(i) }), daysAgo(i));
      const inbox: MailFolder = { path: "INBOX", role: "inbox" };
      const p1 = await syncFolderPage(c, inbox, null, { maxBytes: MAX, batchSize: 2 });
      expect(p1.mail).toHaveLength(2);
      expect(p1.more).toBe(true);
      await other.append("INBOX", message("arrived meanwhile"));
      const rest = await syncAll(c, inbox, JSON.parse(JSON.stringify(p1.cursor)));
      expect(rest.subjects).toEqual(["window 3", "arrived meanwhile"]);
    } finally {
      await closeImap(c);
    }
  });

  it("R-MAIL-6: the Sent folder is synced with the sent role", async () => {
    await box.append(
      "Posta inviata",
      message("my reply", { from: "me@concilia.example", to: "ana@client.example" }),
    );
    const folders = await findFolders(client);
    if (!folders.sent) throw new Error("no Sent folder");
    const sent = await syncAll(client, folders.sent, null);
    expect(sent.subjects).toEqual(["my reply"]);
  });

  it("R-MAIL-6: a UIDVALIDITY change (the folder re-created) is detected and the window is scanned again", async () => {
    const folders = await findFolders(client);
    if (!folders.sent) throw new Error("no Sent folder");
    const sentFolder = folders.sent;
    await box.append(sentFolder.path, message("sent before"), daysAgo(1));
    const before = await syncAll(client, sentFolder, null);
    expect(before.subjects).toContain("sent before");

    // The server renumbers: delete and re-create the folder with the same mail in it.
    const admin = await box.admin();
    try {
      await admin.mailboxDelete(sentFolder.path);
      await admin.mailboxCreate(sentFolder.path);
    } finally {
      await admin.logout();
    }
    await box.append(sentFolder.path, message("sent before"), daysAgo(1));
    await box.append(sentFolder.path, message("sent after"));

    const after = await syncAll(client, sentFolder, before.cursor);
    expect(after.rescans).toEqual(["uidvalidity-changed"]);
    expect(after.cursor.uidValidity).not.toBe(before.cursor.uidValidity);
    // Both are handed out again; the ingest de-duplicates the first on its Message-ID.
    expect(after.subjects.sort()).toEqual(["sent after", "sent before"]);
    expect(after.providerIds.every((id) => id.startsWith(`${after.cursor.uidValidity}:`))).toBe(true);
  });

  it("R-P-2: cursors are plain JSON and survive a round trip unchanged", async () => {
    await box.append("INBOX", message("for the cursor"));
    const page = await listChanges(client, "INBOX", null, {});
    const text = JSON.stringify(page.cursor);
    const back = parseImapCursor(JSON.parse(text));
    expect(back).toEqual(page.cursor);
    expect(typeof page.cursor.uidValidity).toBe("string");
    expect(page.cursor.highestModseq).toMatch(/^\d+$/);
    // A cursor that does not parse is no cursor: the engine gets a safe re-scan, not a crash.
    expect(parseImapCursor({ v: 1, path: "INBOX", uidValidity: 12 })).toBeNull();
  });

  it("messages above the size limit are reported, not downloaded", async () => {
    const other = await newMailbox();
    const c = await connectImap(other.account("none"), { allowPrivate: allowLoopback });
    try {
      await other.append("INBOX", message("small"));
      await other.append("INBOX", `${message("big")}${"x".repeat(5000)}\r\n`);
      const page = await syncFolderPage(c, { path: "INBOX", role: "inbox" }, null, { maxBytes: 2000 });
      expect(page.mail.map((m) => m.providerId.split(":")[1])).toEqual(["1"]);
      expect(page.skipped).toEqual([
        { providerId: `${page.cursor.uidValidity}:2`, folderRole: "inbox", reason: "too-large" },
      ]);
    } finally {
      await closeImap(c);
    }
  });
});
