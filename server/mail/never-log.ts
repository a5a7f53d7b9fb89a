// R-MAIL-7: where the never-log lists and the workspace's internal domains are kept, and how an address
// is checked against them. The workspace's list and internal domains are settings rows; each user's
// list is a column of the user. Lists are short (bounded in shared/api/never-log.ts), so they are read
// whole.
import { eq, inArray } from "drizzle-orm";
import { isFreeMailDomain } from "../crm/free-mail.js";
import type { Tx } from "../db/index.js";
import { settings, users } from "../db/schema.js";

export const WORKSPACE_NEVER_LOG = "mail.never-log";
export const INTERNAL_DOMAINS = "mail.internal-domains";

export async function userNeverLog(db: Tx, userId: string): Promise<string[]> {
  const [row] = await db.select({ list: users.neverLog }).from(users).where(eq(users.id, userId));
  return row?.list ?? [];
}

export async function setUserNeverLog(db: Tx, userId: string, entries: string[]): Promise<void> {
  await db.update(users).set({ neverLog: entries }).where(eq(users.id, userId));
}

export async function workspaceNeverLog(db: Tx): Promise<string[]> {
  return ((await readSetting(db, WORKSPACE_NEVER_LOG)) as string[] | null) ?? [];
}

export async function setWorkspaceNeverLog(db: Tx, entries: string[]): Promise<void> {
  await writeSetting(db, WORKSPACE_NEVER_LOG, entries);
}

/** The admin's choice, or by default the domains of the users' own addresses (free-mail ones left out). */
export async function internalDomains(db: Tx): Promise<{ domains: string[]; isDefault: boolean }> {
  const set = (await readSetting(db, INTERNAL_DOMAINS)) as string[] | null;
  if (set) return { domains: set, isDefault: false };
  const rows = await db.select({ email: users.email, aliases: users.aliases }).from(users);
  return { domains: defaultInternalDomains(rows.flatMap((r) => [r.email, ...r.aliases])), isDefault: true };
}

export function defaultInternalDomains(addresses: string[]): string[] {
  return domainsAsInternal(addresses.map((a) => a.trim().toLowerCase().split("@")[1] ?? ""));
}

/** The users' domains as internal domains by default: free-mail ones left out, once each, sorted. */
export function domainsAsInternal(domains: string[]): string[] {
  return [...new Set(domains.filter((d) => d && !isFreeMailDomain(d)))].sort();
}

/** `null` puts the default back. */
export async function setInternalDomains(db: Tx, domains: string[] | null): Promise<void> {
  if (domains === null) await db.delete(settings).where(inArray(settings.key, [INTERNAL_DOMAINS]));
  else await writeSetting(db, INTERNAL_DOMAINS, domains);
}

/** `ana@mail.example.com` is under `example.com` and `mail.example.com`, not under `ample.com`. */
export function inDomain(address: string, domain: string): boolean {
  const host = address.split("@")[1] ?? address;
  return host === domain || host.endsWith(`.${domain}`);
}

/** The first entry of `list` that covers the address, if any: the address itself or one of its domains. */
export function listedBy(address: string, list: readonly string[]): string | null {
  const a = address.toLowerCase();
  for (const entry of list) if (entry.includes("@") ? entry === a : inDomain(a, entry)) return entry;
  return null;
}

async function readSetting(db: Tx, key: string): Promise<unknown> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row?.value ?? null;
}

async function writeSetting(db: Tx, key: string, value: unknown): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}
