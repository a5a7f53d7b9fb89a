// The Concilia API as the add-on uses it: one HTTPS origin, a bearer token on every call (R-SB-7).
import type { ContextResponse, LogEmailResponse } from "../../shared/api/context.js";
import type { CrmEvent } from "../../shared/api/events.js";
import type { Lead, Person, SearchResult } from "../../shared/api/records.js";
import type { MeetingRequest } from "../../shared/meeting-form.js";
import { ApiProblem, NoIdentity, Unreachable } from "./errors.js";
import { exchangeCalls } from "./exchange-api.js";
import { type HttpRequest, httpFetch, rfc822Blob } from "./host.js";
import { syncCalls } from "./sync-api.js";

/** Apps Script refuses URLs over 2 KB (quota "URL Fetch URL length"); keep a margin. */
export const MAX_URL_LENGTH = 2000;

export interface ApiOptions {
  origin: string;
  locale: string;
  /** Google ID token in Gmail; a Concilia token (cnc_…) after a sign-in by code or in the dev preview. */
  token: () => string | null;
  /** Called when the server refuses the token (401), e.g. to forget a revoked Concilia token. */
  onRefused?: () => void;
}

export type Api = ReturnType<typeof createApi>;

export function createApi(opts: ApiOptions) {
  function call<T>(method: HttpRequest["method"], path: string, body?: { json?: unknown; raw?: string }): T {
    const token = opts.token();
    if (!token) throw new NoIdentity("no identity token");
    const req: HttpRequest = {
      method,
      url: opts.origin + path,
      headers: {
        Authorization: `Bearer ${token}`,
        Accept: "application/json",
        "Accept-Language": opts.locale,
      },
    };
    if (body?.json !== undefined) {
      req.payload = JSON.stringify(body.json);
      req.contentType = "application/json";
    } else if (body?.raw !== undefined) {
      req.payload = rfc822Blob(body.raw);
      req.contentType = "message/rfc822";
    }
    let res: ReturnType<typeof httpFetch>;
    try {
      res = httpFetch(req);
    } catch (e) {
      throw new Unreachable(String((e as Error)?.message ?? e));
    }
    let parsed: any = null;
    try {
      parsed = res.text ? JSON.parse(res.text) : null;
    } catch (_e) {
      parsed = null;
    }
    if (res.status >= 200 && res.status < 300 && parsed !== null) return parsed as T;
    if (res.status === 401) opts.onRefused?.();
    if (parsed && typeof parsed === "object" && (parsed.detail || parsed.title))
      throw new ApiProblem(
        res.status,
        String(parsed.title ?? ""),
        String(parsed.detail ?? ""),
        parsed.errors ?? [],
        typeof parsed.type === "string" ? parsed.type : undefined,
      );
    // Proxies and load balancers answer with HTML; a 502 from one means the server is not there.
    if (res.status === 502 || res.status === 503 || res.status === 504)
      throw new Unreachable(`HTTP ${res.status}`);
    throw new ApiProblem(res.status, "", "");
  }

  return {
    /**
     * R-SB-7: a one-time code from Concilia's sign-in page exchanged for a Concilia token. Public: it
     * needs no bearer token, so it works exactly when the Google identity does not.
     */
    redeemCode(code: string): { token: string; user: { email: string } } | null {
      let res: ReturnType<typeof httpFetch>;
      try {
        res = httpFetch({
          method: "post",
          url: `${opts.origin}/auth/token`,
          headers: { Accept: "application/json", "Accept-Language": opts.locale },
          payload: JSON.stringify({ code, name: "Gmail add-on" }),
          contentType: "application/json",
        });
      } catch (e) {
        throw new Unreachable(String((e as Error)?.message ?? e));
      }
      if (res.status === 401 || res.status === 400) return null;
      if (res.status < 200 || res.status >= 300) throw new ApiProblem(res.status, "", "");
      return JSON.parse(res.text);
    },
    /** R-SB-8: every address of the message in one request, as many as fit in one URL. */
    context(addresses: string[], messageId: string | null): { response: ContextResponse; omitted: number } {
      let query = messageId ? `messageId=${encodeURIComponent(messageId)}` : "";
      let used = 0;
      for (const a of addresses.slice(0, 100)) {
        const part = `address=${encodeURIComponent(a)}`;
        const next = query ? `${query}&${part}` : part;
        if (opts.origin.length + "/api/v1/context?".length + next.length > MAX_URL_LENGTH) break;
        query = next;
        used++;
      }
      const response = call<ContextResponse>("get", `/api/v1/context?${query}`);
      return { response, omitted: addresses.length - used };
    },
    /** R-SB-7: links this Google account to the user who got the one-time code on the sign-in page. */
    link: (code: string) =>
      call<{ user: { email: string } }>("post", "/auth/link", { json: { code, idToken: opts.token() } }),
    logEmail: (raw: string) => call<LogEmailResponse>("post", "/api/v1/emails", { raw }),
    createPerson: (body: Record<string, unknown>) => call<Person>("post", "/api/v1/persons", { json: body }),
    createLead: (body: Record<string, unknown>) => call<Lead>("post", "/api/v1/leads", { json: body }),
    createEvent: (body: MeetingRequest) => call<CrmEvent>("post", "/api/v1/events", { json: body }),
    search: (q: string, limit: number) =>
      call<{ items: SearchResult[] }>("get", `/api/v1/search?q=${encodeURIComponent(q)}&limit=${limit}`),
    /** Adds an address to an existing record; the server checks that the user may change it. */
    addEmail: (type: "person" | "company" | "lead", id: string, email: string) =>
      call<{ id: string; name: string }>(
        "post",
        `/api/v1/${{ person: "persons", company: "companies", lead: "leads" }[type]}/${encodeURIComponent(id)}/emails`,
        { json: { email } },
      ),
    recentPersons: (limit: number) =>
      call<{ items: Person[]; nextCursor: string | null }>("get", `/api/v1/persons?limit=${limit}`),
    /** R-CON: the user's mail and calendar connections and their sync. */
    sync: syncCalls(call),
    exchange: exchangeCalls(call),
  };
}
