// One user, two mail connections that see the same messages (a Gmail and a Microsoft 365 account that
// both receive the same mail): their first syncs run at the same moment and write the same Message-IDs.
// Each step writes a page in one transaction; if the two transactions took the rows of some messages
// each and then waited for each other's, PostgreSQL would break the ring only after deadlock_timeout,
// one item at a time, every broken item a failed item tried again later, the first sync stalled for
// seconds. Ingests of one user take turns (server/mail/mail-turn.ts): the second page waits once for
// the first page's commit, then finds its messages logged.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_GOOGLE_CLIENT, GoogleEmulator } from "../../emulators/google/emulator.js";
import { DEMO_MICROSOFT_CLIENT, MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { createConnection, SECRET } from "../../server/connections/connections.js";
import { rowsOf } from "../../server/db/index.js";
import { mailSkips } from "../../server/db/schema.js";
import { putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { engines, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import {
  loggedEmails,
  MARTA,
  rawMail,
  routeToEmulator,
  startMailSyncServer,
  statusOf,
  userWithMarta,
} from "./mail-e2e.js";

const GMAIL = "ana.ruiz@gmail.test";
const OUTLOOK = "ana@contoso.test";

/** Fifty messages to both of Ana's accounts; every other one with Marta (logged), the rest skipped. */
const fifty = Array.from({ length: 50 }, (_, i) => {
  const other = i % 2 === 0 ? `Marta Núñez <${MARTA}>` : `Person ${i} <person${i}@elsewhere${i}.example>`;
  return {
    ...rawMail({
      from: other,
      to: `Ana <${GMAIL}>, Ana <${OUTLOOK}>`,
      subject: `Pedido ${i}`,
      daysAgo: 1 + i / 10,
    }),
    withCrm: i % 2 === 0,
  };
});

describe.each(engines)("two connections of one user ingesting the same messages on %s", (engine) => {
  let s: TestServer;
  let msw: ReturnType<typeof routeToEmulator>;
  let ana: { id: string; token: string };
  const ids: Record<"google" | "microsoft", string> = { google: "", microsoft: "" };

  beforeAll(async () => {
    // Pages of fifty: each connection writes every message in one transaction, as a first sync does.
    s = await startMailSyncServer(engine, {
      GOOGLE_OAUTH_CLIENT_ID: DEMO_GOOGLE_CLIENT.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: DEMO_GOOGLE_CLIENT.clientSecret!,
      MICROSOFT_OAUTH_CLIENT_ID: DEMO_MICROSOFT_CLIENT.clientId,
      MICROSOFT_OAUTH_CLIENT_SECRET: DEMO_MICROSOFT_CLIENT.clientSecret!,
      CONCILIA_SYNC_BATCH_SIZE: "50",
    });
    const google = new GoogleEmulator({ fetch: injectFetch(s.app) });
    const microsoft = new MicrosoftEmulator({ fetch: injectFetch(s.app) });
    google.addAccount(GMAIL, "Ana Ruiz");
    microsoft.addAccount(OUTLOOK, "Ana Ruiz");
    msw = routeToEmulator([...google.handlers(), ...microsoft.handlers()]);
    ana = await userWithMarta(s, `ana-${engine}@acme.test`);
    // The two providers list in different orders, as Gmail (newest first) and a Graph delta do.
    for (const m of fifty) await google.seed(GMAIL, m.raw, ["INBOX"]);
    for (const m of [...fifty].reverse()) await microsoft.seed(OUTLOOK, m.raw, ["inbox"]);
    // Connected without queueing a step: the test runs both first syncs itself, at the same moment.
    const tokens = { google: google.issueTokens(GMAIL), microsoft: microsoft.issueTokens(OUTLOOK) };
    for (const provider of ["google", "microsoft"] as const)
      ids[provider] = await s.ctx.db.transaction(async (tx) => {
        const accountAddress = provider === "google" ? GMAIL : OUTLOOK;
        const c = await createConnection(tx, ana.id, { provider, accountAddress, syncs: "email" });
        const token = tokens[provider].refreshToken;
        await putSecret({ db: tx, secrets: s.ctx.secrets }, c.id, SECRET.refreshToken, token, null);
        return c.id;
      });
  });
  afterAll(async () => {
    msw?.close();
    await s?.close();
  });

  /** Steps of the connection until it rests; the items that failed on the way. */
  const firstSync = async (connectionId: string) => {
    let failed = 0;
    for (let i = 0; i < 20; i++) {
      const r = await runStepExclusive(s.ctx, connectionId);
      if (r === "busy") throw new Error("no worker runs these connections");
      failed += r.failed;
      if (r.result !== "more") return { failed, result: r.result };
    }
    throw new Error("the sync never came to rest");
  };

  /**
   * The longest a session of this database has been waiting on a lock, sampled until `done` settles
   * (PostgreSQL: a wait's statement started at state_change; PGlite runs one transaction at a time).
   */
  const longestLockWait = async (done: Promise<unknown>) => {
    if (engine !== "postgres") return 0;
    let settled = false;
    void done.finally(() => {
      settled = true;
    });
    let longest = 0;
    while (!settled) {
      const [row] = rowsOf<{ ms: number | null }>(
        await s.ctx.db.execute(sql`
          select max(extract(epoch from clock_timestamp() - state_change) * 1000)::float8 as ms
          from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`),
      );
      longest = Math.max(longest, Number(row?.ms ?? 0));
      await new Promise((r) => setTimeout(r, 50));
    }
    return longest;
  };

  it("R-MAIL-4, R-P-3: both first syncs at once finish without a failed item or a long lock wait, and log each message once", {
    timeout: 60_000,
  }, async () => {
    const started = Date.now();
    const both = Promise.all([firstSync(ids.google), firstSync(ids.microsoft)]);
    const waited = await longestLockWait(both);
    const [google, microsoft] = await both;
    const took = Date.now() - started;

    // Before the two took turns, each page waited on the other's rows until PostgreSQL broke the ring
    // (1 s a message), and those messages failed: seconds of lock waits, failed items to retry.
    expect.soft({ google, microsoft }).toEqual({
      google: { failed: 0, result: "idle" },
      microsoft: { failed: 0, result: "idle" },
    });
    expect
      .soft(waited, `longest lock wait ${Math.round(waited)} ms; both syncs took ${took} ms`)
      .toBeLessThan(3000);

    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual(
      fifty
        .filter((m) => m.withCrm)
        .map((m) => m.messageId)
        .sort(),
    );
    const skips = await s.ctx.db.select({ messageId: mailSkips.messageId }).from(mailSkips);
    expect(skips.map((k) => k.messageId).sort()).toEqual(
      fifty
        .filter((m) => !m.withCrm)
        .map((m) => m.messageId)
        .sort(),
    );
    for (const id of Object.values(ids))
      expect(await statusOf(s, ana, id)).toMatchObject({
        status: "up_to_date",
        failedItems: 0,
        lastError: null,
      });
  });
});
