// The contacts benchmark's world: N CRM persons and N Exchange contacts (in the chosen category), a share
// of them the same people by email, a share of the Exchange ones duplicated, and the changes made on each
// side afterwards. Everything is derived from indexes, so the expected end state is known exactly.
import type { GraphContactStore } from "../emulators/microsoft/contact-store.js";
import { searchText } from "../server/crm/search-text.js";
import type { Db } from "../server/db/index.js";
import { persons, recordEmails } from "../server/db/schema.js";
import { newId } from "../server/ids.js";

export interface ContactsPlan {
  /** Persons in the CRM, and contacts in Exchange before the duplicates. */
  n: number;
  /** CRM persons 0..overlap-1 are Exchange contacts 0..overlap-1 (same email). */
  overlap: number;
  /** Exchange-only contacts that are in Outlook twice. */
  duplicates: number;
  /** Edits after the first sync on each side; the first `conflicts` of them on the same people. */
  changes: number;
  conflicts: number;
}

export function planFor(scale: number): ContactsPlan {
  const n = Math.max(50, Math.round(20_000 * scale));
  const changes = Math.max(10, Math.round(500 * scale));
  return {
    n,
    overlap: Math.round(n * 0.3),
    duplicates: Math.round(n * 0.02),
    changes,
    conflicts: Math.max(1, Math.round(changes / 10)),
  };
}

export const crmEmail = (i: number) => `crm${i}@bench.example`;
export const exEmail = (i: number, p: ContactsPlan) => (i < p.overlap ? crmEmail(i) : `ex${i}@bench.example`);

/** The CRM persons, in bulk (the API's own path is measured elsewhere): names, an email, a title. */
export async function seedCrm(db: Db, ownerId: string, p: ContactsPlan): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < p.n; from += 1000) {
    const rows = [];
    const emails = [];
    for (let i = from; i < Math.min(p.n, from + 1000); i++) {
      const id = newId();
      ids.push(id);
      const [firstName, lastName] = [`Crm${i}`, `Persona${i}`];
      rows.push({
        id,
        firstName,
        lastName,
        title: "Compras",
        ownerId,
        searchText: searchText({
          names: [firstName, lastName, "Compras"],
          emails: [crmEmail(i)],
          phones: [],
        }),
      });
      emails.push({ recordType: "person" as const, recordId: id, email: crmEmail(i), position: 0 });
    }
    await db.insert(persons).values(rows);
    await db.insert(recordEmails).values(emails);
  }
  return ids;
}

/** The Exchange contacts, filed under the user's category "Clientes"; returns the ids by index. */
export function seedExchange(store: GraphContactStore, p: ContactsPlan): { ids: string[]; twins: string[] } {
  const body = (i: number) => ({
    givenName: i < p.overlap ? `Crm${i}` : `Ex${i}`,
    surname: i < p.overlap ? `Persona${i}` : `Contacto${i}`,
    emailAddresses: [{ address: exEmail(i, p) }],
    categories: ["Clientes"],
  });
  const ids = Array.from({ length: p.n }, (_, i) => store.seed(body(i)).id);
  // The duplicates are copies of Exchange-only contacts (the last ones).
  const twins = Array.from({ length: p.duplicates }, (_, k) => store.seed(body(p.n - 1 - k)).id);
  return { ids, twins };
}
