// R-CAT-1 / R-CAT-2: the one category computation both sidebars, the API and the Exchange contact sync
// (server/sync/contacts/crm-contact.ts) use. Pure, so a badge reads the same everywhere.
import { type Locale, pickLocale } from "./i18n.js";

export type KindCategory = "person" | "company" | "lead";
export type StatusCategory = "current_customer" | "former_customer" | "current_prospect" | "lost_prospect";
export type CategoryKey = KindCategory | StatusCategory;
export type DealStatus = "open" | "won" | "lost" | "unqualified";

export interface CategoryInput {
  kind: KindCategory;
  customerStatus?: "none" | "current" | "former";
  dealStatuses: readonly DealStatus[];
}

export interface Categories {
  kind: KindCategory;
  status: StatusCategory | null;
}

/** R-CAT-1: one kind, at most one status; the first matching status wins. */
export function categorize(input: CategoryInput): Categories {
  const cs = input.customerStatus ?? "none";
  const deals = input.dealStatuses;
  let status: StatusCategory | null = null;
  if (cs === "current" || (deals.includes("won") && cs !== "former")) status = "current_customer";
  else if (cs === "former") status = "former_customer";
  else if (deals.includes("open")) status = "current_prospect";
  else if (deals.length > 0 && deals.every((d) => d === "lost" || d === "unqualified"))
    status = "lost_prospect";
  return { kind: input.kind, status };
}

/** R-CAT-2: the full names, as the Exchange categories carry them. */
export const categoryNames: Record<Locale, Record<CategoryKey, string>> = {
  en: {
    person: "Concilia Person",
    company: "Concilia Company",
    lead: "Concilia Lead",
    current_prospect: "Concilia Current prospect",
    lost_prospect: "Concilia Lost prospect",
    current_customer: "Concilia Current customer",
    former_customer: "Concilia Former customer",
  },
  es: {
    person: "Persona de Concilia",
    company: "Compañía de Concilia",
    lead: "Lead de Concilia",
    current_prospect: "Cliente potencial actual de Concilia",
    lost_prospect: "Cliente potencial perdido de Concilia",
    current_customer: "Cliente actual de Concilia",
    former_customer: "Cliente anterior de Concilia",
  },
  it: {
    person: "Persona di Concilia",
    company: "Azienda di Concilia",
    lead: "Lead di Concilia",
    current_prospect: "Cliente potenziale attuale di Concilia",
    lost_prospect: "Cliente potenziale perso di Concilia",
    current_customer: "Cliente attuale di Concilia",
    former_customer: "Cliente precedente di Concilia",
  },
};

/** The short form the sidebars show as a badge: the full name without the product name. */
export const badgeLabels: Record<Locale, Record<CategoryKey, string>> = {
  en: {
    person: "Person",
    company: "Company",
    lead: "Lead",
    current_prospect: "Current prospect",
    lost_prospect: "Lost prospect",
    current_customer: "Current customer",
    former_customer: "Former customer",
  },
  es: {
    person: "Persona",
    company: "Compañía",
    lead: "Lead",
    current_prospect: "Cliente potencial actual",
    lost_prospect: "Cliente potencial perdido",
    current_customer: "Cliente actual",
    former_customer: "Cliente anterior",
  },
  it: {
    person: "Persona",
    company: "Azienda",
    lead: "Lead",
    current_prospect: "Cliente potenziale attuale",
    lost_prospect: "Cliente potenziale perso",
    current_customer: "Cliente attuale",
    former_customer: "Cliente precedente",
  },
};

export interface Badge {
  key: CategoryKey;
  label: string;
  name: string;
}

/** The badge a sidebar shows: the status category when there is one, else the kind. */
export function badgeFor(categories: Categories, locale: string): Badge {
  const l = pickLocale(locale);
  const key: CategoryKey = categories.status ?? categories.kind;
  return { key, label: badgeLabels[l][key], name: categoryNames[l][key] };
}

/** Every category a record is filed under, as full names (Exchange files a contact under both). */
export function categoryNamesFor(categories: Categories, locale: string): string[] {
  const l = pickLocale(locale);
  const names = [categoryNames[l][categories.kind]];
  if (categories.status) names.push(categoryNames[l][categories.status]);
  return names;
}
