// What the sync engine does with a provider session, reduced to what the provider tests need: list a
// scope's pages until no more, fetch every item; and small dated messages to seed mailboxes with.
import type { ChangedItem, FetchedItem, MailSession, SyncScope } from "../../server/providers/types.js";

export const NOW = Date.UTC(2026, 10, 30, 9, 0, 0);

let serial = 0;

/** A small message dated `daysAgo` before NOW. */
export function mail(o: { from?: string; to?: string; daysAgo?: number; subject?: string } = {}) {
  const n = ++serial;
  const date = new Date(NOW - (o.daysAgo ?? 1) * 86_400_000 + n * 1000);
  const messageId = `<m${n}.${date.getTime()}@mail.example>`;
  const raw = [
    `From: ${o.from ?? "Marta <marta@acme-iberia.example>"}`,
    `To: ${o.to ?? "Ana <ana@acme.test>"}`,
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
export async function syncScope(session: MailSession, scope: SyncScope, cursor: unknown, limit = 1000) {
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
