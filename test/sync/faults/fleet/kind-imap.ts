// IMAP mailboxes on the real Dovecot: a fresh mail user per connection, connected through the API
// (with its connectivity test, as a user would), mail appended to INBOX while the run goes on; the
// ground truth is what was appended.
import { randomBytes } from "node:crypto";
import { normalizeMessageId } from "../../../../shared/message-id.js";
import { newMailbox, type TestMailbox, testImap } from "../../../harness/imap.js";
import { type ConnectionKind, expectStatus, type FleetConnection, type FleetWorld } from "./kinds.js";
import { auditMail, newMessages, newOwner } from "./owner.js";

const SHARE = 0.3;

interface ImapTruth {
  box: TestMailbox;
  participant: string;
  owner: string;
  appended: { messageId: string; withCrm: boolean }[];
}

function raw(t: ImapTruth, withCrm: boolean, n: number, date: Date) {
  const id = `<imap-${n}-${randomBytes(4).toString("hex")}@fleet.test>`;
  const from = withCrm ? `Client <${t.participant}>` : `Someone <someone${n}@elsewhere.example>`;
  return {
    messageId: normalizeMessageId(id),
    text: [
      `From: ${from}`,
      `To: Owner <${t.owner}>`,
      `Subject: Fleet message ${n}`,
      `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
      `Message-ID: ${id}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Body ${n}.`,
      "",
    ].join("\r\n"),
  };
}

async function append(w: FleetWorld, t: ImapTruth, count: number) {
  const client = await t.box.admin();
  try {
    for (let i = 0; i < count; i++) {
      const withCrm = Math.random() < SHARE;
      const m = raw(t, withCrm, w.serial(), new Date(Date.now() - (count - i) * 60_000));
      await client.append("INBOX", m.text, [], new Date());
      t.appended.push({ messageId: m.messageId, withCrm });
    }
  } finally {
    await client.logout();
  }
}

export const imapKind: ConnectionKind = {
  name: "imap",
  async seed(w, items) {
    const owner = await newOwner(w, "imap");
    const box = await newMailbox();
    const truth: ImapTruth = { box, participant: owner.participant, owner: owner.email, appended: [] };
    await append(w, truth, items);
    const imap = testImap();
    const r = await w.api(owner.token, "POST", "/api/v1/connections", {
      provider: "imap",
      accountAddress: owner.email,
      host: imap.host,
      port: imap.plainPort,
      tls: "none",
      username: box.username,
      password: box.password,
      syncs: "email",
    });
    return {
      kind: "imap",
      connectionId: expectStatus(r, 201, "IMAP connection refused").id,
      userId: owner.userId,
      token: owner.token,
      account: owner.email,
      seeded: items,
      truth,
    } satisfies FleetConnection;
  },
  change: (w, c) => newMessages((n) => append(w, c.truth, n)),
  audit(w, c) {
    const t = c.truth as ImapTruth;
    return auditMail(
      w,
      c.userId,
      t.appended.filter((m) => m.withCrm).map((m) => m.messageId),
      t.appended.map((m) => m.messageId),
    );
  },
};
