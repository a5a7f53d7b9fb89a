// R-X-1: the Exchange contact integration reuses a Microsoft connection and needs two more Graph
// permissions: the contacts (Contacts.ReadWrite) and the master category list (MailboxSettings.ReadWrite).
// A reconnect of a connection with the integration asks for them too.
import type { Tx } from "../db/index.js";
import { integrationOf } from "../sync/contacts/settings.js";
import type { Connection } from "./connections.js";

export const EXCHANGE_SCOPES = ["Contacts.ReadWrite", "MailboxSettings.ReadWrite"] as const;

/** The Exchange permissions the connection's grant lacks. */
export function missingExchangeScopes(granted: readonly string[]): string[] {
  const have = new Set(granted.map((s) => s.slice(s.lastIndexOf("/") + 1).toLowerCase()));
  return EXCHANGE_SCOPES.filter((s) => !have.has(s.toLowerCase()));
}

/** The extra scopes a sign-in for this connection asks for: the Exchange ones once it was activated. */
export async function exchangeScopesFor(db: Tx, connection: Connection | null): Promise<string[]> {
  if (connection?.provider !== "microsoft") return [];
  return (await integrationOf(db, connection.id)) ? [...EXCHANGE_SCOPES] : [];
}
