// A proxy in front of the tests' Radicale that can spoil its calendar-multiget answers the way a
// faulty server or middlebox does: leave some objects out, or answer 404 for objects that exist. Every
// other request passes unchanged (unless told to fail an object's GET); `multigets` counts the REPORTs seen, `gets` the objects read alone.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type MultigetSpoil = "drop" | "404";

export interface CaldavProxy {
  /** `http://127.0.0.1:port/`, the server URL a connection is given instead of Radicale's. */
  url: string;
  /** Objects whose path ends with one of these names are spoiled in multiget answers, as `how` says. */
  spoil(names: string[], how: MultigetSpoil): void;
  /** GETs of objects whose path ends with one of these names answer 500. */
  failGets(names: string[]): void;
  /** Runs once before the next multiget is forwarded (e.g. to delete an object in between). */
  beforeNextMultiget(f: () => Promise<void>): void;
  stats: { multigets: number; gets: string[] };
  close(): Promise<void>;
}

const responseBlock = /<(?:[\w-]+:)?response\b[^>]*>[\s\S]*?<\/(?:[\w-]+:)?response>/g;
const hrefOf = (block: string) => /<(?:[\w-]+:)?href>([^<]*)<\/(?:[\w-]+:)?href>/.exec(block)?.[1] ?? "";

export async function startCaldavProxy(target: string): Promise<CaldavProxy> {
  const to = new URL(target);
  let spoiled: { names: string[]; how: MultigetSpoil } = { names: [], how: "drop" };
  let before: (() => Promise<void>) | null = null;
  let failing: string[] = [];
  const stats = { multigets: 0, gets: [] as string[] };
  const hit = (href: string) => spoiled.names.some((n) => decodeURIComponent(href).endsWith(`/${n}`));
  const spoil = (xml: string) =>
    xml.replace(responseBlock, (block) => {
      const href = hrefOf(block);
      if (!hit(href)) return block;
      if (spoiled.how === "drop") return "";
      const p = /^<([\w-]+:)?/.exec(block)?.[1] ?? "";
      return `<${p}response><${p}href>${href}</${p}href><${p}status>HTTP/1.1 404 Not Found</${p}status></${p}response>`;
    });
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const multiget = req.method === "REPORT" && /calendar-multiget/.test(body.toString("utf8"));
      if (multiget) {
        stats.multigets++;
        const f = before;
        before = null;
        await f?.();
      }
      if (req.method === "GET") {
        stats.gets.push(req.url ?? "");
        if (failing.some((n) => decodeURIComponent(req.url ?? "").endsWith(`/${n}`))) {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end("server error");
          return;
        }
      }
      const { "accept-encoding": _, ...headers } = req.headers;
      const upstream = http.request(
        {
          host: to.hostname,
          port: to.port,
          method: req.method,
          path: req.url,
          headers: { ...headers, host: to.host },
        },
        (up) => {
          if (!multiget || !spoiled.names.length) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const parts: Buffer[] = [];
          up.on("data", (c: Buffer) => parts.push(c));
          up.on("end", () => {
            const text = spoil(Buffer.concat(parts).toString("utf8"));
            const { "content-length": _length, ...rest } = up.headers;
            res.writeHead(up.statusCode ?? 502, { ...rest, "content-length": Buffer.byteLength(text) });
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
    spoil: (names, how) => {
      spoiled = { names, how };
    },
    failGets: (names) => {
      failing = names;
    },
    beforeNextMultiget: (f) => {
      before = f;
    },
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
