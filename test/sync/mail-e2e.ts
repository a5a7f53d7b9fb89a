// What the end-to-end mail sync tests share: a Concilia test server with a CRM contact, the provider's
// emulator on the network, connections made as the OAuth callback makes them, messages dated relative to
// now, and waits on what a user would see (the sync status, the logged emails).
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { expect } from "vitest";
import { createConnection, type NewConnection, SECRET } from "../../server/connections/connections.js";
import { activities } from "../../server/db/schema.js";
import { tryLockKey } from "../../server/jobs/key-lock.js";
import { putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { queueSync } from "../../server/sync/trigger.js";
import { type Engine, startTestServer, type TestServer } from "../harness/app.js";

export const MARTA = "marta.nunez@acme-iberia.example";

export function rawMail(o: { from: string; to: string; subject: string; daysAgo?: number }) {
  /** As the CRM keeps it: without the angle brackets. */
  const messageId = `${randomBytes(8).toString("hex")}@mail.example`;
  const date = new Date(Date.now() - (o.daysAgo ?? 1) * 86_400_000);
  const raw = [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${messageId}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `${o.subject}: 25 € por unidad.`,
    "",
  ].join("\r\n");
  return { raw, messageId, date };
}

/** A message from Marta to `account`, dated now. */
export const fromMarta = (account: string, subject: string) =>
  rawMail({ from: `Marta Núñez <${MARTA}>`, to: `Ana <${account}>`, subject, daysAgo: 0 });

/** A message from `account` to Marta, dated now. */
export const toMarta = (account: string, subject: string) =>
  rawMail({ from: `Ana <${account}>`, to: `Marta Núñez <${MARTA}>`, subject, daysAgo: 0 });

/**
 * Thirty messages, alternately received and sent by `account`; every third one is with Marta (a CRM
 * contact), the others with people the CRM does not know.
 */
export function thirtyMessages(account: string) {
  return Array.from({ length: 30 }, (_, i) => {
    const other = i % 3 === 0 ? `Marta Núñez <${MARTA}>` : `Person ${i} <person${i}@elsewhere${i}.example>`;
    const sent = i % 2 === 1;
    const m = rawMail({
      from: sent ? `Ana <${account}>` : other,
      to: sent ? other : `Ana <${account}>`,
      subject: `Pedido ${i}`,
      daysAgo: 1 + i / 10,
    });
    return { ...m, sent, withCrm: i % 3 === 0 };
  });
}

/**
 * A test server with no polling (whatever syncs was queued by a connection, a push or the test) and
 * steps of 7 items, so that a first sync of thirty messages takes several steps; `env` adds the rest.
 */
export const startMailSyncServer = (engine: Engine, env: Record<string, string>) =>
  startTestServer({
    engine,
    env: { CONCILIA_SYNC_TICK_SECONDS: "0", CONCILIA_SYNC_BATCH_SIZE: "7", ...env },
  });

/** Sends the provider's requests to its emulator until closed; any other request goes out as it is. */
export function routeToEmulator(handlers: Parameters<typeof setupServer>) {
  const msw = setupServer(...handlers);
  msw.listen({ onUnhandledRequest: "bypass" });
  return msw;
}

/** What the OAuth callback leaves behind: the connection, its refresh token stored, its first sync queued. */
export function connectWithRefreshToken(
  s: TestServer,
  userId: string,
  connection: NewConnection,
  refreshToken: string,
): Promise<string> {
  return s.ctx.db.transaction(async (tx) => {
    const c = await createConnection(tx, userId, connection);
    await putSecret({ db: tx, secrets: s.ctx.secrets }, c.id, SECRET.refreshToken, refreshToken, null);
    await queueSync(s.ctx, tx, c.id);
    return c.id;
  });
}

export async function userWithMarta(s: TestServer, email: string) {
  const user = await s.user(email, { name: "Ana" });
  const r = await api(s, user, "POST", "/api/v1/persons", {
    firstName: "Marta",
    lastName: "Núñez",
    emails: [MARTA],
  });
  expect(r.statusCode).toBe(201);
  return user;
}

export const api = (s: TestServer, who: { token: string }, method: string, url: string, body?: unknown) =>
  s.app.inject({
    method: method as "GET",
    url,
    headers: {
      authorization: `Bearer ${who.token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    payload: body ? JSON.stringify(body) : undefined,
  });

/** What the sign-in popup does: start, consent at the emulated provider, open Concilia's callback page. */
export async function signInThroughPopup(
  s: TestServer,
  who: { token: string },
  start: { provider: "google" | "microsoft"; syncs?: string; connectionId?: string },
) {
  const started = await api(s, who, "POST", "/api/v1/connections/oauth/start", start);
  expect(started.statusCode).toBe(200);
  const back = await fetch(started.json().authorizationUrl, { redirect: "manual" });
  const callback = new URL(back.headers.get("location")!);
  const page = await s.app.inject({ url: callback.pathname + callback.search });
  expect(page.statusCode).toBe(200);
  return page;
}

/** The user's email activities: Message-ID, source. */
export const loggedEmails = (s: TestServer, userId: string) =>
  s.ctx.db
    .select({ id: activities.id, messageId: activities.messageId, source: activities.source })
    .from(activities)
    .where(and(eq(activities.ownerId, userId), eq(activities.type, "email")));

/** Waits until `check` passes (the worker runs the queued steps); the last failure if it never does. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface Status {
  status: string;
  stage: string;
  progress: { done: number; found: number } | null;
  failedItems: number;
  lastError: { kind: string; reason: string } | null;
  skipped: Record<string, number>;
}

export async function statusOf(s: TestServer, who: { token: string }, connectionId: string): Promise<Status> {
  const r = await api(s, who, "GET", `/api/v1/connections/${connectionId}/status`);
  expect(r.statusCode).toBe(200);
  return r.json();
}

/** Waits until the connection asks its user to reconnect; its status then. */
export const reconnectNeeded = (s: TestServer, who: { token: string }, connectionId: string) =>
  eventually(async () => {
    const st = await statusOf(s, who, connectionId);
    expect(st.status).toBe("reconnect_needed");
    return st;
  });

/** Waits for the sync to come to rest up to date; every progress seen on the way has done = found. */
export async function upToDate(s: TestServer, who: { token: string }, connectionId: string) {
  return eventually(async () => {
    const st = await statusOf(s, who, connectionId);
    if (st.progress) expect(st.progress.done).toBe(st.progress.found);
    expect(st).toMatchObject({ status: "up_to_date", stage: "idle", failedItems: 0, lastError: null });
    return st;
  });
}

/**
 * Runs `edit` with the connection's step lease held, so that no step runs meanwhile (a CRM edit queues
 * one at once): for tests whose point is that both sides changed before the next sync.
 */
export async function whileNoStepRuns(s: TestServer, connectionId: string, edit: () => Promise<void>) {
  const lease = await tryLockKey(s.ctx.database, "sync.step", connectionId);
  expect(lease).not.toBeNull();
  try {
    await edit();
  } finally {
    await lease!.release();
  }
}

/**
 * As `syncUntilRest`, answering when each step run here began and ended (ms): requests a test counts
 * are then the ones inside these windows, not a background step's just before or after them.
 */
export async function stepsUntilRest(s: TestServer, connectionId: string, attempts = 100) {
  const windows: [number, number][] = [];
  for (let i = 0; i < attempts; i++) {
    const began = Date.now();
    const r = await runStepExclusive(s.ctx, connectionId);
    if (r === "busy") {
      await new Promise((done) => setTimeout(done, 100));
      continue;
    }
    windows.push([began, Date.now()]);
    if (r.result !== "more") return windows;
  }
  throw new Error("the sync never came to rest");
}

/**
 * Runs the connection's steps here until it rests (a worker may be running one: then waits for it),
 * up to `attempts` steps, `waitMs` apart while busy; the last step's report.
 */
export async function syncUntilRest(
  s: TestServer,
  connectionId: string,
  { attempts = 100, waitMs = 100 }: { attempts?: number; waitMs?: number } = {},
) {
  for (let i = 0; i < attempts; i++) {
    const r = await runStepExclusive(s.ctx, connectionId);
    if (r !== "busy" && r.result !== "more") return r;
    if (r === "busy") await new Promise((done) => setTimeout(done, waitMs));
  }
  throw new Error("the sync never came to rest");
}
