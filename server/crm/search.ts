// The sidebars' search (GET /api/v1/search): persons, companies and leads by name, email or phone.
// Each type gets a fair share of the page, so a hundred matching persons cannot hide the one matching
// company; what a type leaves unused goes to the others.
import type { SearchResult } from "../../shared/api/records.js";
import { badgeFor } from "../../shared/categories.js";
import type { AuthUser } from "../auth/user.js";
import type { Tx } from "../db/index.js";
import { listCompanies } from "./companies.js";
import { listLeads } from "./leads.js";
import { listPersons } from "./persons.js";

export async function searchRecords(
  db: Tx,
  user: AuthUser,
  q: { q: string; limit: number; locale: string },
): Promise<SearchResult[]> {
  // Each type fetches a whole page, so that it can fill what the others leave.
  const page = { q: q.q, limit: q.limit };
  const [p, c, l] = await Promise.all([
    listPersons(db, user, page),
    listCompanies(db, user, page),
    listLeads(db, user, page),
  ]);
  const badge = (x: { categories: Parameters<typeof badgeFor>[0] }) => badgeFor(x.categories, q.locale);
  const [persons, companies, leads] = fairShare([p.items, c.items, l.items], q.limit);
  return [
    ...persons.map((x) => ({
      type: "person" as const,
      id: x.id,
      name: x.name,
      emails: x.emails,
      phones: x.phones,
      companyName: x.company?.name ?? null,
      badge: badge(x),
    })),
    ...companies.map((x) => ({
      type: "company" as const,
      id: x.id,
      name: x.name,
      emails: x.emails,
      phones: x.phones,
      companyName: null,
      badge: badge(x),
    })),
    ...leads.map((x) => ({
      type: "lead" as const,
      id: x.id,
      name: x.name,
      emails: x.emails,
      phones: x.phones,
      companyName: x.companyName,
      badge: badge(x),
    })),
  ];
}

/**
 * Splits `limit` places among the lists, one place at a time to each list that still has items: an
 * equal share each (the earlier lists get the remainder), and a short list's unused places go to
 * the others. Each list keeps its own order.
 */
export function fairShare<T extends unknown[]>(lists: { [K in keyof T]: T[K][] }, limit: number) {
  const taken = lists.map(() => 0);
  for (let left = limit, more = true; left > 0 && more; ) {
    more = false;
    for (let i = 0; i < lists.length && left > 0; i++)
      if (taken[i] < lists[i].length) {
        taken[i]++;
        left--;
        more = true;
      }
  }
  return lists.map((list, i) => list.slice(0, taken[i])) as { [K in keyof T]: T[K][] };
}
