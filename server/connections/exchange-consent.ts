// R-X-1: the Exchange contact integration reuses a Microsoft connection and needs more Graph
// permissions: the contacts (Contacts.ReadWrite), the master category list (MailboxSettings.ReadWrite)
// and, only on a server configured with EXCHANGE_SHARED_CONTACT_FOLDERS, the folders other people shared
// (Contacts.Read.Shared: without it Graph refuses to read them, so the settings could not list them as
// not synced, R-X-5). It is asked for only then: a permission Concilia would never use is not requested.
// A reconnect of a connection with the integration asks for them too.
import type { Config } from "../config.js";
import type { Tx } from "../db/index.js";
import { integrationOf } from "../sync/contacts/settings.js";
import type { Connection } from "./connections.js";

export const EXCHANGE_SCOPES = ["Contacts.ReadWrite", "MailboxSettings.ReadWrite"] as const;
export const SHARED_CONTACTS_SCOPE = "Contacts.Read.Shared";

type SharedConfig = Pick<Config, "EXCHANGE_SHARED_CONTACT_FOLDERS">;

/** The permissions the integration needs on this server. */
export function exchangeScopes(config: SharedConfig): string[] {
  return [
    ...EXCHANGE_SCOPES,
    ...((config.EXCHANGE_SHARED_CONTACT_FOLDERS ?? []).length ? [SHARED_CONTACTS_SCOPE] : []),
  ];
}

const have = (granted: readonly string[]) =>
  new Set(granted.map((s) => s.slice(s.lastIndexOf("/") + 1).toLowerCase()));

/**
 * The Exchange permissions the connection's grant lacks to sync at all. Contacts.Read.Shared is not
 * among them: without it the user's own folders sync all the same, and the folder list says what is
 * missing (`lacksSharedContacts`).
 */
export function missingExchangeScopes(granted: readonly string[]): string[] {
  const held = have(granted);
  return EXCHANGE_SCOPES.filter((s) => !held.has(s.toLowerCase()));
}

/** Whether this server names shared folders that the connection's grant cannot read. */
export function lacksSharedContacts(granted: readonly string[], config: SharedConfig): boolean {
  return (
    exchangeScopes(config).includes(SHARED_CONTACTS_SCOPE) &&
    !have(granted).has(SHARED_CONTACTS_SCOPE.toLowerCase())
  );
}

/** The extra scopes a sign-in for this connection asks for: the Exchange ones once it was activated. */
export async function exchangeScopesFor(
  db: Tx,
  config: SharedConfig,
  connection: Connection | null,
): Promise<string[]> {
  if (connection?.provider !== "microsoft") return [];
  return (await integrationOf(db, connection.id)) ? exchangeScopes(config) : [];
}
