// Where an engine batch stands inside a provider's page. The page is the provider's largest, the
// engine's batch much smaller: each batch's cursor is the page's own cursor plus the number of the
// page's items already given (`skip`) and the page's fingerprint (`page`), so a cursor committed with
// a batch says exactly where the next one starts. A page listed again may differ (an incremental page
// gains the changes made since, in another order): then it is given again from its start, which
// stores nothing twice (the writers are idempotent, R-P-2), where skipping by position could pass
// over an item.
import { createHash } from "node:crypto";

export type InPage = { skip?: number; page?: string };

/** What a page holds, e.g. each item's id and version in order. */
export const fingerprint = (parts: unknown[]) =>
  createHash("sha256").update(JSON.stringify(parts)).digest("base64url").slice(0, 22);

/**
 * The batch of the page's `all` items after `at` (read from a cursor), at most `limit` (at least one),
 * and where the next batch starts, or null when this batch ends the page.
 */
export function batchOfPage<T>(
  all: T[],
  print: string,
  at: InPage,
  limit: number,
): { items: T[]; from: number; next: { skip: number; page: string } | null } {
  const from = at.page === print ? (at.skip ?? 0) : 0;
  const end = from + Math.max(limit, 1);
  const items = all.slice(from, end);
  return { items, from, next: end < all.length ? { skip: end, page: print } : null };
}
