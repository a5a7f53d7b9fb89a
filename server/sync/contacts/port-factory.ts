// Where the contact sync gets a connection's ContactsPort. The Microsoft Graph implementation registers
// its factory when its module loads (server/providers/graph/contacts-*.ts); tests register an
// in-memory one. With no factory, a connection has no contact scopes, and the integration's routes
// answer that the address book cannot be reached.
import type { ProviderContext } from "../provider.js";
import type { ContactsPort } from "./port.js";

export type ContactsPortFactory = (
  ctx: Pick<ProviderContext, "connection" | "config" | "db" | "secrets" | "log" | "signal">,
) => ContactsPort;

const factories = new Map<string, ContactsPortFactory>();

/** Registers the factory of a provider (`connections.provider`, e.g. "microsoft"). */
export function registerContactsPort(provider: string, factory: ContactsPortFactory): void {
  factories.set(provider, factory);
}

export function contactsPortFor(ctx: Parameters<ContactsPortFactory>[0]): ContactsPort | null {
  return factories.get(ctx.connection.provider)?.(ctx) ?? null;
}
