// R-MAIL-7: which mail automatic logging leaves out because of who is on it — internal mail and mail
// whose CRM participants are all on a never-log list. Used when a synced message is decided
// (auto-log.ts) and, from the addresses alone, when a sidebar asks why a message is not logged (R-MAIL-8).
import type { Tx } from "../db/index.js";
import { inDomain, internalDomains, listedBy, userNeverLog, workspaceNeverLog } from "./never-log.js";

export interface LogPolicy {
  /** The workspace's list and the user's own, together. */
  neverLog: string[];
  internalDomains: string[];
}

export async function loadPolicy(db: Tx, userId: string): Promise<LogPolicy> {
  // One after the other: in a transaction they share one connection anyway.
  const workspace = await workspaceNeverLog(db);
  const own = await userNeverLog(db, userId);
  const internal = await internalDomains(db);
  return { neverLog: [...workspace, ...own], internalDomains: internal.domains };
}

/** Every address of the message (the user's own too) is in one of the workspace's domains. */
export function isInternal(addresses: readonly string[], domains: readonly string[]): boolean {
  return addresses.length > 0 && addresses.every((a) => domains.some((d) => inDomain(a, d)));
}

/**
 * When every CRM participant is on a never-log list, the entries that cover them (shown to the user);
 * null when one of them is not listed, or there is none. One unlisted CRM participant is enough to log.
 */
export function neverLogEntries(crmAddresses: readonly string[], list: readonly string[]): string[] | null {
  if (!crmAddresses.length || !list.length) return null;
  const entries = crmAddresses.map((a) => listedBy(a, list));
  if (entries.some((e) => e === null)) return null;
  return [...new Set(entries as string[])];
}
