// A signed-in CalDAV account: tsdav's requests with HTTP Basic (the account's app password), through one
// fetch that (1) checks every host it is about to reach against the private-address policy, redirects
// included (iCloud moves each account to its own pNN-caldav host), and connects to the address it
// checked (node:http with a pinned lookup: Node's fetch would resolve the name again, and a DNS answer
// changed in between would slip through), (2) refuses to send the password over plain http to a public
// host, (3) bounds each request with a timeout. Nothing here logs: tsdav's own
// debug output stays off and the password exists only in the Authorization header.
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { getBasicAuthHeaders } from "tsdav";
import { isPublicAddress, type PrivateHostAllowance, resolveAllowedAddress } from "../private-hosts.js";

export interface CaldavCredentials {
  username: string;
  /** An app-specific password for iCloud and Yahoo; never logged. */
  password: string;
}

export interface CaldavAccount extends CaldavCredentials {
  /** Where discovery starts: a profile's URL or the one the user typed. */
  serverUrl: string;
}

export interface CaldavConnectOptions {
  /** Which private hosts may be reached (CONCILIA_ALLOW_PRIVATE_HOSTS); none by default. */
  allowPrivate: PrivateHostAllowance;
  /** Budget of one request, headers and body; default 30 s. */
  timeoutMs?: number;
  /** Ends every request of this client, e.g. the sync step's signal. */
  signal?: AbortSignal;
  /** Resolver, for tests that need a name pointing somewhere particular. */
  lookup?: (host: string) => Promise<{ address: string }[]>;
}

/** Where discovery led: the URLs every later request starts from. */
export interface CaldavClient {
  rootUrl: string;
  principalUrl: string;
  homeUrl: string;
  /** Authorization for tsdav's calls. */
  headers: Record<string, string>;
  /** The guarded fetch (see above), for tsdav's `fetch` parameter and the writes. */
  fetch: typeof fetch;
}

/** A URL that would carry the password in clear text to a public host. */
export class InsecureUrlError extends Error {
  constructor(readonly url: string) {
    super(`${new URL(url).host} is reached over plain http; use https so the password is not sent in clear.`);
    this.name = "InsecureUrlError";
  }
}

/** A request that took longer than the client's budget. */
export class CaldavTimeoutError extends Error {
  constructor(readonly url: string) {
    super(`${new URL(url).host} did not answer in time.`);
    this.name = "CaldavTimeoutError";
  }
}

const MAX_REDIRECTS = 5;

export function basicAuthHeaders(credentials: CaldavCredentials): Record<string, string> {
  return getBasicAuthHeaders({ username: credentials.username, password: credentials.password });
}

/**
 * The fetch every CalDAV request goes through. Redirects are followed here, one checked hop at a time
 * (fetch's own following would reach an unchecked host); callers asking for `redirect: "manual"`
 * (tsdav's .well-known discovery) see the 3xx themselves. `seen` collects each status answered, so the
 * connectivity test can tell a refused login from a missing service.
 */
export function guardedFetch(opts: CaldavConnectOptions, seen?: number[]): typeof fetch {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return async (input, init = {}) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    let method = init.method ?? "GET";
    let body = init.body;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "https:" && url.protocol !== "http:")
        throw new TypeError(`Only http and https URLs are reached, not ${url.protocol}`);
      const address = await resolveAllowedAddress(url.hostname, opts.allowPrivate, opts.lookup);
      if (url.protocol === "http:" && isPublicAddress(address)) throw new InsecureUrlError(url.href);
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
      let res: Response;
      try {
        res = await pinnedRequest(url, address, method, init.headers, body, signal);
      } catch (err) {
        if (timeout.aborted) throw new CaldavTimeoutError(url.href);
        throw err;
      }
      seen?.push(res.status);
      const location = res.headers.get("location");
      if (init.redirect === "manual" || res.status < 300 || res.status >= 400 || !location) return res;
      if (hop >= MAX_REDIRECTS) return res;
      await res.body?.cancel();
      const next = new URL(location, url);
      if (url.protocol === "https:" && next.protocol === "http:") throw new InsecureUrlError(next.href);
      // 303 turns the request into a GET; WebDAV servers redirect PROPFIND/REPORT with 301/302/307/308.
      if (res.status === 303) {
        method = "GET";
        body = undefined;
      }
      url = next;
    }
  };
}

const MAX_BODY_BYTES = 50 * 1024 * 1024;

/** One HTTP exchange with `url`'s host reached at `address`; TLS still checks the host name. */
function pinnedRequest(
  url: URL,
  address: string,
  method: string,
  headers: RequestInit["headers"],
  body: RequestInit["body"],
  signal: AbortSignal,
): Promise<Response> {
  const family = net.isIP(address);
  const lookup: net.LookupFunction = (_host, opts, callback) => {
    if ((opts as { all?: boolean }).all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  const outgoing = new Headers(headers);
  const payload = body == null ? null : typeof body === "string" ? Buffer.from(body) : null;
  if (body != null && payload === null) throw new TypeError("Only string request bodies are sent.");
  if (payload) outgoing.set("content-length", String(payload.length));
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method,
        headers: Object.fromEntries(outgoing.entries()),
        lookup,
        signal,
        minVersion: "TLSv1.2",
      } as https.RequestOptions,
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES)
            req.destroy(new Error(`The answer of ${url.host} is larger than 50 MB.`));
          else chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
            else if (value !== undefined) responseHeaders.set(name, value);
          }
          const nullBody = status === 204 || status === 304 || status < 200;
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status,
              statusText: res.statusMessage,
              headers: responseHeaders,
            }),
          );
        });
      },
    );
    req.on("error", reject);
    req.end(payload ?? undefined);
  });
}
