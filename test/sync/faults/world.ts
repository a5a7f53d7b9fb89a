// The fault tests' world: the Google and Microsoft emulators served over HTTP, a Concilia test server
// pointed at them (its OAuth clients are the emulators' demo clients), and mailboxes whose owner is a
// Concilia user with one CRM person. The ground truth is the emulator's mailbox: every message with
// that person as a participant must end up as exactly one email activity of the owner, and no other.
import { and, eq, inArray } from "drizzle-orm";
import { DEMO_GOOGLE_CLIENT, type GoogleEmulator } from "../../../emulators/google/emulator.js";
import { DEMO_MICROSOFT_CLIENT, type MicrosoftEmulator } from "../../../emulators/microsoft/emulator.js";
import { type ServedEmulators, type ServeOptions, serveEmulators } from "../../../emulators/serve.js";
import type { MailFacts } from "../../../emulators/shared/mail.js";
import { createConnection, SECRET } from "../../../server/connections/connections.js";
import { activities } from "../../../server/db/schema.js";
import { putSecret } from "../../../server/secrets/store.js";
import { runStepExclusive } from "../../../server/sync/run.js";
import { ensureStates, readState } from "../../../server/sync/state-machine.js";
import type { StepReport } from "../../../server/sync/step.js";
import { dueConnections } from "../../../server/sync/tick.js";
import { normalizeMessageId } from "../../../shared/message-id.js";
import { type Engine, startTestServer, type TestServer } from "../../harness/app.js";
import "../../../server/sync/providers.js";

export type MailProvider = "google" | "microsoft";
export const mailProviders: MailProvider[] = ["google", "microsoft"];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Mailbox {
  provider: MailProvider;
  email: string;
  connectionId: string;
  user: { id: string; token: string };
  /** The CRM person's address: messages with it must be logged, the others not. */
  participant: string;
}

export interface FaultWorld {
  server: TestServer;
  emulators: ServedEmulators;
  mailbox(provider: MailProvider, o?: { count?: number; share?: number }): Promise<Mailbox>;
  /** Adds `count` messages (a `share` with the CRM person) to the mailbox's inbox, dated now. */
  deliver(box: Mailbox, count: number, share?: number): void;
  emulator(provider: MailProvider): GoogleEmulator | MicrosoftEmulator;
  /**
   * Waits until the worker has no step of the connection waiting or running: whatever the pushes
   * delivered so far queued has run (a push route queues its step before it answers).
   */
  quiet(box: Mailbox, timeoutMs?: number): Promise<void>;
  /** Runs the connection's steps whenever it is due (as the worker's tick would) until it rests. */
  syncUntilIdle(box: Mailbox, timeoutMs?: number): Promise<StepReport[]>;
  /** Zero duplicates and zero losses: what is missing, doubled or logged without reason. */
  audit(box: Mailbox): Promise<{ expected: number; missing: string[]; doubled: string[]; extra: string[] }>;
  close(): Promise<void>;
}

let serial = 0;

/** The variables a `concilia worker` process needs to sync against this world's emulators. */
export const WORLD_ENV_KEYS = [
  "DATABASE_URL",
  "CONCILIA_SECRET_KEY",
  "GOOGLE_API_URL",
  "GOOGLE_AUTH_URL",
  "GOOGLE_TOKEN_URL",
  "GOOGLE_REVOKE_URL",
  "GOOGLE_OAUTH_CLIENT_ID",
  "GOOGLE_OAUTH_CLIENT_SECRET",
  "MICROSOFT_LOGIN_URL",
  "GRAPH_URL",
  "MICROSOFT_OAUTH_CLIENT_ID",
  "MICROSOFT_OAUTH_CLIENT_SECRET",
] as const;

export async function faultWorld(
  engine: Engine,
  env: Record<string, string> = {},
  serve: Omit<ServeOptions, "googlePort" | "microsoftPort"> = {},
): Promise<FaultWorld> {
  const emulators = await serveEmulators({ ...serve, googlePort: 0, microsoftPort: 0 });
  const { googleUrl, microsoftUrl } = emulators;
  const server = await startTestServer({
    engine,
    env: {
      GOOGLE_API_URL: googleUrl,
      GOOGLE_AUTH_URL: `${googleUrl}/o/oauth2/v2/auth`,
      GOOGLE_TOKEN_URL: `${googleUrl}/token`,
      GOOGLE_REVOKE_URL: `${googleUrl}/revoke`,
      GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret ?? "",
      MICROSOFT_LOGIN_URL: `${microsoftUrl}/common`,
      GRAPH_URL: `${microsoftUrl}/v1.0`,
      MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
      MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret ?? "",
      CONCILIA_SYNC_TICK_SECONDS: "0", // the tests run the due steps themselves
      CONCILIA_SYNC_BATCH_SIZE: "20",
      CONCILIA_SYNC_STEP_ITEMS: "60",
      CONCILIA_SYNC_RETRY_SECONDS: "1",
      // New mail is found by polling within a second (push is tested on its own).
      CONCILIA_SYNC_POLL_SECONDS: "1",
      ...env,
    },
  });
  const emulator = (p: MailProvider) => (p === "google" ? emulators.google : emulators.microsoft);
  const participantOf = new Map<string, string>();

  const world: FaultWorld = {
    server,
    emulators,
    emulator,
    async mailbox(provider, o = {}) {
      const n = ++serial;
      const email = `box${n}-${provider}-${engine}@acme.test`;
      const participant = `client${n}@acme-iberia.example`;
      emulator(provider).addAccount(email, `Owner ${n}`);
      const user = await server.user(email, { name: `Owner ${n}` });
      const person = await server.app.inject({
        method: "POST",
        url: "/api/v1/persons",
        headers: { authorization: `Bearer ${user.token}` },
        payload: { firstName: "Client", lastName: `Number ${n}`, emails: [participant] },
      });
      if (person.statusCode !== 201) throw new Error(`person not created: ${person.body}`);
      const c = await createConnection(server.ctx.db, user.id, { provider, accountAddress: email });
      const { refreshToken } = emulator(provider).issueTokens(email);
      await putSecret(server.ctx, c.id, SECRET.refreshToken, refreshToken, null);
      participantOf.set(email, participant);
      const box = { provider, email, connectionId: c.id, user, participant };
      if (o.count) world.deliver(box, o.count, o.share);
      return box;
    },
    deliver(box, count, share = 0.3) {
      emulator(box.provider).generate(box.email, {
        count,
        share,
        participant: { name: "Client", address: box.participant },
        start: new Date(Date.now() - count * 60_000 - 60_000),
        seed: ++serial,
      });
    },
    async quiet(box, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await server.ctx.database.query<{ n: number }>(
          "select count(*)::int as n from pgboss.job where name = 'sync.step' and singleton_key = $1 and state in ('created', 'retry', 'active')",
          [box.connectionId],
        );
        if (rows[0]!.n === 0) return;
        if (Date.now() > end) throw new Error(`steps of ${box.email} still queued after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    async syncUntilIdle(box, timeoutMs = 20_000) {
      const reports: StepReport[] = [];
      const end = Date.now() + timeoutMs;
      // As the tick does for every connection (and queueSync for a new one): a state to run from.
      await ensureStates(server.ctx.db, new Date(), box.connectionId);
      while (Date.now() < end) {
        const due = await dueConnections(server.ctx, new Date(), [box.connectionId]);
        if (due.length) {
          const r = await runStepExclusive(server.ctx, box.connectionId);
          if (r !== "busy") {
            reports.push(r);
            if (r.result === "idle" || r.result === "blocked" || r.result === "gone") return reports;
            continue;
          }
        }
        await sleep(50);
      }
      const state = await readState(server.ctx.db, box.connectionId);
      throw new Error(`the sync never came to rest: ${JSON.stringify({ state, reports })}`);
    },
    async audit(box) {
      const messages = [...emulator(box.provider).mailbox(box.email).messages.values()] as {
        facts: MailFacts;
      }[];
      const withParticipant = (f: MailFacts) =>
        [f.from, ...f.to, ...f.cc].some((a) => a?.address.toLowerCase() === box.participant);
      const expected = messages
        .filter((m) => withParticipant(m.facts))
        .map((m) => normalizeMessageId(m.facts.messageId));
      const all = messages.map((m) => normalizeMessageId(m.facts.messageId));
      const rows = await server.ctx.db
        .select({ messageId: activities.messageId })
        .from(activities)
        .where(
          and(
            eq(activities.ownerId, box.user.id),
            eq(activities.type, "email"),
            inArray(activities.messageId, all.length ? all : ["-"]),
          ),
        );
      const logged = new Map<string, number>();
      for (const r of rows) if (r.messageId) logged.set(r.messageId, (logged.get(r.messageId) ?? 0) + 1);
      const want = new Set(expected);
      return {
        expected: expected.length,
        missing: expected.filter((id) => !logged.has(id)),
        doubled: [...logged].filter(([, n]) => n > 1).map(([id]) => id),
        extra: [...logged.keys()].filter((id) => !want.has(id)),
      };
    },
    async close() {
      await server.close();
      await emulators.close();
    },
  };
  return world;
}

/** The audit of a mailbox synced without loss or duplicate. */
export const clean = (expected: number) => ({ expected, missing: [], doubled: [], extra: [] });
