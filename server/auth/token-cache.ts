// Recently seen API tokens, so that a sidebar's burst of requests costs one token query, not one each.
// A revocation through this process takes effect at once; in another process within TOKEN_CACHE_MS.
import type { AuthUser } from "./user.js";

export const TOKEN_CACHE_MS = 10_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  user: AuthUser;
  tokenId: string;
  expiresAt: Date | null;
  until: number;
}

const byHash = new Map<string, Entry>();

export function cachedToken(hash: string): Entry | null {
  const e = byHash.get(hash);
  if (!e) return null;
  const now = Date.now();
  if (e.until <= now || (e.expiresAt && e.expiresAt.getTime() <= now)) {
    byHash.delete(hash);
    return null;
  }
  return e;
}

export function rememberToken(hash: string, entry: Omit<Entry, "until">): void {
  if (byHash.size >= MAX_ENTRIES) byHash.delete(byHash.keys().next().value as string);
  byHash.set(hash, { ...entry, until: Date.now() + TOKEN_CACHE_MS });
}

export function forgetToken(tokenId: string): void {
  for (const [hash, e] of byHash) if (e.tokenId === tokenId) byHash.delete(hash);
}
