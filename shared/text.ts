// Normalisation used for matching and search, on both sides, so that "jose" finds "José" and
// "ANA@Example.com" matches "ana@example.com".

/** Lower case, accents removed, whitespace folded. */
export function fold(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
}

export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

export function phoneDigits(phone: string): string {
  return phone.replace(/\D/g, "");
}

/** Splits a display name ("Ana María López", "López, Ana") into first and last name. */
export function splitName(display: string): { firstName: string; lastName: string } {
  const clean = display
    .replace(/["']/g, "")
    .replace(/\s*\(.*?\)\s*/g, " ")
    .trim();
  if (!clean) return { firstName: "", lastName: "" };
  if (clean.includes(",")) {
    const [last, first] = clean.split(",", 2).map((s) => s.trim());
    return { firstName: first ?? "", lastName: last ?? "" };
  }
  const parts = clean.split(/\s+/);
  if (parts.length === 1) return { firstName: parts[0], lastName: "" };
  return { firstName: parts[0], lastName: parts.slice(1).join(" ") };
}

/** A name to suggest for an unknown address: the display name, else the mailbox part title-cased. */
export function suggestName(
  address: string,
  displayName?: string | null,
): { firstName: string; lastName: string } {
  if (displayName?.trim() && !displayName.includes("@")) return splitName(displayName);
  const local = address.split("@")[0] ?? "";
  const words = local
    .split(/[._-]+/)
    .filter((w) => w && !/^\d+$/.test(w))
    .map((w) => w[0].toUpperCase() + w.slice(1));
  return splitName(words.join(" "));
}
