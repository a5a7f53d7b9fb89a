// What a `concilia worker` counts (sync items, errors, throttling, lag) lives in the worker's own
// process, which has no API to read it from: with CONCILIA_METRICS_PORT set it serves /metrics
// (Prometheus) and /healthz on HOST at that port, for the monitoring to scrape each worker.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { registry } from "./metrics.js";

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export function serveWorkerMetrics(host: string, port: number): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500).end();
        },
      );
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(404, { "content-type": "application/problem+json" });
    res.end(JSON.stringify({ type: "about:blank", title: "Not found", status: 404 }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
