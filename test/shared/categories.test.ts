import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  badgeFor,
  badgeLabels,
  categorize,
  categoryNames,
  categoryNamesFor,
  type DealStatus,
} from "../../shared/categories.js";
import { pickLocale } from "../../shared/i18n.js";

const statuses: DealStatus[] = ["open", "won", "lost", "unqualified"];

describe("categories", () => {
  it("R-CAT-1: the first matching status wins, in the order of the rule", () => {
    const cases: [Parameters<typeof categorize>[0], string | null][] = [
      [{ kind: "person", customerStatus: "current", dealStatuses: [] }, "current_customer"],
      [{ kind: "person", customerStatus: "none", dealStatuses: ["won", "open"] }, "current_customer"],
      [{ kind: "company", customerStatus: "former", dealStatuses: ["won"] }, "former_customer"],
      [{ kind: "company", customerStatus: "former", dealStatuses: ["open"] }, "former_customer"],
      [{ kind: "person", customerStatus: "none", dealStatuses: ["open", "lost"] }, "current_prospect"],
      [{ kind: "person", customerStatus: "none", dealStatuses: ["lost", "unqualified"] }, "lost_prospect"],
      [{ kind: "person", customerStatus: "none", dealStatuses: [] }, null],
      [{ kind: "lead", dealStatuses: [] }, null],
    ];
    for (const [input, status] of cases) expect(categorize(input)).toEqual({ kind: input.kind, status });
  });

  it("R-CAT-1: exhaustively, every record gets its kind and at most one status, as the rule orders them", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("person", "company", "lead" as const),
        fc.constantFrom("none", "current", "former" as const),
        fc.array(fc.constantFrom(...statuses), { maxLength: 6 }),
        (kind, cs, deals) => {
          const { kind: k, status } = categorize({ kind, customerStatus: cs, dealStatuses: deals });
          expect(k).toBe(kind);
          const expected =
            cs === "current" || (deals.includes("won") && cs !== "former")
              ? "current_customer"
              : cs === "former"
                ? "former_customer"
                : deals.includes("open")
                  ? "current_prospect"
                  : deals.length && deals.every((d) => d === "lost" || d === "unqualified")
                    ? "lost_prospect"
                    : null;
          expect(status).toBe(expected);
        },
      ),
    );
  });

  it("R-CAT-2: the display names carry the product name, exactly as the table gives them", () => {
    expect(categoryNames.en.current_prospect).toBe("Concilia Current prospect");
    expect(categoryNames.es.company).toBe("Compañía de Concilia");
    expect(categoryNames.es.lost_prospect).toBe("Cliente potencial perdido de Concilia");
    expect(categoryNames.it.former_customer).toBe("Cliente precedente di Concilia");
    expect(categoryNames.it.company).toBe("Azienda di Concilia");
    for (const l of ["en", "es", "it"] as const)
      for (const key of Object.keys(categoryNames[l]) as (keyof (typeof categoryNames)["en"])[]) {
        expect(categoryNames[l][key]).toContain("Concilia");
        expect(categoryNames[l][key]).toContain(badgeLabels[l][key]);
        expect(badgeLabels[l][key]).not.toContain("Concilia");
      }
  });

  it("R-CAT-2: the badge is the short form, the status when there is one; Exchange files under both", () => {
    expect(badgeFor({ kind: "lead", status: null }, "es-MX")).toEqual({
      key: "lead",
      label: "Lead",
      name: "Lead de Concilia",
    });
    expect(badgeFor({ kind: "person", status: "current_customer" }, "es").label).toBe("Cliente actual");
    expect(badgeFor({ kind: "person", status: "current_customer" }, "it-IT").label).toBe("Cliente attuale");
    expect(categoryNamesFor({ kind: "company", status: "lost_prospect" }, "en")).toEqual([
      "Concilia Company",
      "Concilia Lost prospect",
    ]);
  });

  it("R-SB-6: the language comes from the locale or Accept-Language, English otherwise", () => {
    expect(pickLocale("fr-FR,it;q=0.8,es;q=0.5")).toBe("it");
    expect(pickLocale("es_AR")).toBe("es");
    expect(pickLocale("de")).toBe("en");
    expect(pickLocale(undefined)).toBe("en");
  });
});
