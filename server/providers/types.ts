// The shapes a mail provider's session hands the sync engine: the engine's own types (sync/provider.ts),
// plus what only mail providers need.
import type { ChangedItem, ChangePage, FetchedItem, SyncScope } from "../sync/provider.js";

export type { ChangedItem, ChangePage, FetchedItem, SyncScope };

/** Where a message sits, for the direction of the logged email. */
export type FolderRole = "inbox" | "sent";

/** The mail part of a provider session: what the engine calls to list and read changes. */
export interface MailSession {
  listScopes(): Promise<SyncScope[]>;
  listChanges(scope: SyncScope, cursor: unknown, limit: number): Promise<ChangePage>;
  fetch(scope: SyncScope, items: ChangedItem[]): Promise<FetchedItem[]>;
}
