// R-X-1..5: the Exchange contact integration routes (shared/api/exchange.ts) as the add-on uses them.
import type { z } from "zod";
import type {
  ExchangeIntegrationDto,
  exchangeCategoryChoices,
  exchangeFolders,
  exchangeSettingsPatch,
} from "../../shared/api/exchange.js";
import type { Locale } from "../../shared/i18n.js";
import { ApiProblem } from "./errors.js";
import type { HttpRequest } from "./host.js";

type Call = <T>(method: HttpRequest["method"], path: string, body?: { json?: unknown }) => T;
export type ExchangeCategoryChoices = z.infer<typeof exchangeCategoryChoices>;
export type ExchangeFolders = z.infer<typeof exchangeFolders>;

const at = (id: string) => `/api/v1/connections/${encodeURIComponent(id)}/exchange`;

export function exchangeCalls(call: Call) {
  return {
    /** null: never activated on this connection. */
    get(id: string): ExchangeIntegrationDto | null {
      try {
        return call<ExchangeIntegrationDto>("get", at(id));
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 404) return null;
        throw err;
      }
    },
    activate: (id: string, language: Locale) =>
      call<ExchangeIntegrationDto>("post", at(id), { json: { language } }),
    deactivate: (id: string) => call<ExchangeIntegrationDto>("post", `${at(id)}/deactivate`),
    update: (id: string, patch: z.infer<typeof exchangeSettingsPatch>) =>
      call<ExchangeIntegrationDto>("patch", at(id), { json: patch }),
    categories: (id: string) => call<ExchangeCategoryChoices>("get", `${at(id)}/categories`),
    folders: (id: string) => call<ExchangeFolders>("get", `${at(id)}/folders`),
  };
}
