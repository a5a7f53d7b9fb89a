// R-SB-6: one vocabulary for both sidebars. A word the Outlook pane and the Gmail add-on both show means
// the same thing in both and is written the same way in each language.
import { describe, expect, it } from "vitest";
import { catalogs as gmail } from "../../gmail-addon/src/i18n.js";
import { en } from "../../outlook-addin/src/i18n/en.js";
import { es } from "../../outlook-addin/src/i18n/es.js";
import { it as itCatalog } from "../../outlook-addin/src/i18n/it.js";
import { badgeLabels } from "../../shared/categories.js";
import { locales } from "../../shared/i18n.js";

const pane = { en, es, it: itCatalog };
/** Pane keys whose Gmail twin has another name. */
const twins: Record<string, string> = { role: "jobTitle" };

describe("one vocabulary for both sidebars", () => {
  it.each(locales)("R-SB-6: every term both catalogs have is the same in %s", (locale) => {
    const differing: string[] = [];
    let shared = 0;
    for (const [key, text] of Object.entries(pane[locale])) {
      const twin = twins[key] ?? key;
      const other = (gmail[locale] as Record<string, string>)[twin];
      if (other === undefined) continue;
      shared++;
      if (other !== text) differing.push(`${key}: pane "${text}" / Gmail "${other}"`);
    }
    expect(differing).toEqual([]);
    // The comparison is about something: the two sidebars share most of their words.
    expect(shared).toBeGreaterThan(30);
  });

  it.each(locales)(
    "R-SB-6 / R-CAT-2: the company field is named as the company badge is, in %s",
    (locale) => {
      expect(pane[locale].company).toBe(badgeLabels[locale].company);
      expect(gmail[locale].company).toBe(badgeLabels[locale].company);
    },
  );
});
