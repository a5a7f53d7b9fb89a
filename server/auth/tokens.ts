// Concilia API tokens: random, shown once, stored only as a SHA-256 hash, revocable, scoped.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { apiTokens, users } from "../db/schema.js";
import { newId } from "../ids.js";
import { forgetToken } from "./token-cache.js";

export const TOKEN_PREFIX = "cnc_";
/** What a sidebar token may do: the CRM API, nothing administrative. */
export const SIDEBAR_SCOPES = ["crm"];

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createApiToken(
  db: Tx,
  userId: string,
  opts: { name: string; scopes?: string[]; expiresAt?: Date | null },
): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  const id = newId();
  await db.insert(apiTokens).values({
    id,
    userId,
    name: opts.name,
    tokenHash: hashToken(token),
    scopes: opts.scopes ?? SIDEBAR_SCOPES,
    expiresAt: opts.expiresAt ?? null,
  });
  return { id, token };
}

export async function findApiToken(db: Tx, token: string) {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row) return null;
  if (row.token.expiresAt && row.token.expiresAt.getTime() <= Date.now()) return null;
  return row;
}

export async function revokeApiToken(db: Tx, userId: string, tokenId: string): Promise<boolean> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  forgetToken(tokenId);
  return rows.length > 0;
}

/** The user's tokens as they may be shown: never the hash. */
export async function listApiTokens(db: Tx, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scopes: apiTokens.scopes,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt), apiTokens.id);
}

/** How stale `last_used_at` may get: at most one write a minute per token, not one per request. */
const TOUCH_INTERVAL_MS = 60_000;

export async function touchApiToken(db: Tx, token: { id: string; lastUsedAt: Date | null }): Promise<void> {
  const now = Date.now();
  if (token.lastUsedAt && now - token.lastUsedAt.getTime() < TOUCH_INTERVAL_MS) return;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(apiTokens.id, token.id));
}
