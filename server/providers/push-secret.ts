// Secrets that push senders present (the token in the Gmail push URL, a Graph subscription's
// clientState) are compared in constant time, as SHA-256 digests: equal lengths, and a stored digest
// can be compared without keeping the secret itself.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export const secretHash = (secret: string) => digest(secret).toString("hex");

export function sameSecret(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}

/** `given` against a stored `secretHash`. */
export function matchesHash(given: string | null | undefined, hashHex: string): boolean {
  const stored = Buffer.from(hashHex, "hex");
  if (!given || stored.length !== 32) return false;
  return timingSafeEqual(digest(given), stored);
}
