// Our seven Exchange categories (R-CAT-2) and keeping the master list right (R-X-3, R-X-4). Graph cannot
// rename a master category, so "ensure" is: a name of ours missing is created; one of ours renamed by
// the user (same id, another name) is deleted and created again under our name. The user's own
// categories are never touched. Pure: sync/contacts/categories.ts carries the plan out.
import { type CategoryKey, categoryNames } from "../../shared/categories.js";
import type { Locale } from "../../shared/i18n.js";
import type { MasterCategory } from "../sync/contacts/port.js";

export const CATEGORY_KEYS: readonly CategoryKey[] = [
  "person",
  "company",
  "lead",
  "current_prospect",
  "lost_prospect",
  "current_customer",
  "former_customer",
];

/** Outlook preset colours, one per category, so the kinds and statuses are told apart at a glance. */
export const CATEGORY_COLORS: Record<CategoryKey, string> = {
  person: "preset7",
  company: "preset8",
  lead: "preset3",
  current_prospect: "preset1",
  lost_prospect: "preset12",
  current_customer: "preset4",
  former_customer: "preset13",
};

/** Every name of ours in every language: an item's category by one of these names is ours to replace. */
export function ourCategoryNames(): Set<string> {
  return new Set(Object.values(categoryNames).flatMap((byKey) => Object.values(byKey)));
}

export interface MasterCategoryPlan {
  /** Ours renamed by the user: deleted, then made again under our name. */
  delete: MasterCategory[];
  create: { key: CategoryKey; displayName: string; color: string }[];
  /** Ours present under our exact name, by key. */
  kept: Partial<Record<CategoryKey, string>>;
}

/**
 * What to do to the master list. `knownIds`: the ids we last made, by key (a renamed one keeps its id
 * in Graph, so it is recognised even under the user's name).
 */
export function planMasterCategories(
  existing: readonly MasterCategory[],
  language: Locale,
  knownIds: Partial<Record<string, string>>,
): MasterCategoryPlan {
  const plan: MasterCategoryPlan = { delete: [], create: [], kept: {} };
  const byName = new Map(existing.map((c) => [c.displayName, c]));
  const byId = new Map(existing.map((c) => [c.id, c]));
  for (const key of CATEGORY_KEYS) {
    const name = categoryNames[language][key];
    const present = byName.get(name);
    const known = knownIds[key] ? byId.get(knownIds[key]) : undefined;
    if (known && known.displayName !== name && !ourCategoryNames().has(known.displayName))
      plan.delete.push(known);
    if (present) plan.kept[key] = present.id;
    else plan.create.push({ key, displayName: name, color: CATEGORY_COLORS[key] });
  }
  return plan;
}
