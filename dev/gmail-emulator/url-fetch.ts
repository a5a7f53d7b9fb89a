// A fake of UrlFetchApp: synchronous like Apps Script, limited to the manifest's urlFetchWhitelist
// and the documented quotas (URL 2 KB, 100 headers, 8 KB of headers, 50 MB payload); the request
// itself goes over a synchronous transport to a real HTTP server.
import { Blob, toBytes } from "./blob.js";
import { Exception, requireScope, SCOPES } from "./scopes.js";

export const MAX_URL_LENGTH = 2048;
export const MAX_HEADERS = 100;
export const MAX_HEADER_BYTES = 8 * 1024;
export const MAX_PAYLOAD_BYTES = 50 * 1024 * 1024;

export interface WireRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  followRedirects: boolean;
}

export type WireResponse =
  | { status: number; headers: Record<string, string>; body: Uint8Array }
  | { error: string };

export type Transport = (req: WireRequest) => WireResponse;

interface FetchOptions {
  method?: string;
  contentType?: string;
  headers?: Record<string, string>;
  payload?: string | number[] | Blob | Record<string, string>;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
  validateHttpsCertificates?: boolean;
  escaping?: boolean;
}

export class HTTPResponse {
  constructor(
    private status: number,
    private headers: Record<string, string>,
    private body: Uint8Array,
  ) {}
  getResponseCode(): number {
    return this.status;
  }
  getHeaders(): Record<string, string> {
    return { ...this.headers };
  }
  getAllHeaders(): Record<string, string> {
    return { ...this.headers };
  }
  getContentText(charset = "UTF-8"): string {
    return new TextDecoder(charset.toLowerCase()).decode(this.body);
  }
  getContent(): number[] {
    return this.getBlob().getBytes();
  }
  getBlob(): Blob {
    return new Blob(this.body, this.headers["content-type"] ?? null, null);
  }
}

function encodePayload(options: FetchOptions): { body?: Uint8Array; contentType?: string } {
  const p = options.payload;
  if (p === undefined || p === null) return {};
  if (p instanceof Blob)
    return { body: p.data, contentType: options.contentType ?? p.getContentType() ?? undefined };
  if (typeof p === "string" || Array.isArray(p))
    return { body: toBytes(p), contentType: options.contentType ?? "application/x-www-form-urlencoded" };
  if (typeof p === "object") {
    const form = Object.keys(p)
      .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(p[k]))}`)
      .join("&");
    return { body: toBytes(form), contentType: options.contentType ?? "application/x-www-form-urlencoded" };
  }
  throw new Exception("Invalid argument: payload");
}

export function createUrlFetchApp(opts: {
  scopes: readonly string[];
  whitelist: readonly string[];
  transport: Transport;
}) {
  function fetch(url: string, options: FetchOptions = {}): HTTPResponse {
    requireScope(opts.scopes, "UrlFetchApp.fetch", [SCOPES.externalRequest]);
    if (typeof url !== "string") throw new Exception("Invalid argument: url");
    if (url.length > MAX_URL_LENGTH) throw new Exception(`Limit Exceeded: URLFetch URL Length.`);
    if (!/^https:\/\//i.test(url))
      throw new Exception(`Invalid argument: ${url} (Apps Script fetches only https URLs here)`);
    if (!opts.whitelist.some((prefix) => url.startsWith(prefix)))
      throw new Exception(
        `The URL ${url} is not in the add-on's urlFetchWhitelist (${opts.whitelist.join(", ") || "empty"}).`,
      );
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.headers ?? {})) {
      if (typeof v !== "string") throw new Exception(`Invalid argument: header ${k}`);
      headers[k] = v;
    }
    const { body, contentType } = encodePayload(options);
    if (contentType) headers["Content-Type"] = contentType;
    const names = Object.keys(headers);
    if (names.length > MAX_HEADERS) throw new Exception("Limit Exceeded: URLFetch headers.");
    if (names.reduce((n, k) => n + k.length + headers[k].length + 4, 0) > MAX_HEADER_BYTES)
      throw new Exception("Limit Exceeded: URLFetch header size.");
    if (body && body.length > MAX_PAYLOAD_BYTES) throw new Exception("Limit Exceeded: URLFetch POST Size.");
    const method = (options.method ?? "get").toUpperCase();
    const res = opts.transport({
      method,
      url,
      headers,
      body,
      followRedirects: options.followRedirects !== false,
    });
    if ("error" in res) throw new Exception(`${res.error}: ${url}`);
    if (res.status >= 400 && !options.muteHttpExceptions) {
      const text = new TextDecoder().decode(res.body).slice(0, 200);
      throw new Exception(
        `Request failed for ${url} returned code ${res.status}. Truncated server response: ${text} (use muteHttpExceptions option to examine full response)`,
      );
    }
    return new HTTPResponse(res.status, res.headers, res.body);
  }
  return Object.freeze({
    fetch,
    fetchAll(requests: (FetchOptions & { url: string })[]) {
      return requests.map((r) => fetch(r.url, r));
    },
  });
}
