// The benchmark's Dovecot mailbox: a throwaway Dovecot started as `npm test` starts it
// (scripts/services.mjs), one user whose INBOX is filled through IMAP APPEND with synthetic mail, and a
// loopback proxy in front of it that counts the commands the worker sends (IMAP has no request counter
// of its own to read).
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { syntheticMail } from "../emulators/shared/synthetic.js";
import { normalizeMessageId } from "../shared/message-id.js";
import { plainImapClient } from "../test/harness/imap.js";
import { services } from "./_services.js";

export interface BenchDovecot {
  host: string;
  /** The counting proxy's port: what the connection is given. */
  port: number;
  username: string;
  password: string;
  /** Message-IDs of the seeded messages with the participant, as the CRM keeps them. */
  expected: string[];
  append(raw: string): Promise<void>;
  /** Commands the worker sent since the last reset, by command name. */
  commands(): Record<string, number>;
  reset(): void;
  stop(): Promise<void>;
}

/** Tagged command lines of a client: `tag NAME …` or `tag UID NAME …`; DONE ends an IDLE. */
const COMMAND = /^[A-Za-z0-9.]+ (UID [A-Za-z]+|[A-Za-z]+)/;

export async function benchDovecot(o: {
  count: number;
  share: number;
  owner: string;
  participant: string;
}): Promise<BenchDovecot> {
  const dovecot = await services.startDovecot();
  const [host, plainPort, , dir] = dovecot.value.split(":");
  const username = "bench";
  const password = "bench-password-0123";
  fs.appendFileSync(path.join(dir, "users"), `${username}:{PLAIN}${password}::::::\n`);
  await new Promise((r) => setTimeout(r, 1100)); // Dovecot re-reads the passwd-file at most once a second

  /** A client of the bench's own (not through the proxy): its commands are not the worker's. */
  const connect = () => plainImapClient(host, Number(plainPort), username, password);
  const client = await connect();
  const mails = syntheticMail({
    owner: { name: "Owner imap", address: o.owner },
    count: o.count,
    participant: { name: "Client", address: o.participant },
    share: o.share,
    start: new Date(Date.now() - o.count * 60_000 - 3_600_000),
    seed: 3,
  });
  for (const m of mails) await client.append("INBOX", m.raw, [], m.facts.date);
  // Not kept open: the first sync takes minutes, and an idle session may be dropped meanwhile.
  await client.logout().catch(() => {});
  const withParticipant = mails.filter((m) =>
    [m.facts.from, ...m.facts.to, ...m.facts.cc].some((a) => a?.address === o.participant),
  );

  let counts: Record<string, number> = {};
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((inbound) => {
    const outbound = net.connect(Number(plainPort), host);
    sockets.add(inbound).add(outbound);
    let partial = "";
    inbound.on("data", (chunk) => {
      const lines = (partial + chunk.toString("latin1")).split("\r\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        const name = COMMAND.exec(line)?.[1]?.toUpperCase();
        if (name) counts[name] = (counts[name] ?? 0) + 1;
      }
    });
    inbound.pipe(outbound).pipe(inbound);
    const end = () => {
      inbound.destroy();
      outbound.destroy();
      sockets.delete(inbound);
      sockets.delete(outbound);
    };
    inbound.on("error", end).on("close", end);
    outbound.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const port = (proxy.address() as net.AddressInfo).port;

  return {
    host: "127.0.0.1",
    port,
    username,
    password,
    expected: withParticipant.map((m) => normalizeMessageId(m.facts.messageId)),
    async append(raw) {
      const c = await connect();
      try {
        await c.append("INBOX", raw, [], new Date());
      } finally {
        await c.logout().catch(() => {});
      }
    },
    commands: () => ({ ...counts }),
    reset() {
      counts = {};
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
      dovecot.stop();
    },
  };
}
