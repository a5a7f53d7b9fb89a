// An open-loop load generator: requests leave at a fixed rate whatever the server's answers, and each
// latency is measured from the moment the request was due to leave, not from when it left. A closed
// loop (or a paced one that waits for a free connection) sends less while the server is slow and so
// under-reports the slow moments (coordinated omission); here a stall shows in every request due during it,
// including any lateness of this generator itself (which makes the figures conservative).
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface FixedRateResult {
  rate: number;
  seconds: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Answers per second over the run, from the first due time to the last answer. */
  achievedRate: number;
  /** Milliseconds from the due time to the end of the answer, over the 2xx answers. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Every 2xx answer's latency in ms, when asked for (to merge several runs' percentiles). */
  latencies?: number[];
}

export async function fixedRate(opts: {
  url: string;
  rate: number;
  seconds: number;
  headers?: Record<string, string>;
  path: (i: number) => string;
  timeoutMs?: number;
  keepLatencies?: boolean;
}): Promise<FixedRateResult> {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const latencies: number[] = [];
  const counts = { ok: 0, non2xx: 0, errors: 0, timeouts: 0 };
  const start = performance.now() + 20;
  let next = 0;
  let finished = 0;
  let lastAnswer = start;

  return new Promise((resolve) => {
    const done = () => {
      if (++finished < total) return;
      agent.destroy();
      const sorted = latencies.sort((a, b) => a - b);
      const at = (q: number) =>
        Math.round((sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? NaN) * 10) / 10;
      resolve({
        rate: opts.rate,
        seconds: opts.seconds,
        sent: total,
        ...counts,
        achievedRate: Math.round((counts.ok / (lastAnswer - start)) * 1000),
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: at(1),
        ...(opts.keepLatencies ? { latencies: sorted } : {}),
      });
    };
    const fire = (i: number, due: number) => {
      const req = http.get(
        { agent, host: target.hostname, port: target.port, path: opts.path(i), headers: opts.headers },
        (res) => {
          res.resume();
          res.on("end", () => {
            lastAnswer = performance.now();
            if (res.statusCode && res.statusCode < 300) {
              counts.ok++;
              latencies.push(lastAnswer - due);
            } else counts.non2xx++;
            done();
          });
        },
      );
      req.setTimeout(timeoutMs, () => {
        counts.timeouts++;
        req.destroy(new Error("timeout"));
      });
      req.on("error", (e) => {
        if (e.message !== "timeout") counts.errors++;
        done();
      });
    };
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        fire(next, start + next * interval);
        next++;
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
}
