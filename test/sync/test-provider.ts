// An in-memory mail provider for the sync engine's tests: accounts with folders of messages, cursors
// that can be invalidated, and fault knobs (errors on the next calls, items that fail to fetch or to
// write, credentials it refuses, slow calls). Its writer stores items in `test_synced_items`.
import { sql } from "drizzle-orm";
import type { Tx } from "../../server/db/index.js";
import { getSecret } from "../../server/secrets/store.js";
import { SyncError } from "../../server/sync/errors.js";
import {
  type ChangedItem,
  type FetchedItem,
  type ProviderSession,
  registerProvider,
  type SyncProvider,
  type SyncScope,
} from "../../server/sync/provider.js";

export const TEST_PROVIDER = "test";
export const SECRET_NAME = "token";

type Op = "open" | "listScopes" | "listChanges" | "fetch";

export interface TestAccount {
  folders: Map<string, { epoch: number; items: { seq: number; key: string; body: string }[] }>;
  /** Errors thrown by the next calls of each operation, in order (null: that call succeeds). */
  faults: Record<Op, (Error | null)[]>;
  /** Keys whose fetch fails this many more times (Infinity: always). */
  fetchFaults: Map<string, number>;
  /** Keys whose write throws this many more times. */
  writeFaults: Map<string, number>;
  /** Credentials below this version are refused (auth). */
  minSecretVersion: number;
  /** Each call waits this long (to make overlaps observable). */
  delayMs: number;
  /** Calls in flight now and at most: one connection's steps must never overlap. */
  active: number;
  maxActive: number;
  /** Whether the writer ignores an item it already stored (as the mail ingest does, R-MAIL-4). */
  idempotent: boolean;
  /** Replaces the test writer (e.g. with the mail ingest's writer). */
  writer?: ProviderSession["write"];
  /** Called before each operation (may throw, e.g. as a request cut by an abort would). */
  onCall?: (op: Op) => unknown;
  /** Items fetched, by key: how often the provider was asked for each. */
  fetches: Map<string, number>;
}

const accounts = new Map<string, TestAccount>();

export function testAccount(address: string): TestAccount {
  let a = accounts.get(address);
  if (!a) {
    a = {
      folders: new Map(),
      faults: { open: [], listScopes: [], listChanges: [], fetch: [] },
      fetchFaults: new Map(),
      writeFaults: new Map(),
      minSecretVersion: 1,
      delayMs: 0,
      active: 0,
      maxActive: 0,
      idempotent: true,
      fetches: new Map(),
    };
    accounts.set(address, a);
  }
  return a;
}

/** Adds messages to a folder; a body "skip:REASON" is skipped by the writer for that reason. */
export function deliver(account: TestAccount, folder: string, items: { key: string; body?: string }[]) {
  const f = account.folders.get(folder) ?? { epoch: 1, items: [] };
  account.folders.set(folder, f);
  for (const i of items)
    f.items.push({ seq: (f.items.at(-1)?.seq ?? 0) + 1, key: i.key, body: i.body ?? `body of ${i.key}` });
}

/** The provider forgets every cursor of the folder (Gmail 404 on historyId, Graph 410, UIDVALIDITY). */
export function invalidateCursors(account: TestAccount, folder: string) {
  const f = account.folders.get(folder);
  if (f) f.epoch++;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Cursor {
  epoch: number;
  seq: number;
}

function session(account: TestAccount, connectionId: string): ProviderSession {
  const call = async <T>(op: Op, body: () => T | Promise<T>): Promise<T> => {
    account.active++;
    account.maxActive = Math.max(account.maxActive, account.active);
    try {
      if (account.delayMs) await sleep(account.delayMs);
      await account.onCall?.(op);
      const fault = account.faults[op].shift();
      if (fault) throw fault;
      return await body();
    } finally {
      account.active--;
    }
  };
  return {
    listScopes: () =>
      call("listScopes", () =>
        [...account.folders.keys()].map(
          (name): SyncScope => ({ key: `mail:${name}`, kind: "mail", ref: name }),
        ),
      ),
    listChanges: (scope, cursor, limit) =>
      call("listChanges", () => {
        const f = account.folders.get(scope.ref as string);
        if (!f) throw new SyncError("not-found", "The folder is gone.");
        const c = cursor as Cursor | null;
        if (c && c.epoch !== f.epoch)
          throw new SyncError("cursor-rejected", "The provider no longer knows this position.");
        const after = c?.seq ?? 0;
        const rest = f.items.filter((i) => i.seq > after);
        const page = rest.slice(0, limit);
        return {
          items: page.map((i): ChangedItem => ({ key: i.key, ref: { folder: scope.ref, seq: i.seq } })),
          cursor: { epoch: f.epoch, seq: page.at(-1)?.seq ?? after } satisfies Cursor,
          more: rest.length > page.length,
        };
      }),
    fetch: (scope, items) =>
      call("fetch", () =>
        items.map((item): FetchedItem => {
          account.fetches.set(item.key, (account.fetches.get(item.key) ?? 0) + 1);
          const left = account.fetchFaults.get(item.key) ?? 0;
          if (left > 0) {
            account.fetchFaults.set(item.key, left - 1);
            return {
              ...item,
              error: new SyncError("temporary", "The provider could not read this message."),
            };
          }
          const found = account.folders.get(scope.ref as string)?.items.find((i) => i.key === item.key);
          if (!found) return { ...item, error: new SyncError("not-found", "The message was deleted.") };
          return { ...item, raw: Buffer.from(found.body) };
        }),
      ),
    async write(tx: Tx, item) {
      if (account.writer) return account.writer(tx, item);
      const left = account.writeFaults.get(item.key) ?? 0;
      if (left > 0) {
        account.writeFaults.set(item.key, left - 1);
        await tx.execute(
          sql`insert into test_synced_items (connection_id, item_key, body) values (${connectionId}, ${item.key}, 'half-written')`,
        );
        throw new Error("the writer broke on this item");
      }
      const body = item.raw.toString();
      if (body.startsWith("skip:")) return { skipped: body.slice(5) };
      await tx.execute(
        account.idempotent
          ? sql`insert into test_synced_items (connection_id, item_key, body) select ${connectionId}, ${item.key}, ${body}
                where not exists (select 1 from test_synced_items where connection_id = ${connectionId} and item_key = ${item.key})`
          : sql`insert into test_synced_items (connection_id, item_key, body) values (${connectionId}, ${item.key}, ${body})`,
      );
      return { stored: true };
    },
  };
}

export const testProvider: SyncProvider = {
  name: TEST_PROVIDER,
  async open(ctx) {
    const account = testAccount(ctx.connection.accountAddress);
    const fault = account.faults.open.shift();
    if (fault) throw fault;
    const secret = await getSecret({ db: ctx.db, secrets: ctx.secrets }, ctx.connection.id, SECRET_NAME);
    if (!secret || secret.version < account.minSecretVersion)
      throw new SyncError("auth", "The account refused the stored credentials: reconnect it.");
    return session(account, ctx.connection.id);
  },
};

registerProvider(testProvider);

/** The table the test writer stores into (no unique key, so a duplicate would show). */
export const createSyncedItemsTable = (db: { execute: (q: ReturnType<typeof sql>) => Promise<unknown> }) =>
  db.execute(
    sql`create table if not exists test_synced_items (connection_id text not null, item_key text not null, body text not null)`,
  );
