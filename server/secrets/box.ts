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
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", current, iv);
      cipher.setAAD(Buffer.from(context));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { keyId, ciphertext: Buffer.concat([iv, tag, body]).toString("base64") };
    },
    open(id, ciphertext, context) {
      const key = keys.get(id);
      if (!key) throw new Error(`No configured key opens secrets sealed with key ${id}.`);
      const raw = Buffer.from(ciphertext, "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
    canOpen: (id) => keys.has(id),
  };
}
