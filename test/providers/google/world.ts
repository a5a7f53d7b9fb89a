// A Gmail mailbox in the Google emulator (in-process, on Google's real hosts) and a Gmail session
// pointed at it, with a sleep that records the waits instead of taking them.
import { setupServer } from "msw/node";
import { GoogleEmulator } from "../../../emulators/google/emulator.js";
import { gmailSession } from "../../../server/providers/google/index.js";
import type { ChangedItem, FetchedItem, MailSession, SyncScope } from "../../../server/providers/types.js";

export const ANA = "ana@acme.test";
export const NOW = Date.UTC(2026, 10, 30, 9, 0, 0);
/** The connection's backfill window: 60 days. */
export const SINCE = new Date(NOW - 60 * 86_400_000);

export function gmailWorld(o: { pushMinIntervalMs?: number; fetch?: typeof fetch } = {}) {
  const clock = { now: NOW };
  const google = new GoogleEmulator({
    clock: () => clock.now,
    pushMinIntervalMs: o.pushMinIntervalMs,
    fetch: o.fetch,
  });
  const box = google.addAccount(ANA, "Ana Ruiz");
  const { accessToken } = google.issueTokens(ANA);
  const waits: number[] = [];
  const session = gmailSession({
    baseUrl: "https://gmail.googleapis.com",
    accessToken: async () => accessToken,
    since: SINCE,
    retry: { sleep: async (ms) => void waits.push(ms) },
  });
  const server = setupServer(...google.handlers());
  return { clock, google, box, session, waits, server };
}

let serial = 0;

/** A small message dated `daysAgo` before NOW. */
export function mail(o: { from?: string; to?: string; daysAgo?: number; subject?: string } = {}) {
  const n = ++serial;
  const date = new Date(NOW - (o.daysAgo ?? 1) * 86_400_000 + n * 1000);
  const messageId = `<m${n}.${date.getTime()}@mail.example>`;
  const raw = [
    `From: ${o.from ?? "Marta <marta@acme-iberia.example>"}`,
    `To: ${o.to ?? `Ana <${ANA}>`}`,
    `Subject: ${o.subject ?? `Message ${n}`}`,
    `Date: ${date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    `Body of message ${n}: 25 € por unidad.`,
    "",
  ].join("\r\n");
  return { raw, messageId, date };
}

/** What the engine does for one scope: pages until no more, then every item fetched. */
export async function syncScope(session: MailSession, scope: SyncScope, cursor: unknown, limit = 500) {
  const items: ChangedItem[] = [];
  let c = cursor;
  for (;;) {
    const page = await session.listChanges(scope, c, limit);
    items.push(...page.items);
    c = page.cursor;
    if (!page.more) break;
  }
  const fetched: FetchedItem[] = items.length ? await session.fetch(scope, items) : [];
  return { items, fetched, cursor: c };
}

/** Every scope once; the cursors by scope key. */
export async function syncAll(session: MailSession, cursors: Record<string, unknown> = {}) {
  const out: Record<string, Awaited<ReturnType<typeof syncScope>>> = {};
  for (const scope of await session.listScopes())
    out[scope.key] = await syncScope(session, scope, cursors[scope.key] ?? null);
  return out;
}

export const messageIdOf = (raw: Buffer) => /^Message-ID: (.+)$/im.exec(raw.toString("utf8"))?.[1].trim();
