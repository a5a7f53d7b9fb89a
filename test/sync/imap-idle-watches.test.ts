// IMAP push end to end against the tests' Dovecot (R-P-2, provider-contracts §6.5): the working process
// keeps an IDLE watch on the INBOX of each active IMAP connection and queues a sync when mail arrives,
// so a message is logged in seconds while the polling interval is an hour; pausing the connection ends
// its watch, resuming starts it again, and a server without IDLE gets none (the tick polls it).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, SECRET } from "../../server/connections/connections.js";
import { syncStates } from "../../server/db/schema.js";
import { putSecret } from "../../server/secrets/store.js";
import { ensureStates } from "../../server/sync/state-machine.js";
import { imapWatchesOf } from "../../server/working.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { newMailbox, type TestMailbox, testImap } from "../harness/imap.js";
import { api, eventually, loggedEmails, MARTA, rawMail, upToDate, userWithMarta } from "./mail-e2e.js";

describe.each(engines)("IMAP IDLE watches of the worker on %s", (engine) => {
  let s: TestServer;
  let box: TestMailbox;
  let ana: { id: string; token: string };
  let connectionId: string;
  let account: string;

  const watching = () => imapWatchesOf(s.ctx)?.watching() ?? [];
  const fromMarta = (subject: string) =>
    rawMail({ from: `Marta Núñez <${MARTA}>`, to: `Ana <${account}>`, subject, daysAgo: 0 });
  const isLogged = async (messageId: string) =>
    (await loggedEmails(s, ana.id)).some((l) => l.messageId === messageId);
  /**
   * The watches compare themselves with the database every 5 s; a test that just paused, resumed or
   * stopped a connection has them look now (the periodic look is what the first test waits for).
   */
  const refreshWatches = () => imapWatchesOf(s.ctx)?.refresh();
  const count = async (sql: string, values: unknown[]) =>
    (await s.ctx.database.query<{ n: number }>(sql, values)).rows[0]!.n;
  /** Ticks the worker finished after `since`. */
  const ticksSince = (since: Date) =>
    count(
      "select count(*)::int as n from pgboss.job where name = 'sync.tick' and state = 'completed' and completed_on > $1",
      [since],
    );
  /** Steps of the connection waiting or running. */
  const stepsOf = (id: string) =>
    count(
      "select count(*)::int as n from pgboss.job where name = 'sync.step' and singleton_key = $1 and state in ('created', 'retry', 'active')",
      [id],
    );

  async function connect(mailbox: TestMailbox, address: string) {
    const imap = testImap();
    const res = await api(s, ana, "POST", "/api/v1/connections", {
      provider: "imap",
      accountAddress: address,
      host: imap.host,
      port: imap.plainPort,
      tls: "none",
      username: mailbox.username,
      password: mailbox.password,
      syncs: "email",
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      env: {
        CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
        CONCILIA_IMAP_IDLE: "on",
        CONCILIA_SYNC_TICK_SECONDS: "1",
        // An hour: whatever is logged within the test's seconds came through IDLE, not through polling.
        CONCILIA_SYNC_POLL_SECONDS: "3600",
      },
    });
    box = await newMailbox();
    account = `${box.username}@mail.acme.test`;
    ana = await userWithMarta(s, `ana-idle-${engine}@acme.test`);
    connectionId = await connect(box, account);
    await upToDate(s, ana, connectionId);
  });
  afterAll(async () => {
    await s?.close();
  });

  it("R-P-2: a message appended to INBOX is logged within seconds, the polling interval being an hour", async () => {
    await eventually(async () => expect(watching()).toEqual([connectionId]), 15_000);
    const [state] = await s.ctx.db.select().from(syncStates).where(eq(syncStates.connectionId, connectionId));
    expect(state.nextRunAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000); // no poll is near
    const m = fromMarta("Pedido urgente");
    const appended = Date.now();
    await box.append("INBOX", m.raw, m.date);
    await eventually(async () => expect(await isLogged(m.messageId)).toBe(true), 15_000);
    expect(Date.now() - appended).toBeLessThan(15_000);
  });

  it("R-P-2, R-CON-10: a paused connection stops its watch, and new mail waits; resuming watches again", async () => {
    const pause = await api(s, ana, "POST", `/api/v1/connections/${connectionId}/pause`);
    expect(pause.statusCode).toBeLessThan(300);
    await refreshWatches();
    await eventually(async () => expect(watching()).toEqual([]), 15_000);
    const m = fromMarta("Mientras tanto");
    const appended = new Date();
    await box.append("INBOX", m.raw, m.date);
    // Three ticks (one a second) have looked at the paused connection since, and no step of it waits
    // or runs: neither the tick nor a watch synced it.
    await eventually(async () => expect(await ticksSince(appended)).toBeGreaterThanOrEqual(3), 15_000);
    await eventually(async () => expect(await stepsOf(connectionId)).toBe(0), 15_000);
    expect(await isLogged(m.messageId)).toBe(false);

    const resume = await api(s, ana, "POST", `/api/v1/connections/${connectionId}/resume`);
    expect(resume.statusCode).toBeLessThan(300);
    await eventually(async () => expect(await isLogged(m.messageId)).toBe(true), 15_000);
    await refreshWatches();
    await eventually(async () => expect(watching()).toEqual([connectionId]), 15_000);
    const next = fromMarta("De nuevo en línea");
    await box.append("INBOX", next.raw, next.date);
    await eventually(async () => expect(await isLogged(next.messageId)).toBe(true), 15_000);
  });

  it("R-P-2: a server without IDLE gets no watch, and a stopped connection loses its watch", async () => {
    const old = await newMailbox({ capability: "IMAP4rev1" });
    const other = await connect(old, `${old.username}@mail.acme.test`);
    await upToDate(s, ana, other);
    await imapWatchesOf(s.ctx)?.refresh();
    await new Promise((done) => setTimeout(done, 2_000));
    expect(watching()).toEqual([connectionId]);

    const stop = await api(s, ana, "DELETE", `/api/v1/connections/${connectionId}`);
    expect(stop.statusCode).toBeLessThan(300);
    await refreshWatches();
    await eventually(async () => expect(watching()).toEqual([]), 15_000);
  });
});

describe.each(engines)("IMAP IDLE watches and the private-hosts guard on %s", (engine) => {
  let s: TestServer;
  afterAll(async () => {
    await s?.close();
  });

  it("SSRF: a connection whose server is on a private address gets no watch unless CONCILIA_ALLOW_PRIVATE_HOSTS allows it", async () => {
    // No allowance: the tests' Dovecot on 127.0.0.1 must not be reached, even by a stored connection.
    s = await startTestServer({ engine, env: { CONCILIA_IMAP_IDLE: "on", CONCILIA_SYNC_TICK_SECONDS: "0" } });
    const box = await newMailbox();
    const user = await s.user(`bo-idle-${engine}@acme.test`);
    const imap = testImap();
    const c = await createConnection(s.ctx.db, user.id, {
      provider: "imap",
      accountAddress: `${box.username}@mail.acme.test`,
      syncs: "email",
      imapServer: { host: imap.host, port: imap.plainPort, tls: "none", username: box.username },
    });
    await putSecret(s.ctx, c.id, SECRET.imapPassword, box.password, null);
    await ensureStates(s.ctx.db, new Date(), c.id);
    const watches = imapWatchesOf(s.ctx)!;
    await watches.refresh();
    await new Promise((done) => setTimeout(done, 2_000));
    await watches.refresh();
    expect(watches.watching()).toEqual([]);
  });
});
