// R-X: the Exchange view's words (shared/exchange-words.ts), loaded with the view rather than in the
// pane's catalogs, so the first card does not carry them.
import { type ExchangeWords, exchangeWords } from "../../../../shared/exchange-words.js";
import { useI18n } from "../../i18n/index.js";

export type ExchangeT = (key: keyof ExchangeWords, vars?: Record<string, string | number>) => string;

export function useExchangeWords(): ExchangeT {
  const { locale } = useI18n();
  const words = exchangeWords[locale];
  return (key, vars) => words[key].replace(/\{(\w+)\}/g, (_m, k) => String(vars?.[k] ?? ""));
}
