// R-SB-7: the link between an account at an identity provider and one Concilia user. An ID token
// signs in only through such a link, found by the account's stable key; the address claims of a
// token never choose a user. Links are made by a password sign-in in the dialog that presents the
// ID token (both proofs in one request) or by an admin.
import { and, eq, sql } from "drizzle-orm";
import type { LinkedIdentity } from "../../shared/api/identities.js";
import { IDENTITY_NOT_LINKED } from "../../shared/problem-types.js";
import { conflict, type HttpProblem, unauthorized, unprocessable } from "../api/problem.js";
import type { Tx } from "../db/index.js";
import { externalIdentities, users } from "../db/schema.js";
import { newId } from "../ids.js";
import type { VerifiedIdentity } from "./id-tokens.js";

type IdentityKey = Pick<VerifiedIdentity, "provider" | "tenantId" | "subject">;
type IdentityRow = typeof externalIdentities.$inferSelect;

const providerName = { entra: "Microsoft", google: "Google" } as const;
const t = externalIdentities;
const keyOf = (k: IdentityKey) =>
  and(eq(t.provider, k.provider), eq(t.tenantId, k.tenantId), eq(t.subject, k.subject));

export function notLinked(identity: VerifiedIdentity): HttpProblem {
  const account = identity.email ? ` (${identity.email})` : "";
  const p = unauthorized(
    `This ${providerName[identity.provider]} account${account} is not linked to a Concilia user yet. ` +
      "Sign in once through Concilia's sign-in dialog with your Concilia password to link it, or ask an admin to link it.",
  );
  p.type = IDENTITY_NOT_LINKED;
  return p;
}

/** The user an ID token's account is linked to; notes the address it now shows and when it was used. */
export async function userOfIdentity(db: Tx, identity: VerifiedIdentity) {
  const [row] = await db
    .select({ link: t, user: users })
    .from(t)
    .innerJoin(users, eq(users.id, t.userId))
    .where(keyOf(identity));
  if (!row) throw notLinked(identity);
  // At most one write a minute per account, however often the sidebar calls.
  const stale = !row.link.lastUsedAt || Date.now() - row.link.lastUsedAt.getTime() > 60_000;
  if (stale || row.link.email !== identity.email)
    await db.update(t).set({ lastUsedAt: new Date(), email: identity.email }).where(eq(t.id, row.link.id));
  return row.user;
}

/**
 * Links the account to the user. Linking it again to the same user is a no-op; an account linked to
 * someone else stays theirs (an admin unlinks it first).
 */
export async function linkIdentity(
  db: Tx,
  userId: string,
  identity: IdentityKey & { email?: string | null; emailVerified?: boolean },
): Promise<IdentityRow> {
  // A Google account whose address Google does not vouch for is not one a person has shown to be theirs.
  if (identity.provider === "google" && identity.emailVerified === false)
    throw unprocessable("The Google account's email address is not verified, so it cannot be linked.");
  const [inserted] = await db
    .insert(t)
    .values({
      id: newId(),
      userId,
      provider: identity.provider,
      tenantId: identity.tenantId,
      subject: identity.subject,
      email: identity.email ?? null,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted) return inserted;
  const [existing] = await db.select().from(t).where(keyOf(identity));
  if (existing?.userId !== userId)
    throw conflict(`This ${providerName[identity.provider]} account is linked to another Concilia user.`);
  return existing;
}

export async function unlinkIdentity(db: Tx, userId: string, identityId: string): Promise<boolean> {
  const rows = await db
    .delete(t)
    .where(and(eq(t.id, identityId), eq(t.userId, userId)))
    .returning({ id: t.id });
  return rows.length > 0;
}

export async function identitiesOf(db: Tx, userId: string): Promise<LinkedIdentity[]> {
  const rows = await db.select().from(t).where(eq(t.userId, userId)).orderBy(sql`${t.createdAt}`, t.id);
  return rows.map(identityDto);
}

export function identityDto(r: IdentityRow): LinkedIdentity {
  return {
    id: r.id,
    provider: r.provider,
    tenantId: r.tenantId,
    subject: r.subject,
    email: r.email,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  };
}
