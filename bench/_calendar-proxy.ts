// A counting HTTP proxy in front of a provider: every request the sync engine makes passes through it
// and is counted by method and, for REPORT, by the report it asks for (sync-collection, calendar-multiget,
// calendar-query), so the benchmark counts what reached the provider, not what the client meant to send.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RequestCounts = Record<string, number> & { total: number };

export interface CountingProxy {
  url: string;
  snapshot(): RequestCounts;
  reset(): void;
  close(): Promise<void>;
}

function kindOf(method: string, body: string): string {
  if (method !== "REPORT") return method;
  const m = /<(?:[\w-]+:)?(sync-collection|calendar-multiget|calendar-query)\b/.exec(body);
  return `REPORT ${m?.[1] ?? "other"}`;
}

/** `onRequest` sees each request's kind as it arrives, before it is passed on (tests cut a step there). */
export async function startCountingProxy(
  target: string,
  onRequest?: (kind: string) => void,
): Promise<CountingProxy> {
  const to = new URL(target);
  let counts: RequestCounts = { total: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const kind = kindOf(req.method ?? "GET", body.toString("utf8"));
      counts[kind] = (counts[kind] ?? 0) + 1;
      counts.total++;
      onRequest?.(kind);
      const headers = { ...req.headers, host: to.host };
      const upstream = http.request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
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
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
