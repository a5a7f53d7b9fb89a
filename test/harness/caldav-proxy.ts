// An HTTP proxy in front of a CalDAV server (the tests' Radicale, or the benchmark's). It counts every
// request by method and, for REPORT, by the report it asks for (sync-collection, calendar-multiget,
// calendar-query), so a test or benchmark counts what reached the server, not what the client meant
// to send. Tests can also make it act like a faulty server or middlebox: spoil calendar-multiget
// answers (leave some objects out, or answer 404 for objects that exist) or fail an object's GET.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RequestCounts = Record<string, number> & { total: number };
export type MultigetSpoil = "drop" | "404";

export interface CaldavProxy {
  /** `http://127.0.0.1:port/`, the server URL a connection is given instead of the real server's. */
  url: string;
  snapshot(): RequestCounts;
  reset(): void;
  /** Objects whose path ends with one of these names are spoiled in multiget answers, as `how` says. */
  spoil(names: string[], how: MultigetSpoil): void;
  /** GETs of objects whose path ends with one of these names answer 500. */
  failGets(names: string[]): void;
  /** Runs once before the next multiget is forwarded (e.g. to delete an object in between). */
  beforeNextMultiget(f: () => Promise<void>): void;
  /** The paths of the objects read alone (GET), in order. */
  gets: string[];
  close(): Promise<void>;
}

function kindOf(method: string, body: string): string {
  if (method !== "REPORT") return method;
  const m = /<(?:[\w-]+:)?(sync-collection|calendar-multiget|calendar-query)\b/.exec(body);
  return `REPORT ${m?.[1] ?? "other"}`;
}

const responseBlock = /<(?:[\w-]+:)?response\b[^>]*>[\s\S]*?<\/(?:[\w-]+:)?response>/g;
const hrefOf = (block: string) => /<(?:[\w-]+:)?href>([^<]*)<\/(?:[\w-]+:)?href>/.exec(block)?.[1] ?? "";
const endsWithOneOf = (path: string, names: string[]) =>
  names.some((n) => decodeURIComponent(path).endsWith(`/${n}`));

/** A multistatus answer with the named objects' responses dropped or turned into 404s. */
function spoiledMultiget(xml: string, names: string[], how: MultigetSpoil): string {
  return xml.replace(responseBlock, (block) => {
    const href = hrefOf(block);
    if (!endsWithOneOf(href, names)) return block;
    if (how === "drop") return "";
    const p = /^<([\w-]+:)?/.exec(block)?.[1] ?? "";
    return `<${p}response><${p}href>${href}</${p}href><${p}status>HTTP/1.1 404 Not Found</${p}status></${p}response>`;
  });
}

/** `onRequest` sees each request's kind as it arrives, before it is passed on (tests cut a step there). */
export async function startCaldavProxy(
  target: string,
  onRequest?: (kind: string) => void,
): Promise<CaldavProxy> {
  const to = new URL(target);
  let counts: RequestCounts = { total: 0 };
  let spoiled: { names: string[]; how: MultigetSpoil } = { names: [], how: "drop" };
  let before: (() => Promise<void>) | null = null;
  let failing: string[] = [];
  const gets: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const kind = kindOf(req.method ?? "GET", body.toString("utf8"));
      counts[kind] = (counts[kind] ?? 0) + 1;
      counts.total++;
      onRequest?.(kind);
      const multiget = kind === "REPORT calendar-multiget";
      if (multiget) {
        const f = before;
        before = null;
        await f?.();
      }
      if (req.method === "GET") {
        gets.push(req.url ?? "");
        if (endsWithOneOf(req.url ?? "", failing)) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("server error");
          return;
        }
      }
      // An answer to be rewritten is asked for uncompressed; every other one passes as the server sends it.
      const rewrite = multiget && spoiled.names.length > 0;
      const headers: http.OutgoingHttpHeaders = { ...req.headers, host: to.host };
      if (rewrite) delete headers["accept-encoding"];
      const upstream = http.request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (up) => {
          if (!rewrite) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          up.on("data", (c: Buffer) => parts.push(c));
          up.on("end", () => {
            const text = spoiledMultiget(Buffer.concat(parts).toString("utf8"), spoiled.names, spoiled.how);
            const { "content-length": _length, ...upHeaders } = up.headers;
            res.writeHead(up.statusCode ?? 502, { ...upHeaders, "content-length": Buffer.byteLength(text) });
            res.end(text);
          });
        },
      );
      upstream.on("error", () => {
        res.writeHead(502);
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    snapshot: () => ({ ...counts }),
    reset: () => {
      counts = { total: 0 };
    },
    spoil: (names, how) => {
      spoiled = { names, how };
    },
    failGets: (names) => {
      failing = names;
    },
    beforeNextMultiget: (f) => {
      before = f;
    },
    gets,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
