// R-X-1..5: the Exchange contact integration routes (shared/api/exchange.ts) as the pane uses them.
// Types only: zod stays out of the bundle.
import type { z } from "zod";
import type {
  ExchangeIntegrationDto,
  exchangeCategoryChoices,
  exchangeFolders,
  exchangeSettingsPatch,
} from "../../../shared/api/exchange.js";
import type { Locale } from "../../../shared/i18n.js";
import { ApiProblem, type Call } from "./client.js";

export type ExchangeCategoryChoices = z.infer<typeof exchangeCategoryChoices>;
export type ExchangeFolders = z.infer<typeof exchangeFolders>;
export type ExchangeSettingsPatch = z.infer<typeof exchangeSettingsPatch>;

export interface ExchangeApi {
  /** null: the integration was never activated on this connection. */
  get(connectionId: string): Promise<ExchangeIntegrationDto | null>;
  activate(connectionId: string, language: Locale): Promise<ExchangeIntegrationDto>;
  deactivate(connectionId: string): Promise<ExchangeIntegrationDto>;
  update(connectionId: string, patch: ExchangeSettingsPatch): Promise<ExchangeIntegrationDto>;
  categories(connectionId: string): Promise<ExchangeCategoryChoices>;
  folders(connectionId: string): Promise<ExchangeFolders>;
}

const JSON_TYPE = "application/json";

export function exchangeApi(call: Call): ExchangeApi {
  const at = (id: string) => `/api/v1/connections/${encodeURIComponent(id)}/exchange`;
  return {
    async get(id) {
      try {
        return await call<ExchangeIntegrationDto>("GET", at(id));
      } catch (err) {
        if (err instanceof ApiProblem && err.status === 404) return null;
        throw err;
      }
    },
    activate: (id, language) => call("POST", at(id), JSON.stringify({ language }), JSON_TYPE),
    deactivate: (id) => call("POST", `${at(id)}/deactivate`),
    update: (id, patch) => call("PATCH", at(id), JSON.stringify(patch), JSON_TYPE),
    categories: (id) => call("GET", `${at(id)}/categories`),
    folders: (id) => call("GET", `${at(id)}/folders`),
  };
}
