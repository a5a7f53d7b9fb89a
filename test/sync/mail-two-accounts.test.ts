// One user, two mail connections that see the same messages (a Gmail and a Microsoft 365 account that
// both receive the same mail): their first syncs run at the same moment and write the same Message-IDs.
// Each step writes a page in one transaction; if the two transactions took the rows of some messages
// each and then waited for each other's, PostgreSQL would break the ring only after deadlock_timeout,
// one item at a time, every broken item a failed item tried again later, the first sync stalled for
// seconds. Ingests of one user take turns (server/mail/mail-turn.ts): the second page waits once for
// the first page's commit, then finds its messages logged.
import { eq, sql } from "drizzle-orm";
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
   * Lock waits of this database's sessions, sampled every 50 ms until `done` settles: the longest wait
   * (a waiting statement started at state_change) and how many samples caught two sessions each
   * waiting for the other, a ring only PostgreSQL's deadlock detector ends. PGlite runs one
   * transaction at a time: nothing to sample.
   */
  const lockWaits = async (done: Promise<unknown>) => {
    const seen = { longestMs: 0, rings: 0 };
    if (engine !== "postgres") return seen;
    let settled = false;
    void done.finally(() => {
      settled = true;
    });
    while (!settled) {
      const [row] = rowsOf<{ ms: number | null; rings: number }>(
        await s.ctx.db.execute(sql`
          with waiting as (
            select pid, state_change, pg_blocking_pids(pid) as blockers
            from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'
          )
          select max(extract(epoch from clock_timestamp() - a.state_change) * 1000)::float8 as ms,
                 count(*) filter (where exists (
                   select 1 from waiting b where b.pid = any(a.blockers) and a.pid = any(b.blockers)
                 ))::int as rings
          from waiting a`),
      );
      seen.longestMs = Math.max(seen.longestMs, Number(row?.ms ?? 0));
      seen.rings += Number(row?.rings ?? 0);
      await new Promise((r) => setTimeout(r, 50));
    }
    return seen;
  };

  it("R-MAIL-4: both first syncs at once finish without waiting on each other in a ring or failing an item, and log each message once", {
    timeout: 60_000,
  }, async () => {
    const started = Date.now();
    const both = Promise.all([firstSync(ids.google), firstSync(ids.microsoft)]);
    const waits = await lockWaits(both);
    const [google, microsoft] = await both;
    const took = Date.now() - started;

    // Before the two took turns, each page held some messages' rows and waited for the other's until
    // PostgreSQL broke the ring (after deadlock_timeout, 1 s a message), and those messages failed:
    // rings in every sample for seconds (up to 49 s here), failed items to retry at a later step.
    expect.soft({ google, microsoft, rings: waits.rings }).toEqual({
      google: { failed: 0, result: "idle" },
      microsoft: { failed: 0, result: "idle" },
      rings: 0,
    });
    // Now the second page waits once, for the first one's commit: a page's write time (about 1 s
    // here, 3 s on a loaded machine), never a message's deadlock_timeout over and over.
    expect
      .soft(
        waits.longestMs,
        `longest lock wait ${Math.round(waits.longestMs)} ms; both syncs took ${took} ms`,
      )
      .toBeLessThan(10_000);

    const logged = await loggedEmails(s, ana.id);
    expect(logged.map((l) => l.messageId).sort()).toEqual(
      fifty
        .filter((m) => m.withCrm)
        .map((m) => m.messageId)
        .sort(),
    );
    const skips = await s.ctx.db
      .select({ messageId: mailSkips.messageId })
      .from(mailSkips)
      .where(eq(mailSkips.userId, ana.id));
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
