// The global scope of one Apps Script execution: only the services Apps Script provides (no fetch,
// no timers, no TextEncoder, no Node), each a faithful fake. A fresh context per execution, as in
// Apps Script; the user's cache and properties outlive it.
import vm from "node:vm";
import { newBlob } from "./blob.js";
import { createCardService } from "./card-service.js";
import type { DemoMessage } from "./demo-messages.js";
import { formatDate } from "./format-date.js";
import { createGmailApp } from "./gmail-app.js";
import { SCOPES } from "./scopes.js";
import { type CacheEntry, cache, properties } from "./stores.js";
import { createUrlFetchApp, type Transport } from "./url-fetch.js";

export interface Manifest {
  oauthScopes: string[];
  urlFetchWhitelist?: string[];
  addOns?: any;
  [key: string]: unknown;
}

/** What persists between executions for one user: Apps Script's user cache and properties. */
export interface UserStores {
  cache: Map<string, CacheEntry>;
  scriptCache: Map<string, CacheEntry>;
  userProperties: Map<string, string>;
  scriptProperties: Map<string, string>;
}

export const newUserStores = (): UserStores => ({
  cache: new Map(),
  scriptCache: new Map(),
  userProperties: new Map(),
  scriptProperties: new Map(),
});

export interface ExecutionOptions {
  manifest: Manifest;
  messages: DemoMessage[];
  stores: UserStores;
  transport: Transport;
  /** What Google would mint for this user (an ID token); withheld without the openid scope. */
  identityToken: string | null;
  grant: { messageId: string; accessToken: string } | null;
  logs: string[];
}

export function executionGlobals(o: ExecutionOptions): Record<string, unknown> {
  const scopes = o.manifest.oauthScopes ?? [];
  const log = (...args: unknown[]) => {
    o.logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  return {
    CardService: createCardService(),
    UrlFetchApp: createUrlFetchApp({
      scopes,
      whitelist: o.manifest.urlFetchWhitelist ?? [],
      transport: o.transport,
    }),
    GmailApp: createGmailApp({ scopes, messages: o.messages, grant: o.grant }),
    ScriptApp: Object.freeze({
      getIdentityToken: () => (scopes.includes(SCOPES.openid) ? o.identityToken : null),
      getOAuthToken: () => "ya29.fake-oauth-token-not-for-the-concilia-server",
    }),
    PropertiesService: Object.freeze({
      getUserProperties: () => properties(o.stores.userProperties),
      getScriptProperties: () => properties(o.stores.scriptProperties),
      getDocumentProperties: () => null,
    }),
    CacheService: Object.freeze({
      getUserCache: () => cache(o.stores.cache),
      getScriptCache: () => cache(o.stores.scriptCache),
      getDocumentCache: () => null,
    }),
    Utilities: Object.freeze({ newBlob, formatDate }),
    Logger: Object.freeze({ log }),
    console: Object.freeze({ log, info: log, warn: log, error: log }),
  };
}

/** Runs Code.js in a fresh context and returns its global object (the top-level functions). */
export function loadBundle(script: vm.Script, globals: Record<string, unknown>): Record<string, unknown> {
  const context = vm.createContext({ ...globals }, { codeGeneration: { strings: false, wasm: false } });
  script.runInContext(context, { timeout: 30_000 });
  return context as Record<string, unknown>;
}
