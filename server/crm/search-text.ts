// The folded text a record is found by: names, addresses, company and phone digits, so that one
// LIKE on one column answers "search by name, email or phone, ignoring case and accents".
import { fold, phoneDigits } from "../../shared/text.js";

export function searchText(parts: {
  names: (string | null | undefined)[];
  emails: string[];
  phones: string[];
}) {
  const words = [...parts.names.filter(Boolean), ...parts.emails].map((s) => fold(String(s)));
  const digits = parts.phones.map(phoneDigits).filter(Boolean);
  return [...words, ...digits].join(" ");
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in it taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The LIKE patterns for a user's query, none when the query is empty. */
export function searchPatterns(q: string | undefined): string[] {
  if (!q?.trim()) return [];
  const patterns = [containsPattern(fold(q))];
  const digits = phoneDigits(q);
  // A query that is mostly a phone number also matches the digits however they were written.
  if (digits.length >= 4 && digits.length >= q.replace(/\s/g, "").length - 2)
    patterns.push(containsPattern(digits));
  return patterns;
}
