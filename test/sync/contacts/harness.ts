// A Concilia test server whose "exchange-test" connections sync contacts with an in-memory address
// book (memory-port.ts) through the real contact sync and the real sync engine.
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { createConnection } from "../../../server/connections/connections.js";
import { contactLinks, exchangeIntegrations } from "../../../server/db/schema.js";
import { withExchangeContacts } from "../../../server/sync/contacts/session.js";
import { type ProviderSession, registerProvider } from "../../../server/sync/provider.js";
import { runStepExclusive } from "../../../server/sync/run.js";
import type { TestServer } from "../../harness/app.js";
import { api } from "../mail-e2e.js";
import { MemoryAddressBook } from "./memory-port.js";

const books = new Map<string, MemoryAddressBook>();
const noMail: ProviderSession = {
  listScopes: async () => [],
  listChanges: async () => ({ items: [], cursor: null, more: false }),
  fetch: async () => [],
  write: async () => ({ skipped: "no mail here" }),
};
registerProvider({
  name: "exchange-test",
  open: (ctx) => withExchangeContacts(ctx, noMail, books.get(ctx.connection.id) ?? null),
});

export async function exchangeAccount(
  s: TestServer,
  user: { id: string; email: string },
  o: { categories?: string[]; language?: "en" | "es" | "it" } = {},
) {
  const connection = await createConnection(s.ctx.db, user.id, {
    provider: "exchange-test",
    accountAddress: user.email,
    syncs: "both",
  });
  const book = new MemoryAddressBook();
  books.set(connection.id, book);
  await s.ctx.db.insert(exchangeIntegrations).values({
    connectionId: connection.id,
    categories: o.categories ?? ["Clientes"],
    language: o.language ?? "es",
    // The shared folder is stored too: R-X-5 keeps it out all the same.
    folderIds: ["contacts", "clients", "shared-sales"],
    targetFolderId: "contacts",
  });
  const sync = async () => {
    for (let i = 0; i < 50; i++) {
      const r = await runStepExclusive(s.ctx, connection.id);
      if (r === "busy") continue;
      expect(r.error).toBeUndefined();
      if (r.result !== "more") return r;
    }
    throw new Error("the contact sync never came to rest");
  };
  const links = () =>
    s.ctx.db.select().from(contactLinks).where(eq(contactLinks.connectionId, connection.id));
  return { connection, book, sync, links };
}

export async function person(s: TestServer, who: { token: string }, body: Record<string, unknown>) {
  const r = await api(s, who, "POST", "/api/v1/persons", body);
  expect(r.statusCode).toBe(201);
  return r.json() as { id: string };
}

export async function getPerson(s: TestServer, who: { token: string }, id: string) {
  const r = await api(s, who, "GET", `/api/v1/persons/${id}`);
  return { status: r.statusCode, body: r.json() };
}

export async function listPersons(s: TestServer, who: { token: string }) {
  const r = await api(s, who, "GET", "/api/v1/persons?limit=100");
  expect(r.statusCode).toBe(200);
  return r.json().items as { id: string; firstName: string; lastName: string; emails: string[] }[];
}
