// R-MAIL-4: the one way Concilia reads a Message-ID, so that the id the server stores from the
// header, the id a sidebar asks about (Office.js internetMessageId, Gmail's Message-ID header) and
// the ids of In-Reply-To/References all compare equal.
// Angle brackets, whitespace (a folded header, a stray space) and NULs are not part of the id.
// Case is kept: the left part of an id is case-sensitive (RFC 5322 3.6.4), and every provider
// hands the header back byte for byte, so folding case would only split ids already stored.

const MAX_LENGTH = 998;

/** "<  a@b >" → "a@b"; "" when nothing is left. */
export function normalizeMessageId(id: string): string {
  const bare = id
    .replace(/[\s\u0000]+/g, "")
    .replace(/^<+/, "")
    .replace(/>+$/, "");
  return bare.length <= MAX_LENGTH ? bare : "";
}

/** Every Message-ID of a header that may hold several (References, In-Reply-To), once each. */
export function messageIdsOf(header: string): string[] {
  const bracketed = [...header.matchAll(/<([^<>]+)>/g)].map((m) => m[1]);
  const ids = (bracketed.length ? bracketed : header.trim().split(/\s+/)).map(normalizeMessageId);
  return [...new Set(ids.filter(Boolean))];
}

/** The id as a Message-ID header carries it: in angle brackets. */
export function bracketMessageId(id: string): string {
  return `<${normalizeMessageId(id)}>`;
}
