// R-CON-11: the credentials of a connection (OAuth refresh tokens, app passwords), one per name,
// sealed at rest. The ciphertext is bound to its row (id, connection, name, version), so a
// ciphertext copied onto another row, or back onto an older version, does not open. Plaintext
// leaves this module only as a return value.
//
// Every write names the version it replaces (compare-and-swap): two workers that refresh a rotating
// refresh token at once cannot lose the newer one. The loser gets SecretVersionConflict with the
// version now stored, reads the secret again and carries on with that (see refreshSecret).
import { and, eq } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { connectionSecrets } from "../db/schema.js";
import { newId } from "../ids.js";
import type { SecretBox } from "./box.js";

export interface SecretStoreContext {
  db: Tx;
  secrets: SecretBox;
}

export interface StoredSecret {
  value: string;
  /** Name it when replacing this secret. */
  version: number;
}

type SecretRow = typeof connectionSecrets.$inferSelect;
type SecretKey = Pick<SecretRow, "id" | "connectionId" | "name" | "version">;

export class SecretUnreadable extends Error {}

/**
 * Another write came first: read the secret again. It carries the stored version (null: deleted),
 * never a value, so that logging the error cannot leak one.
 */
export class SecretVersionConflict extends Error {
  constructor(
    readonly secretName: string,
    readonly currentVersion: number | null,
  ) {
    super(
      `The ${secretName} secret was changed meanwhile (now ${currentVersion === null ? "deleted" : `version ${currentVersion}`}).`,
    );
  }
}

/** The associated data sealed with a row's ciphertext. */
export const secretContext = (row: SecretKey) =>
  `concilia-secret:${row.id}:${row.connectionId}:${row.name}:${row.version}`;

export function openSecretRow(box: SecretBox, row: SecretRow): string {
  if (!box.canOpen(row.keyId))
    throw new SecretUnreadable(
      `The ${row.name} secret was sealed with key ${row.keyId}, which is not configured (CONCILIA_OLD_SECRET_KEYS?).`,
    );
  try {
    return box.open(row.keyId, row.ciphertext, secretContext(row));
  } catch {
    throw new SecretUnreadable(
      `The ${row.name} secret does not open: it was altered or belongs to another row.`,
    );
  }
}

const byName = (connectionId: string, name: string) =>
  and(eq(connectionSecrets.connectionId, connectionId), eq(connectionSecrets.name, name));

async function rowOf(db: Tx, connectionId: string, name: string): Promise<SecretRow | undefined> {
  const [row] = await db.select().from(connectionSecrets).where(byName(connectionId, name));
  return row;
}

/** The connection's secret of this name, or null; throws SecretUnreadable when it cannot be opened. */
export async function getSecret(
  ctx: SecretStoreContext,
  connectionId: string,
  name: string,
): Promise<StoredSecret | null> {
  const row = await rowOf(ctx.db, connectionId, name);
  return row ? { value: openSecretRow(ctx.secrets, row), version: row.version } : null;
}

/**
 * Stores the secret in place of version `replaces` (null: there must be none yet) and answers the
 * new version. Throws SecretVersionConflict when the stored version is another.
 */
export async function putSecret(
  ctx: SecretStoreContext,
  connectionId: string,
  name: string,
  value: string,
  replaces: number | null,
): Promise<number> {
  const conflict = async () =>
    new SecretVersionConflict(name, (await rowOf(ctx.db, connectionId, name))?.version ?? null);
  if (replaces === null) {
    const row = { id: newId(), connectionId, name, version: 1 };
    const sealed = ctx.secrets.seal(value, secretContext(row));
    const [inserted] = await ctx.db
      .insert(connectionSecrets)
      .values({ ...row, keyId: sealed.keyId, ciphertext: sealed.ciphertext })
      .onConflictDoNothing()
      .returning({ version: connectionSecrets.version });
    if (!inserted) throw await conflict();
    return inserted.version;
  }
  const current = await rowOf(ctx.db, connectionId, name);
  if (current?.version !== replaces) throw await conflict();
  const next = { ...current, version: replaces + 1 };
  const sealed = ctx.secrets.seal(value, secretContext(next));
  const [updated] = await ctx.db
    .update(connectionSecrets)
    .set({ version: next.version, keyId: sealed.keyId, ciphertext: sealed.ciphertext, updatedAt: new Date() })
    .where(and(eq(connectionSecrets.id, current.id), eq(connectionSecrets.version, replaces)))
    .returning({ version: connectionSecrets.version });
  if (!updated) throw await conflict();
  return updated.version;
}

/**
 * The rotating-token pattern: `exchange` gets the stored secret and answers its successor (e.g. a
 * provider's new refresh token), which is stored in its place. When another worker stored a
 * successor first, that one is kept and answered, and this one is dropped.
 */
export async function refreshSecret(
  ctx: SecretStoreContext,
  connectionId: string,
  name: string,
  exchange: (current: string) => Promise<string>,
): Promise<StoredSecret & { stored: boolean }> {
  const current = await getSecret(ctx, connectionId, name);
  if (!current) throw new SecretUnreadable(`The connection has no ${name} secret to refresh.`);
  const value = await exchange(current.value);
  // A provider that keeps the token (Google) changes nothing: no write, and the version stays.
  if (value === current.value) return { ...current, stored: false };
  try {
    return { value, version: await putSecret(ctx, connectionId, name, value, current.version), stored: true };
  } catch (err) {
    if (!(err instanceof SecretVersionConflict)) throw err;
    const winner = await getSecret(ctx, connectionId, name);
    if (!winner) throw err;
    return { ...winner, stored: false };
  }
}

export async function deleteSecret(
  ctx: SecretStoreContext,
  connectionId: string,
  name: string,
): Promise<boolean> {
  const rows = await ctx.db
    .delete(connectionSecrets)
    .where(byName(connectionId, name))
    .returning({ id: connectionSecrets.id });
  return rows.length > 0;
}
