// The provider-side shapes the sync engine consumes (server/sync/provider.ts on the engine's branch):
// declared here structurally so the Gmail and Graph adapters stand alone until they are wired to it.

/** A folder the provider follows, e.g. `{ key: "mail:INBOX", kind: "mail" }`. */
export interface SyncScope {
  key: string;
  kind: "mail" | "calendar";
  ref?: unknown;
}

/** An item the provider says changed: enough to fetch it. `key` is stable across re-syncs. */
export interface ChangedItem {
  key: string;
  ref?: unknown;
}

/** One page of changes after a cursor, the cursor that follows them, and whether more wait now. */
export interface ChangePage {
  items: ChangedItem[];
  cursor: unknown;
  more: boolean;
}

/** A fetched message (its exact RFC 5322 bytes), or why it could not be fetched (a SyncError). */
export type FetchedItem =
  | { key: string; ref?: unknown; raw: Buffer; meta?: Record<string, unknown> }
  | { key: string; ref?: unknown; error: Error };

/** Where a message sits, for the direction of the logged email. */
export type FolderRole = "inbox" | "sent";

/** The mail part of a provider session: what the engine calls to list and read changes. */
export interface MailSession {
  listScopes(): Promise<SyncScope[]>;
  listChanges(scope: SyncScope, cursor: unknown, limit: number): Promise<ChangePage>;
  fetch(scope: SyncScope, items: ChangedItem[]): Promise<FetchedItem[]>;
}
