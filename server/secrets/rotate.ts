// Key rotation (R-CON-11): every secret is re-sealed with the current key, after which old keys are no
// longer needed.
//
// With PostgreSQL (key in CONCILIA_SECRET_KEY):
//   1. Generate a key: `openssl rand -base64 32`.
//   2. On every server and worker set CONCILIA_SECRET_KEY=<new> and CONCILIA_OLD_SECRET_KEYS=<old>, and
//      restart them: new secrets are sealed with the new key, old ones still open.
//   3. Run `concilia rotate-key` once (same environment): it re-seals the rows still under old keys.
//   4. Remove the old key from CONCILIA_OLD_SECRET_KEYS and restart.
//
// With the embedded default (key file in the data folder), `concilia rotate-key` does it all, with the
// server stopped (one process per data folder): see rotateKeyFile.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, eq, ne } from "drizzle-orm";
import type { Config } from "../config.js";
import type { Database, Tx } from "../db/index.js";
import { connectionSecrets } from "../db/schema.js";
import { decodeKey, type SecretBox, secretBox } from "./box.js";
import { KEY_FILE, loadSecretBox, NEXT_KEY_FILE, PREVIOUS_KEY_FILE, readKeyFile } from "./key.js";
import { openSecretRow, secretContext } from "./store.js";

export interface RotationResult {
  keyId: string;
  resealed: number;
}

/**
 * Re-seals every row not sealed with the box's current key. Run it inside a transaction. A row is
 * replaced only if it still holds what was read (same version and key), so a token refreshed
 * meanwhile is never overwritten with its predecessor; such a row is read again.
 */
export async function rotateSecrets(ctx: { db: Tx; secrets: SecretBox }): Promise<RotationResult> {
  const box = ctx.secrets;
  const t = connectionSecrets;
  let resealed = 0;
  for (let row of await ctx.db.select().from(t).where(ne(t.keyId, box.keyId))) {
    for (;;) {
      const sealed = box.seal(openSecretRow(box, row), secretContext(row));
      const done = await ctx.db
        .update(t)
        .set({ keyId: sealed.keyId, ciphertext: sealed.ciphertext })
        .where(and(eq(t.id, row.id), eq(t.version, row.version), eq(t.keyId, row.keyId)))
        .returning({ id: t.id });
      if (done.length) {
        resealed++;
        break;
      }
      const [now] = await ctx.db.select().from(t).where(eq(t.id, row.id));
      if (!now || now.keyId === box.keyId) break; // deleted, or written with the new key
      row = now;
    }
  }
  return { keyId: box.keyId, resealed };
}

/**
 * The embedded default: a new key is written beside the old one (secret.key.next), every secret is
 * re-sealed with it in one transaction, and only after the commit does it replace secret.key (the old
 * key stays as secret.key.previous until then). loadSecretBox reads .next and .previous as old keys,
 * so a crash at any point leaves every secret readable, and running the command again finishes the
 * interrupted rotation with the same new key.
 */
export async function rotateKeyFile(config: Config, database: Database): Promise<RotationResult> {
  if (config.CONCILIA_SECRET_KEY || config.DATABASE_URL)
    throw new Error(
      "The secret key comes from CONCILIA_SECRET_KEY: set the new key there and the old one in CONCILIA_OLD_SECRET_KEYS, then run rotate-key.",
    );
  const file = (name: string) => path.join(config.dataDir, name);
  let next = readKeyFile(file(NEXT_KEY_FILE));
  if (!next) {
    next = randomBytes(32);
    writeKey(file(NEXT_KEY_FILE), next);
  }
  const previous = [readKeyFile(file(KEY_FILE))!, ...config.CONCILIA_OLD_SECRET_KEYS.map(decodeKey)];
  const stillOpen = readKeyFile(file(PREVIOUS_KEY_FILE));
  if (stillOpen) previous.push(stillOpen);
  const box = secretBox(next, previous);
  const result = await database.db.transaction((tx) => rotateSecrets({ db: tx, secrets: box }));
  // Committed: the new key becomes the key. copy-then-rename never leaves the folder without secret.key.
  fs.copyFileSync(file(KEY_FILE), file(PREVIOUS_KEY_FILE));
  fs.renameSync(file(NEXT_KEY_FILE), file(KEY_FILE));
  fs.rmSync(file(PREVIOUS_KEY_FILE));
  return result;
}

/** `concilia rotate-key`: the key file for the embedded default, otherwise re-seal with the configured key. */
export async function rotateKey(config: Config, database: Database): Promise<RotationResult> {
  if (!config.CONCILIA_SECRET_KEY && !config.DATABASE_URL) return rotateKeyFile(config, database);
  const box = loadSecretBox(config);
  return database.db.transaction((tx) => rotateSecrets({ db: tx, secrets: box }));
}

function writeKey(file: string, key: Buffer) {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    fs.writeSync(fd, `${key.toString("base64")}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
