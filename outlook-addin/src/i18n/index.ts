// The pane's language follows Office's display language (R-SB-6), not the browser's; its clock is the
// mailbox's time zone, not the machine's.
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { type Format, formatFor } from "../../../shared/format.js";
import { type Locale, pickLocale } from "../../../shared/i18n.js";
import { type Catalog, en } from "./en.js";
import { es } from "./es.js";
import { it } from "./it.js";

const catalogs: Record<Locale, Catalog> = { en, es, it };

export interface I18n {
  locale: Locale;
  /** The mailbox's IANA zone: the user's clock. */
  timeZone: string;
  t(key: keyof Catalog, vars?: Record<string, string | number>): string;
  /** Date and time on the user's clock, or on `enteredIn`'s clock with that zone named (R-ACT-5). */
  dateTime: Format["dateTime"];
  /** An event's start: an all-day event's date as it is, else dateTime on the event's clock. */
  eventStart: Format["eventStart"];
  money: Format["money"];
}

export function i18n(language: string, timeZone = "UTC"): I18n {
  const locale = pickLocale(language);
  const catalog = catalogs[locale];
  const format = formatFor(language, timeZone);
  return {
    locale,
    timeZone,
    t: (key, vars) => catalog[key].replace(/\{(\w+)\}/g, (_m, k) => String(vars?.[k] ?? "")),
    dateTime: format.dateTime,
    eventStart: (e) => format.eventStart(e),
    money: format.money,
  };
}

export const I18nContext = createContext<I18n>(i18n("en"));
export const useI18n = () => useContext(I18nContext);
