// The tests' Dovecot (scripts/services.mjs, started by `npm test`): its address from TEST_IMAP, a fresh
// user per call (appended to the passwd-file Dovecot re-reads), and a direct client to put mail in place.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ImapFlow } from "imapflow";
import type { ImapAccount, ImapTlsMode } from "../../server/providers/imap/client.js";
import { parseAllowance } from "../../server/providers/private-hosts.js";

export interface TestImap {
  host: string;
  plainPort: number;
  tlsPort: number;
  dir: string;
  /** The server's self-signed certificate, to trust in TLS tests. */
  ca: Buffer;
}

export function testImap(): TestImap {
  const value = process.env.TEST_IMAP;
  if (!value)
    throw new Error(
      "TEST_IMAP is not set, so this IMAP test cannot run: run the tests through `npm test` (it starts a " +
        "throwaway Dovecot), or start one with `node scripts/dovecot.mjs` and set the TEST_IMAP it prints.",
    );
  const [host, plain, tls, ...rest] = value.split(":");
  const dir = rest.join(":");
  return {
    host,
    plainPort: Number(plain),
    tlsPort: Number(tls),
    dir,
    ca: fs.readFileSync(path.join(dir, "ca.pem")),
  };
}

/** A connected client of Dovecot's plain port that never idles: to put mail in place and read it back. */
export async function plainImapClient(host: string, port: number, user: string, pass: string) {
  const c = new ImapFlow({
    host,
    port,
    secure: false,
    doSTARTTLS: false,
    auth: { user, pass },
    logger: false,
    disableAutoIdle: true,
  });
  c.on("error", () => {});
  await c.connect();
  return c;
}

/** The tests reach Dovecot on loopback, which production refuses unless configured. */
export const allowLoopback = parseAllowance(["127.0.0.0/8", "::1"]);

export interface TestMailbox {
  username: string;
  password: string;
  account(tls?: ImapTlsMode, host?: string): ImapAccount;
  /** A client signed in directly (no policy), for putting mail in place. */
  admin(): Promise<ImapFlow>;
  append(folder: string, raw: string, date?: Date): Promise<number>;
}

/**
 * A fresh user. `capability` replaces what Dovecot announces after login (one word, a passwd-file
 * extra field), to play an older server.
 */
export async function newMailbox(opts: { capability?: string } = {}): Promise<TestMailbox> {
  const imap = testImap();
  const username = `u${randomBytes(5).toString("hex")}`;
  const password = randomBytes(9).toString("base64url");
  fs.appendFileSync(
    path.join(imap.dir, "users"),
    `${username}:{PLAIN}${password}::::::${opts.capability ? `userdb_imap_capability=${opts.capability}` : ""}\n`,
  );
  // Dovecot looks at the passwd-file at most once a second: a user added within the second of an
  // earlier look-up would not be found yet.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const account = (tls: ImapTlsMode = "none", host = imap.host): ImapAccount => ({
    host,
    port: tls === "implicit" ? imap.tlsPort : imap.plainPort,
    tls,
    username,
    password,
  });
  const admin = () => plainImapClient(imap.host, imap.plainPort, username, password);
  return {
    username,
    password,
    account,
    admin,
    async append(folder, raw, date) {
      const c = await admin();
      try {
        const r = await c.append(folder, raw, [], date);
        const uid = r ? r.uid : undefined;
        if (!uid) throw new Error(`APPEND to ${folder} gave no UID`);
        return uid;
      } finally {
        await c.logout();
      }
    },
  };
}

let counter = 0;
/** A small RFC 5322 message with its own Message-ID. */
export function message(subject: string, opts: { date?: Date; from?: string; to?: string } = {}): string {
  counter++;
  const id = `<${Date.now()}.${counter}.${randomBytes(4).toString("hex")}@test.example>`;
  return [
    `From: ${opts.from ?? "Ana Ruiz <ana@client.example>"}`,
    `To: ${opts.to ?? "Me <me@concilia.example>"}`,
    `Subject: ${subject}`,
    `Date: ${(opts.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${id}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Body of ${subject}.`,
    "",
  ].join("\r\n");
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
