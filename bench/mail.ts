// `npm run bench -- mail`: automatic email logging at volume. A real `concilia serve` (push routes,
// CONCILIA_WORKER=off) and a separate `concilia worker` run as child processes on a throwaway
// PostgreSQL; the Gmail and Graph emulators are served over HTTP from this process, which seeds the
// mailboxes, creates the connections and reads the outcome from the database; a real Dovecot (started
// as `npm test` starts it) holds the IMAP mailbox, seeded through IMAP (bench/_dovecot.ts). Measures
// messages per second of a first sync, provider requests (IMAP commands) per 1,000 messages against the
// minimum, the worker's peak RSS, the latency from a new message to its activity with push on (Gmail
// watch, IMAP IDLE) and off (polling), and audits the result against the ground truth. Writes
// bench/reports/mail.md.
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { and, eq, inArray, sql } from "drizzle-orm";
import { serveEmulators } from "../emulators/serve.js";
import type { MailFacts } from "../emulators/shared/mail.js";
import { createApiToken } from "../server/auth/tokens.js";
import { createConnection, SECRET } from "../server/connections/connections.js";
import { createUser } from "../server/crm/users.js";
import { migrate, openDatabase } from "../server/db/index.js";
import { activities } from "../server/db/schema.js";
import { secretBox } from "../server/secrets/box.js";
import { putSecret } from "../server/secrets/store.js";
import { normalizeMessageId } from "../shared/message-id.js";
import { emulatorEnv, serverSetup, spawnConcilia, untilHealthy } from "./_concilia-processes.js";
import { benchDovecot } from "./_dovecot.js";
import { figure, writeReport, writeResult } from "./_result.js";
import { services } from "./_services.js";

const SHARE = 0.3;
const POLL_SECONDS = 10;
const TOPIC = "projects/concilia-bench/topics/gmail";
const PUSH_TOKEN = randomBytes(24).toString("hex");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Provider = "google" | "microsoft" | "imap";
interface Box {
  provider: Provider;
  email: string;
  participant: string;
  userId: string;
  connectionId: string;
  count: number;
}

/** Resident memory of a process now and at its peak (VmHWM), in MB. */
function rssOf(pid: number): { now: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

const name = (p: Provider) => ({ google: "Gmail", microsoft: "Graph", imap: "Dovecot (IMAP)" })[p];

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export default async function mail(args: string[]): Promise<void> {
  const scale = Number(args[args.indexOf("--scale") + 1]) || 1;
  const counts = {
    google: Math.round(20_000 * scale),
    microsoft: Math.round(20_000 * scale),
    imap: Math.round(5_000 * scale),
  };
  const started = new Date();
  const load = os.loadavg();
  const pg = await services.startPostgres();
  const emu = await serveEmulators({ googlePort: 0, microsoftPort: 0 });
  const imapOwner = "owner-imap@acme.test";
  const imapParticipant = "client-imap@acme-iberia.example";
  const seedStart = Date.now();
  const dovecot = await benchDovecot({
    count: counts.imap,
    share: SHARE,
    owner: imapOwner,
    participant: imapParticipant,
  });
  const seedMs = Date.now() - seedStart;
  const { key, url: serverUrl, env: serverVars } = await serverSetup(pg.url);
  const env: Record<string, string> = {
    ...serverVars,
    ...emulatorEnv(emu),
    GOOGLE_PUBSUB_TOPIC: TOPIC,
    GOOGLE_PUSH_TOKEN: PUSH_TOKEN,
    // The Dovecot (and its counting proxy) listen on loopback.
    CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
    CONCILIA_SYNC_TICK_SECONDS: "1",
    CONCILIA_SYNC_POLL_SECONDS: String(POLL_SECONDS),
    // Pages as large as the providers allow (Gmail 500, Graph 999); a step may take several.
    CONCILIA_SYNC_BATCH_SIZE: "1000",
    CONCILIA_SYNC_STEP_ITEMS: "5000",
  };
  emu.google.push.registerTopic(TOPIC, `${serverUrl}/push/google?token=${PUSH_TOKEN}`);

  const database = await openDatabase({ url: pg.url });
  await migrate(database);
  const db = database.db;
  const ctx = { db, secrets: secretBox(key) };
  const server = spawnConcilia(["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
  let worker: ChildProcess | undefined;
  const lines: string[] = [];
  try {
    await untilHealthy(serverUrl);

    /** The mailbox's owner, a CRM user, with the person `participant` in the CRM; the user's id. */
    const ownerWithClient = async (provider: Provider, email: string, participant: string) => {
      const user = await createUser(db, {
        email,
        name: `Owner ${provider}`,
        role: "member",
        locale: "en",
        aliases: [],
      });
      const { token } = await createApiToken(db, user.id, { name: "bench", scopes: ["crm"] });
      const r = await fetch(`${serverUrl}/api/v1/persons`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ firstName: "Client", lastName: provider, emails: [participant] }),
      });
      if (r.status !== 201) throw new Error(`person: ${r.status} ${await r.text()}`);
      return user.id;
    };

    // Mailboxes, their owners, one CRM person each, and the connections (tokens as OAuth left them).
    const boxes: Box[] = [];
    for (const provider of ["google", "microsoft"] as const) {
      const email = `owner-${provider}@acme.test`;
      const participant = `client-${provider}@acme-iberia.example`;
      const emulator = provider === "google" ? emu.google : emu.microsoft;
      emulator.addAccount(email, `Owner ${provider}`);
      emulator.generate(email, {
        count: counts[provider],
        share: SHARE,
        participant: { name: "Client", address: participant },
        start: new Date(Date.now() - counts[provider] * 60_000 - 3_600_000),
        seed: provider === "google" ? 1 : 2,
      });
      boxes.push({
        provider,
        email,
        participant,
        userId: await ownerWithClient(provider, email, participant),
        connectionId: "",
        count: counts[provider],
      });
    }
    boxes.push({
      provider: "imap",
      email: imapOwner,
      participant: imapParticipant,
      userId: await ownerWithClient("imap", imapOwner, imapParticipant),
      connectionId: "",
      count: counts.imap,
    });
    const latencyProbes = new Map<Provider, string[]>();
    const logged = async (box: Box) => {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(activities)
        .where(and(eq(activities.ownerId, box.userId), eq(activities.type, "email")));
      return Number(row.n);
    };
    const expectedOf = (box: Box) => {
      if (box.provider === "imap") return [...dovecot.expected, ...(latencyProbes.get("imap") ?? [])];
      const emulator = box.provider === "google" ? emu.google : emu.microsoft;
      const messages = [...emulator.mailbox(box.email).messages.values()] as { facts: MailFacts }[];
      return messages
        .filter((m) =>
          [m.facts.from, ...m.facts.to, ...m.facts.cc].some((a) => a?.address === box.participant),
        )
        .map((m) => normalizeMessageId(m.facts.messageId));
    };

    // First sync of both mailboxes at once, by one worker.
    worker = spawnConcilia(["worker"], env);
    const workerPid = worker.pid as number;
    await sleep(1500);
    emu.google.counter.reset();
    emu.microsoft.counter.reset();
    dovecot.reset();
    const t0 = Date.now();
    for (const box of boxes) {
      if (box.provider === "imap") {
        const c = await createConnection(db, box.userId, {
          provider: "imap",
          accountAddress: box.email,
          syncs: "email",
          backfillDays: 60,
          imapServer: { host: dovecot.host, port: dovecot.port, tls: "none", username: dovecot.username },
        });
        await putSecret(ctx, c.id, SECRET.imapPassword, dovecot.password, null);
        box.connectionId = c.id;
        continue;
      }
      const c = await createConnection(db, box.userId, {
        provider: box.provider,
        accountAddress: box.email,
        backfillDays: 60,
      });
      const { refreshToken } = (box.provider === "google" ? emu.google : emu.microsoft).issueTokens(
        box.email,
      );
      await putSecret(ctx, c.id, SECRET.refreshToken, refreshToken, null);
      box.connectionId = c.id;
    }
    const done = new Map<Provider, number>();
    let imapFirstSync: Record<string, number> | null = null;
    // `--minutes N` gives a slow machine longer for the first sync (12 by default).
    const deadline = t0 + (Number(args[args.indexOf("--minutes") + 1]) || 12) * 60_000;
    let peakRss = 0;
    while (done.size < boxes.length && Date.now() < deadline) {
      peakRss = Math.max(peakRss, rssOf(workerPid).peak);
      for (const box of boxes)
        if (!done.has(box.provider) && (await logged(box)) >= expectedOf(box).length) {
          done.set(box.provider, Date.now());
          // The first sync's commands only, not the polls that follow it while the others finish.
          if (box.provider === "imap") imapFirstSync = dovecot.commands();
        }
      await sleep(500);
    }
    const finished = done.size === boxes.length;
    const firstSyncMs = (finished ? Math.max(...done.values()) : Date.now()) - t0;
    const syncedInWindow = boxes.reduce((n, b) => n + b.count, 0);
    const requests = {
      google: emu.google.counter.snapshot(),
      microsoft: emu.microsoft.counter.snapshot(),
    };
    const imapCommands = imapFirstSync ?? dovecot.commands();

    // Latency of a new message with a CRM participant: Gmail with push (watch → Pub/Sub → /push/google),
    // then with its pushes dropped (found by polling).
    const gmail = boxes[0];
    /** A message from the client to the owner, sent now, with Message-ID `id`. */
    const probe = (box: Box, subject: string, id: string) =>
      [
        `From: Client <${box.participant}>`,
        `To: ${box.email}`,
        `Subject: ${subject}`,
        `Date: ${new Date().toUTCString().replace("GMT", "+0000")}`,
        `Message-ID: ${id}`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Ping.",
        "",
      ].join("\r\n");
    /** Milliseconds from `at` until the message is logged for the box's owner; infinite after `timeoutMs`. */
    const loggedAfter = async (box: Box, id: string, at: number, timeoutMs: number) => {
      const messageId = normalizeMessageId(id);
      while (Date.now() - at < timeoutMs) {
        const [row] = await db
          .select({ id: activities.id })
          .from(activities)
          .where(and(eq(activities.ownerId, box.userId), eq(activities.messageId, messageId)));
        if (row) return Date.now() - at;
        await sleep(25);
      }
      return Number.POSITIVE_INFINITY;
    };
    const latency = async (n: number, timeoutMs: number) => {
      const id = `<latency-${n}-${Date.now()}@bench.test>`;
      const at = Date.now();
      await emu.google.seed(gmail.email, probe(gmail, `Latency ${n}`, id), ["INBOX"]);
      return loggedAfter(gmail, id, at, timeoutMs);
    };
    // Latency is measured on an idle worker: let an unfinished first sync end first (bounded).
    for (let i = 0; i < 240 && !finished; i++) {
      if (
        (await Promise.all(boxes.map(async (b) => (await logged(b)) >= expectedOf(b).length))).every(Boolean)
      )
        break;
      await sleep(500);
    }
    const pushOn: number[] = [];
    const watching = emu.google.push.watching(gmail.email) !== undefined;
    for (let i = 0; i < 10; i++) {
      pushOn.push(await latency(i, 15_000));
      await sleep(1100); // Gmail pushes at most once a second per user
    }
    emu.google.faults.set(gmail.email, { notifications: { drop: Number.POSITIVE_INFINITY } });
    const pushOff: number[] = [];
    for (let i = 0; i < 4; i++) pushOff.push(await latency(100 + i, (POLL_SECONDS + 5) * 1000));
    // IMAP: a message appended to the Dovecot INBOX, found through the worker's IDLE watch.
    const imapBox = boxes[2];
    const idle: number[] = [];
    const probes: string[] = [];
    latencyProbes.set("imap", probes);
    for (let i = 0; i < 5; i++) {
      const id = `<idle-${i}-${Date.now()}@bench.test>`;
      probes.push(normalizeMessageId(id));
      const at = Date.now();
      await dovecot.append(probe(imapBox, `IDLE ${i}`, id));
      idle.push(await loggedAfter(imapBox, id, at, (POLL_SECONDS + 5) * 1000));
      await sleep(500);
    }
    peakRss = Math.max(peakRss, rssOf(workerPid).peak);

    // The audit: every message with the CRM person logged exactly once, nothing else.
    const audit = [];
    for (const box of boxes) {
      const want = expectedOf(box);
      const rows = await db
        .select({ messageId: activities.messageId, n: sql<number>`count(*)::int` })
        .from(activities)
        .where(and(eq(activities.ownerId, box.userId), eq(activities.type, "email")))
        .groupBy(activities.messageId);
      const got = new Map(rows.map((r) => [r.messageId ?? "", Number(r.n)]));
      const wantSet = new Set(want);
      audit.push({
        box,
        expected: want.length,
        missing: want.filter((id) => !got.has(id)).length,
        doubled: [...got.values()].filter((n) => n > 1).length,
        extra: [...got.keys()].filter((id) => !wantSet.has(id)).length,
      });
    }
    const skips = await db.execute(sql`select connection_id, status, skip_counts from sync_states`);
    void inArray;

    // ---- report ----
    const total = boxes.reduce((n, b) => n + b.count, 0);
    // Per message read during the first sync (its bodies), so that a sync cut short by the deadline
    // still gives a true ratio.
    const bodiesRead = (provider: Exclude<Provider, "imap">) =>
      requests[provider].perEndpoint[
        provider === "google" ? "gmail.users.messages.get" : "graph.messages.value"
      ] ?? 0;
    const perThousand = (provider: Exclude<Provider, "imap">) =>
      (requests[provider].http / Math.max(1, bodiesRead(provider))) * 1000;
    // The fewest requests a sync can make: list pages (Gmail 500 ids, Graph 999 messages) and bodies
    // in batches of 20.
    const minimum = { google: 1000 / 500 + 1000 / 20, microsoft: 1000 / 999 + 1000 / 20 };
    // IMAP: the adapter fetches each body with its own UID FETCH (memory bounded per message); each page
    // adds a UID SEARCH, a UID FETCH of sizes and dates and the folder's SELECT/EXAMINE.
    const imapTotal = Object.values(imapCommands).reduce((a, b) => a + b, 0);
    const imapPerThousand = (imapTotal / Math.max(1, counts.imap)) * 1000;
    const imapMinimum = 1000 + 3;
    const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "not seen");
    const met = (ok: boolean) => (ok ? "met" : "**missed**");
    const p50on = pct(pushOn, 50);
    const maxOff = Math.max(...pushOff);
    lines.push(
      "# Mail sync benchmark",
      "",
      `Run ${started.toISOString()} by \`npm run bench -- mail\` (bench/mail.ts). ${os.cpus().length} cores, load average ${load.map((l) => l.toFixed(2)).join(" / ")} at the start (the machine is shared with other developers' builds and tests), Node ${process.version}.`,
      "",
      "Set-up: `concilia serve` (push routes, CONCILIA_WORKER=off) and one `concilia worker`, each its own process, on a throwaway PostgreSQL; the Gmail and Graph emulators served over HTTP by the benchmark process, which seeds them and reads the outcome from the database. " +
        `${counts.google.toLocaleString("en")} messages in the Gmail mailbox, ${counts.microsoft.toLocaleString("en")} in the Graph mailbox and ${counts.imap.toLocaleString("en")} in a real Dovecot's INBOX (seeded through IMAP APPEND in ${f(seedMs / 1000)} s, reached through a command-counting loopback proxy), ${SHARE * 100} % with a CRM participant; the three connections created at once and synced by the one worker (CONCILIA_SYNC_BATCH_SIZE=1000, CONCILIA_SYNC_STEP_ITEMS=5000, tick 1 s, poll ${POLL_SECONDS} s, IMAP IDLE on).`,
      "",
      "| measure | result | target | |",
      "|---|---|---|---|",
      finished
        ? `| first sync, all mailboxes (${total.toLocaleString("en")} messages) | ${f(firstSyncMs / 1000)} s, **${f(syncedInWindow / (firstSyncMs / 1000), 0)} messages/s** | | |`
        : `| first sync, all mailboxes (${total.toLocaleString("en")} messages) | not finished within ${f(firstSyncMs / 1000)} s: ${(bodiesRead("google") + bodiesRead("microsoft")).toLocaleString("en")} bodies read, **≈ ${f((bodiesRead("google") + bodiesRead("microsoft")) / (firstSyncMs / 1000), 0)} messages/s** | | |`,
      ...boxes.map(
        (b) =>
          `| ${name(b.provider)}: done after | ${f(((done.get(b.provider) ?? Number.NaN) - t0) / 1000)} s | | |`,
      ),
      `| Gmail HTTP requests per 1,000 messages read (${bodiesRead("google").toLocaleString("en")} read) | ${f(perThousand("google"))} (minimum ${f(minimum.google)}) | ≤ ${f(minimum.google * 1.2)} (1.2 × minimum) | ${met(perThousand("google") <= minimum.google * 1.2)} |`,
      `| Graph HTTP requests per 1,000 messages read (${bodiesRead("microsoft").toLocaleString("en")} read) | ${f(perThousand("microsoft"))} (minimum ${f(minimum.microsoft)}) | ≤ ${f(minimum.microsoft * 1.2)} | ${met(perThousand("microsoft") <= minimum.microsoft * 1.2)} |`,
      `| IMAP commands per 1,000 messages (${counts.imap.toLocaleString("en")} read) | ${f(imapPerThousand)} (minimum with one body FETCH per message: ${f(imapMinimum, 0)}) | ≤ ${f(imapMinimum * 1.2)} (1.2 × minimum) | ${met(imapPerThousand <= imapMinimum * 1.2)} |`,
      `| worker peak RSS (VmHWM) | ${f(peakRss, 0)} MB | < 400 MB | ${met(peakRss < 400)} |`,
      `| new message → activity, push on (Gmail watch → Pub/Sub → /push/google), ${pushOn.length} samples | p50 ${f(p50on / 1000, 2)} s, max ${f(Math.max(...pushOn) / 1000, 2)} s${watching ? "" : " (no Gmail watch was registered)"} | p50 ≤ 2 s | ${met(p50on <= 2000)} |`,
      `| new message → activity, IMAP IDLE (Dovecot → the worker's watch), ${idle.length} samples | p50 ${f(pct(idle, 50) / 1000, 2)} s, max ${f(Math.max(...idle) / 1000, 2)} s | p50 ≤ 2 s | ${met(pct(idle, 50) <= 2000)} |`,
      `| new message → activity, push off (Gmail pushes dropped: polling), ${pushOff.length} samples | p50 ${f(pct(pushOff, 50) / 1000, 2)} s, max ${f(maxOff / 1000, 2)} s | within one polling interval (${POLL_SECONDS} s) | ${met(maxOff <= POLL_SECONDS * 1000)} |`,
      ...audit.map(
        (a) =>
          `| audit ${name(a.box.provider)}: ${a.expected.toLocaleString("en")} messages with a CRM participant | ${a.missing} missing, ${a.doubled} doubled, ${a.extra} logged without reason | 0 / 0 / 0 | ${met(a.missing === 0 && a.doubled === 0 && a.extra === 0)} |`,
      ),
      "",
      "Requests per endpoint during the first sync (batch parts counted under their own endpoint; `http` counts a batch once):",
      "",
      "```json",
      JSON.stringify(requests, null, 1),
      "```",
      "",
      "IMAP commands the worker sent to Dovecot during the first sync (counted by the proxy):",
      "",
      "```json",
      JSON.stringify(imapCommands, null, 1),
      "```",
      "",
      "Sync states at the end:",
      "",
      "```json",
      JSON.stringify((skips as { rows?: unknown[] }).rows ?? skips, null, 1),
      "```",
      "",
      `Push-on samples (ms): ${pushOn.join(", ")}. IMAP IDLE samples (ms): ${idle.join(", ")}. Push-off samples (ms): ${pushOff.join(", ")}.`,
      "",
    );
    const round = (v: number) => Math.round(v * 10) / 10;
    const read = bodiesRead("google") + bodiesRead("microsoft");
    writeResult("mail", [
      figure(
        "first sync throughput, messages/s",
        round((finished ? syncedInWindow : read) / (firstSyncMs / 1000)),
        "messages/s",
      ),
      figure("Gmail HTTP requests per 1,000 messages read", round(perThousand("google")), "", {
        op: "<=",
        value: round(minimum.google * 1.2),
      }),
      figure("Graph HTTP requests per 1,000 messages read", round(perThousand("microsoft")), "", {
        op: "<=",
        value: round(minimum.microsoft * 1.2),
      }),
      figure("IMAP commands per 1,000 messages", round(imapPerThousand), "", {
        op: "<=",
        value: round(imapMinimum * 1.2),
      }),
      figure("worker peak RSS", Math.round(peakRss), "MB", { op: "<", value: 400 }),
      figure("new message → activity, push on, p50", round(p50on / 1000), "s", { op: "<=", value: 2 }),
      figure("new message → activity, IMAP IDLE, p50", round(pct(idle, 50) / 1000), "s", {
        op: "<=",
        value: 2,
      }),
      figure("new message → activity, push off, max", round(maxOff / 1000), "s", {
        op: "<=",
        value: POLL_SECONDS,
      }),
      ...audit.map((a) =>
        figure(
          `audit ${{ google: "Gmail", microsoft: "Graph", imap: "Dovecot (IMAP)" }[a.box.provider]}: missing + doubled + logged without reason`,
          a.missing + a.doubled + a.extra,
          "",
          { op: "==", value: 0 },
        ),
      ),
    ]);
  } finally {
    worker?.kill("SIGTERM");
    server.kill("SIGTERM");
    await sleep(1000);
    worker?.kill("SIGKILL");
    server.kill("SIGKILL");
    await database.close?.();
    await emu.close();
    await dovecot.stop();
    pg.stop();
  }
  writeReport("mail", lines.join("\n"));
  console.log(lines.join("\n"));
}
