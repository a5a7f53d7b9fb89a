// The one-time code of the sign-in dialog: handed to the add-in after a password sign-in and
// exchanged once, within 3 minutes, for an API token. Short enough to type by hand; stored hashed.
import { randomInt } from "node:crypto";
import { eq } from "drizzle-orm";
import { HttpProblem, unauthorized } from "../api/problem.js";
import type { Db, Tx } from "../db/index.js";
import { loginCodes, users } from "../db/schema.js";
import type { VerifiedIdentity } from "./id-tokens.js";
import { linkIdentity } from "./identities.js";
import { createApiToken, hashToken, SIDEBAR_SCOPES } from "./tokens.js";

export const LOGIN_CODE_TTL_MS = 3 * 60 * 1000;
/** A sidebar signs in again after this long; the user can revoke it any time before. */
export const DIALOG_TOKEN_TTL_MS = 90 * 24 * 60 * 60 * 1000;

// Crockford's base32: no I, L, O, U, so a code read aloud or retyped survives. 15 characters
// carry 75 bits, far beyond what can be guessed in 3 minutes.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 15;

/** Upper-cases and drops the separators a person may type or copy along with the code. */
export const normalizeCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");

export async function createLoginCode(db: Db, userId: string): Promise<string> {
  let code = "";
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  await db.insert(loginCodes).values({
    codeHash: hashToken(code),
    userId,
    scopes: SIDEBAR_SCOPES,
    expiresAt: new Date(Date.now() + LOGIN_CODE_TTL_MS),
  });
  return code.match(/.{5}/g)!.join("-");
}

/** Marks the code used and answers its row and user; throws when it cannot be used. Run in a transaction. */
async function spendLoginCode(tx: Tx, code: string) {
  const [row] = await tx
    .select({ code: loginCodes, user: users })
    .from(loginCodes)
    .innerJoin(users, eq(users.id, loginCodes.userId))
    .where(eq(loginCodes.codeHash, hashToken(normalizeCode(code))))
    .for("update");
  if (!row) throw unauthorized("This sign-in code is unknown. Sign in again to get a new one.");
  if (row.code.usedAt)
    throw unauthorized("This sign-in code was used already. Sign in again to get a new one.");
  if (row.code.expiresAt.getTime() <= Date.now())
    throw unauthorized("This sign-in code has expired (codes last 3 minutes). Sign in again.");
  await tx.update(loginCodes).set({ usedAt: new Date() }).where(eq(loginCodes.codeHash, row.code.codeHash));
  return row;
}

/**
 * Spends the code and issues the token in one transaction, so a code yields one token at most. With
 * `identity` (the verified ID token the sidebar presented along with the code) the account is linked
 * to the user who just proved their password: both proofs arrive in this one request.
 */
export async function redeemLoginCode(db: Db, code: string, tokenName: string, identity?: VerifiedIdentity) {
  return db.transaction(async (tx) => {
    const row = await spendLoginCode(tx, code);
    const expiresAt = new Date(Date.now() + DIALOG_TOKEN_TTL_MS);
    const token = await createApiToken(tx, row.user.id, {
      name: tokenName,
      scopes: row.code.scopes,
      expiresAt,
    });
    let linked: Awaited<ReturnType<typeof linkIdentity>> | null = null;
    let linkRefused: string | null = null;
    if (identity)
      try {
        linked = await linkIdentity(tx, row.user.id, identity);
      } catch (err) {
        // The password sign-in stands; the sidebar is told why its account was not linked.
        if (!(err instanceof HttpProblem)) throw err;
        linkRefused = err.detail;
      }
    return { ...token, expiresAt, user: row.user, linked, linkRefused };
  });
}

/**
 * Spends the code only to link the account of `identity` to its user, for a sidebar that signs in
 * with ID tokens and needs no Concilia token (Gmail). When the link is refused the code stays unused.
 */
export async function linkWithLoginCode(db: Db, code: string, identity: VerifiedIdentity) {
  return db.transaction(async (tx) => {
    const row = await spendLoginCode(tx, code);
    return { user: row.user, linked: await linkIdentity(tx, row.user.id, identity) };
  });
}
