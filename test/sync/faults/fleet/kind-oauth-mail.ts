// Gmail and Graph mailboxes in the emulators: seeded with synthetic mail (30 % with the owner's CRM
// person), new mail delivered while the run goes on, audited against the emulator's mailbox.
import type { MailFacts } from "../../../../emulators/shared/mail.js";
import { normalizeMessageId } from "../../../../shared/message-id.js";
import type { ConnectionKind, FleetConnection, FleetWorld } from "./kinds.js";
import { connectOauth } from "./oauth-connection.js";
import { auditMail, newMessages } from "./owner.js";

const SHARE = 0.3;

function oauthMailKind(name: string, provider: "google" | "microsoft"): ConnectionKind {
  const emulator = (w: FleetWorld) => (provider === "google" ? w.emulators.google : w.emulators.microsoft);
  const deliver = (w: FleetWorld, c: FleetConnection, count: number) =>
    emulator(w).generate(c.account, {
      count,
      share: SHARE,
      participant: { name: "Client", address: c.truth.participant },
      start: new Date(Date.now() - count * 60_000 - 60_000),
      seed: w.serial(),
    });
  return {
    name,
    emulator: provider,
    endpoints: [provider === "google" ? "gmail.*" : "graph.*"],
    pushes: true,
    async seed(w, items) {
      const { owner, connection } = await connectOauth(w, { kind: name, provider });
      const conn: FleetConnection = {
        ...connection,
        seeded: items,
        truth: { participant: owner.participant },
      };
      deliver(w, conn, items);
      return conn;
    },
    change: (w, c) => newMessages((n) => deliver(w, c, n)),
    async audit(w, c) {
      const messages = [...emulator(w).mailbox(c.account).messages.values()] as { facts: MailFacts }[];
      const withParticipant = (f: MailFacts) =>
        [f.from, ...f.to, ...f.cc].some((a) => a?.address.toLowerCase() === c.truth.participant);
      const mustLog = messages
        .filter((m) => withParticipant(m.facts))
        .map((m) => normalizeMessageId(m.facts.messageId));
      const all = messages.map((m) => normalizeMessageId(m.facts.messageId));
      return auditMail(w, c.userId, mustLog, all);
    },
  };
}

export const gmailKind = oauthMailKind("gmail", "google");
export const graphKind = oauthMailKind("graph", "microsoft");
