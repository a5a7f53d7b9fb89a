// R-CON-11: credentials are sealed with AES-256-GCM. Each ciphertext names the key that sealed it
// (a short fingerprint), so a key rotation can re-seal rows one by one while old keys still open them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

export interface SecretBox {
  /** Fingerprint of the key new secrets are sealed with. */
  keyId: string;
  seal(plaintext: string, context: string): { keyId: string; ciphertext: string };
  open(keyId: string, ciphertext: string, context: string): string;
  canOpen(keyId: string): boolean;
}

const IV_BYTES = 12;
/** The full GCM tag: every byte of it is checked on opening. */
const TAG_BYTES = 16;

export function keyFingerprint(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 16);
}

export function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new Error("A secret key must be 32 bytes, written in base64.");
  return key;
}

/**
 * `context` is bound into the ciphertext as associated data (e.g. the row's id and kind), so a
 * ciphertext copied onto another row does not open there.
 */
export function secretBox(current: Buffer, previous: Buffer[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  for (const k of [current, ...previous]) keys.set(keyFingerprint(k), k);
  const keyId = keyFingerprint(current);
  return {
    keyId,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { keyId, ciphertext: Buffer.concat([iv, tag, body]).toString("base64") };
    },
    open(id, ciphertext, context) {
      const key = keys.get(id);
      if (!key) throw new Error(`No configured key opens secrets sealed with key ${id}.`);
      const raw = Buffer.from(ciphertext, "base64");
      // Without authTagLength GCM accepts tags as short as 4 bytes, which a forger can guess.
      if (raw.length < IV_BYTES + TAG_BYTES) throw new Error("The ciphertext is too short to hold its tag.");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
    },
    canOpen: (id) => keys.has(id),
  };
}
