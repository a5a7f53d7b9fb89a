// R-MAIL-7: which mail automatic logging leaves out because of who is on it — internal mail and mail
// whose CRM participants are all on a never-log list. Used when a synced message is decided
// (auto-log.ts) and, from the addresses alone, when a sidebar asks why a message is not logged (R-MAIL-8).
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../db/index.js";
import { domainsAsInternal, INTERNAL_DOMAINS, inDomain, listedBy, WORKSPACE_NEVER_LOG } from "./never-log.js";

export interface LogPolicy {
  /** The workspace's list and the user's own, together. */
  neverLog: string[];
  internalDomains: string[];
}

/**
 * The lists that apply to the user's mail, read in one statement (it runs for every synced message): the
 * workspace's never-log list, the user's own, and the internal domains, the admin's choice or else the
 * domains of every user's addresses (never-log.ts says the same one setting at a time).
 */
export async function loadPolicy(db: Tx, userId: string): Promise<LogPolicy> {
  const [row] = rowsOf<{
    workspace: string[] | null;
    own: string[] | null;
    internal: string[] | null;
    domains: string[] | null;
  }>(
    await db.execute(sql`
      select (select value from settings where key = ${WORKSPACE_NEVER_LOG}) as workspace,
             (select never_log from users where id = ${userId}) as own,
             chosen.value as internal,
             case when chosen.value is null then (
               select jsonb_agg(distinct lower(split_part(address, '@', 2)))
                 from users u, jsonb_array_elements_text(u.aliases || to_jsonb(u.email)) as address
             ) end as domains
        from (select (select value from settings where key = ${INTERNAL_DOMAINS}) as value) as chosen`),
  );
  return {
    neverLog: [...(row?.workspace ?? []), ...(row?.own ?? [])],
    internalDomains: row?.internal ?? domainsAsInternal(row?.domains ?? []),
  };
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
