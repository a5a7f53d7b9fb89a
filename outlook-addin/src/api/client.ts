// The pane's only way to the server: same origin as the pane (R-SB-8), a bearer token on every call
// (R-SB-7), the Office display language as Accept-Language so badges come back localized (R-CAT-2).
import type { ContextResponse, LogEmailResponse } from "../../../shared/api/context.js";
import type { CrmEvent } from "../../../shared/api/events.js";
import type { SearchResult } from "../../../shared/api/records.js";
import type { MeetingRequest } from "../../../shared/meeting-form.js";
import type { Address } from "../host/types.js";
import { type ExchangeApi, exchangeApi } from "./exchange.js";
import { type SyncApi, syncApi } from "./sync.js";

/** The server could not be reached at all (offline, stopped, blocked). */
export class Unreachable extends Error {}
/** No token, or the server refused it. */
export class SignedOut extends Error {}
/** The server answered with problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly requestId: string | null,
    readonly errors: { path: string; message: string }[] = [],
  ) {
    super(detail || title);
  }
}

export interface Api {
  context(addresses: Address[], messageId: string | null): Promise<ContextResponse>;
  /** `skip`: positions in the message's attachment list (server order) not to store. */
  logEmail(raw: Uint8Array, skip?: number[]): Promise<LogEmailResponse>;
  createPerson(input: PersonDraft): Promise<{ id: string }>;
  createLead(input: LeadDraft): Promise<{ id: string }>;
  createEvent(input: MeetingRequest): Promise<CrmEvent>;
  /** Persons, companies and leads by name, email or phone. */
  search(q: string, limit?: number): Promise<SearchResult[]>;
  /** Adds an address to an existing record (the server checks the user may change it). */
  addEmail(type: SearchResult["type"], id: string, email: string): Promise<{ id: string; name: string }>;
  /** R-CON: the user's mail and calendar connections and their sync. */
  sync: SyncApi;
  /** R-X: the Exchange contact integration of a Microsoft connection. */
  exchange: ExchangeApi;
}

/** One authenticated request; JSON bodies are passed as text with their content type. */
export type Call = <T>(method: string, path: string, body?: BodyInit, type?: string) => Promise<T>;

export interface PersonDraft {
  firstName: string;
  lastName: string;
  title?: string | null;
  emails: string[];
  /** An existing company; or `companyName`, which the server finds or creates. */
  companyId?: string | null;
  companyName?: string | null;
}
export interface LeadDraft extends Omit<PersonDraft, "companyId"> {
  companyName?: string | null;
}

/** `"Name" <a@b>` as the context endpoint takes it; the name feeds the create suggestions. */
export function formatAddress(a: Address): string {
  return a.name ? `"${a.name.replace(/["\\]/g, "")}" <${a.email}>` : a.email;
}

export function createApi(token: (interactive: boolean) => Promise<string | null>, language: string): Api {
  async function call<T>(method: string, path: string, body?: BodyInit, type?: string): Promise<T> {
    const bearer = await token(false);
    if (!bearer) throw new SignedOut("signed out");
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: {
          authorization: `Bearer ${bearer}`,
          "accept-language": language,
          accept: "application/json",
          ...(type ? { "content-type": type } : {}),
        },
        body,
      });
    } catch {
      throw new Unreachable("unreachable");
    }
    if (res.status === 401) throw new SignedOut("refused");
    if (!res.ok) {
      const p = await res.json().catch(() => ({}));
      if (res.status >= 502 && !p.title) throw new Unreachable(`HTTP ${res.status}`);
      throw new ApiProblem(
        res.status,
        p.title ?? `HTTP ${res.status}`,
        p.detail ?? "",
        p.requestId ?? res.headers.get("x-request-id"),
        p.errors,
      );
    }
    return (await res.json()) as T;
  }
  const json = (value: unknown) => JSON.stringify(value);
  return {
    context(addresses, messageId) {
      const q = new URLSearchParams();
      for (const a of addresses.slice(0, 100)) q.append("address", formatAddress(a));
      if (messageId) q.set("messageId", messageId);
      return call("GET", `/api/v1/context?${q}`);
    },
    logEmail(raw, skip = []) {
      const q = skip.map((i) => `skipAttachment=${i}`).join("&");
      return call("POST", `/api/v1/emails${q ? `?${q}` : ""}`, raw as unknown as BodyInit, "message/rfc822");
    },
    createPerson: (input) => call("POST", "/api/v1/persons", json(input), "application/json"),
    createLead: (input) => call("POST", "/api/v1/leads", json(input), "application/json"),
    createEvent: (input) => call("POST", "/api/v1/events", json(input), "application/json"),
    async search(q, limit = 20) {
      const found = await call<{ items: SearchResult[] }>(
        "GET",
        `/api/v1/search?${new URLSearchParams({ q, limit: String(limit) })}`,
      );
      return found.items;
    },
    addEmail(type, id, email) {
      const plural = { person: "persons", company: "companies", lead: "leads" }[type];
      return call(
        "POST",
        `/api/v1/${plural}/${encodeURIComponent(id)}/emails`,
        json({ email }),
        "application/json",
      );
    },
    sync: syncApi(call),
    exchange: exchangeApi(call),
  };
}
