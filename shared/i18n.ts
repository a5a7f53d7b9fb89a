// The three languages Concilia speaks. Catalogs for each client live beside the client; this file only
// decides which language a request or a mailbox gets.
export const locales = ["en", "es", "it"] as const;
export type Locale = (typeof locales)[number];

/** Picks the best supported language from a locale tag ("es-MX") or an Accept-Language header. */
export function pickLocale(input: string | null | undefined): Locale {
  if (!input) return "en";
  const ranked = input
    .split(",")
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag: tag.toLowerCase().replace("_", "-"), q: q ? Number(q.slice(2)) || 0 : 1, i };
    })
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const { tag } of ranked) {
    const base = tag.split("-")[0] as Locale;
    if (locales.includes(base)) return base;
  }
  return "en";
}
