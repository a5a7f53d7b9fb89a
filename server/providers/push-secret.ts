// Secrets that push senders present (the token in the Gmail push URL, a Graph subscription's
// clientState) are compared in constant time: hashing both sides first makes the lengths equal too.
import { createHash, timingSafeEqual } from "node:crypto";

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

export function sameSecret(given: string | null | undefined, expected: string | null | undefined): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
