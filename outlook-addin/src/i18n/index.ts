// The pane's language follows Office's display language (R-SB-6), not the browser's.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Locale, pickLocale } from "../../../shared/i18n.js";
import { type Catalog, en } from "./en.js";
import { es } from "./es.js";
import { it } from "./it.js";

const catalogs: Record<Locale, Catalog> = { en, es, it };

export interface I18n {
  locale: Locale;
  t(key: keyof Catalog, vars?: Record<string, string | number>): string;
  dateTime(iso: string): string;
  money(value: number, currency: string | null): string;
}

export function i18n(language: string): I18n {
  const locale = pickLocale(language);
  const catalog = catalogs[locale];
  const dt = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
  return {
    locale,
    t: (key, vars) => catalog[key].replace(/\{(\w+)\}/g, (_m, k) => String(vars?.[k] ?? "")),
    dateTime: (iso) => dt.format(new Date(iso)),
    money: (value, currency) =>
      currency
        ? new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 }).format(
            value,
          )
        : new Intl.NumberFormat(locale).format(value),
  };
}

export const I18nContext = createContext<I18n>(i18n("en"));
export const useI18n = () => useContext(I18nContext);
