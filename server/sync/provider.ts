// What the sync engine needs from a provider (Gmail, Graph, IMAP, CalDAV…). Each provider folder
// (server/providers/<name>/) has the same parts, one file each: `client.ts` (its requests, on
// sync/http-client.ts where it speaks HTTP), `auth.ts` (tokens through secrets/store.ts refreshSecret;
// refused credentials throw SyncError "auth"), `changes.ts` (listScopes, listChanges with its cursor),
// `fetch.ts` (raw items), `write.ts` (the item into the CRM, e.g. the mail ingest), `map.ts` (provider
// payloads to what write takes), and `index.ts`, which calls registerProvider. The engine reaches
// providers only through this registry (loaded by sync/providers.ts from server/providers/index.ts).
import type { Config } from "../config.js";
import type { Connection } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import type { Db, Tx } from "../db/index.js";
import type { Logger } from "../log.js";
import type { SecretBox } from "../secrets/box.js";

/** A folder or calendar the provider follows, e.g. `{ key: "mail:INBOX" }` (keys are stable). */
export interface SyncScope {
  key: string;
  kind: "mail" | "calendar" | "contacts";
  /** Provider data the adapter needs to list it (a folder path, a calendar id). */
  ref?: unknown;
}

/** An item the provider says changed: enough to fetch it. `key` is stable across re-syncs. */
export interface ChangedItem {
  key: string;
  /** JSON the adapter needs to fetch it again (stored with a failed item). */
  ref?: unknown;
}

/** One page of changes after `cursor`, and the cursor that follows them. */
export interface ChangePage {
  items: ChangedItem[];
  /** Opaque JSON, stored after the page's items are written, in the same transaction. */
  cursor: unknown;
  /** More changes wait after this cursor now (another page). */
  more: boolean;
}

/** A fetched item, or why it could not be fetched (a SyncError): that item is retried, then parked. */
export type FetchedItem =
  | { key: string; ref?: unknown; raw: Buffer; meta?: Record<string, unknown> }
  | { key: string; ref?: unknown; error: Error };

/** What writing an item did: stored, or skipped for a reason counted in the status (R-MAIL-8). */
export type WriteOutcome = { stored: true } | { skipped: string };

/** What a provider adapter is given to open a session for one connection. */
export interface ProviderContext {
  connection: Connection;
  config: Config;
  db: Db;
  secrets: SecretBox;
  log: Logger;
  signal: AbortSignal;
  /** The whole server context, for writers that need more than the above (the mail ingest's blobs). */
  app: AppContext;
}

/**
 * One connection's live session. Errors are SyncErrors (errors.ts); `listChanges` throws
 * `cursor-rejected` when the provider no longer accepts the cursor: the engine then lists that scope
 * again from the start (cursor null) and the writer's idempotence keeps it free of duplicates.
 */
export interface ProviderSession {
  listScopes(): Promise<SyncScope[]>;
  /** Changes after `cursor` (null: the start of a full sync), at most `limit` items. */
  listChanges(scope: SyncScope, cursor: unknown, limit: number): Promise<ChangePage>;
  fetch(scope: SyncScope, items: ChangedItem[]): Promise<FetchedItem[]>;
  /**
   * Stores one fetched item inside the step's transaction `tx` (for mail: the ingest pipeline). Must be
   * idempotent on the item's identity (e.g. Message-ID per user): a re-sync writes items again. A throw
   * rolls back only this item (a savepoint) and counts as a failed try of it.
   */
  write(tx: Tx, item: Extract<FetchedItem, { raw: Buffer }>): Promise<WriteOutcome>;
  /**
   * The name a fetched item is known by outside the provider (mail: its Message-ID), kept with it when
   * its write fails, so the sidebars can say that this message failed (R-MAIL-8).
   */
  identify?(item: Extract<FetchedItem, { raw: Buffer }>): string | null;
  close?(): Promise<void>;
}

export interface SyncProvider {
  /** The `connections.provider` value it serves, e.g. "google", "microsoft", "imap". */
  name: string;
  /**
   * Opens a session (authenticates: refreshes tokens through secrets/store.ts refreshSecret). Throws a
   * SyncError `auth` when the credentials are refused, `not-found` when the account is gone.
   */
  open(ctx: ProviderContext): Promise<ProviderSession>;
}

const providers = new Map<string, SyncProvider>();

/** Providers call this when their module is loaded; a later registration of the same name replaces it. */
export function registerProvider(provider: SyncProvider): void {
  providers.set(provider.name, provider);
}

export function providerNamed(name: string): SyncProvider | undefined {
  return providers.get(name);
}

export function registeredProviders(): string[] {
  return [...providers.keys()].sort();
}
