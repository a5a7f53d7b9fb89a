// R-CON-11: a user's credentials (OAuth refresh tokens, app passwords), one per kind, sealed at rest.
// The ciphertext is bound to its row (id, user, kind), so a ciphertext copied onto another row does
// not open. Plaintext leaves this module only as the return value of getSecret.
import { and, desc, eq, inArray } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { secrets } from "../db/schema.js";
import { newId } from "../ids.js";
import type { SecretBox } from "./box.js";

export interface SecretStoreContext {
  db: Tx;
  secrets: SecretBox;
}

export class SecretUnreadable extends Error {}

/** The associated data sealed with a row's ciphertext. */
export const secretContext = (row: { id: string; userId: string; kind: string }) =>
  `concilia-secret:${row.id}:${row.userId}:${row.kind}`;

export function openSecretRow(
  box: SecretBox,
  row: { id: string; userId: string; kind: string; keyId: string; ciphertext: string },
): string {
  if (!box.canOpen(row.keyId))
    throw new SecretUnreadable(
      `The ${row.kind} secret was sealed with key ${row.keyId}, which is not configured (CONCILIA_OLD_SECRET_KEYS?).`,
    );
  try {
    return box.open(row.keyId, row.ciphertext, secretContext(row));
  } catch {
    throw new SecretUnreadable(
      `The ${row.kind} secret does not open: it was altered or belongs to another row.`,
    );
  }
}

async function rowsOf(db: Tx, userId: string, kind: string) {
  return db
    .select()
    .from(secrets)
    .where(and(eq(secrets.userId, userId), eq(secrets.kind, kind)))
    .orderBy(desc(secrets.updatedAt), desc(secrets.id));
}

/** Stores (or replaces) the user's secret of this kind; returns the row id. */
export async function putSecret(ctx: SecretStoreContext, userId: string, kind: string, value: string) {
  const [current, ...stale] = await rowsOf(ctx.db, userId, kind);
  const id = current?.id ?? newId();
  const { keyId, ciphertext } = ctx.secrets.seal(value, secretContext({ id, userId, kind }));
  if (current)
    await ctx.db.update(secrets).set({ keyId, ciphertext, updatedAt: new Date() }).where(eq(secrets.id, id));
  else await ctx.db.insert(secrets).values({ id, userId, kind, keyId, ciphertext });
  // Two concurrent first writes can leave two rows; the newest wins and the others go.
  if (stale.length)
    await ctx.db.delete(secrets).where(
      inArray(
        secrets.id,
        stale.map((r) => r.id),
      ),
    );
  return id;
}

/** The user's secret of this kind, or null; throws SecretUnreadable when it cannot be opened. */
export async function getSecret(
  ctx: SecretStoreContext,
  userId: string,
  kind: string,
): Promise<string | null> {
  const [row] = await rowsOf(ctx.db, userId, kind);
  return row ? openSecretRow(ctx.secrets, row) : null;
}

export async function deleteSecret(ctx: SecretStoreContext, userId: string, kind: string): Promise<boolean> {
  const rows = await ctx.db
    .delete(secrets)
    .where(and(eq(secrets.userId, userId), eq(secrets.kind, kind)))
    .returning({ id: secrets.id });
  return rows.length > 0;
}
