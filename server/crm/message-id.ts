/** A Message-ID as stored: without angle brackets or surrounding space ("<a@b>" → "a@b"). */
export function normalizeMessageId(id: string): string {
  return id.trim().replace(/^<+/, "").replace(/>+$/, "").trim();
}
