// The open-loop load generator of bench/_fixed-rate.ts in a process of its own (bench/_fixed-rate-process.ts
// starts it): the benchmark process that serves the emulators to syncing workers cannot then delay the
// requests' departures or the reading of their answers, which would count as the server's latency. It
// runs one job per message, so that several measured windows share one start-up.
import { type FixedRateResult, fixedRate } from "./_fixed-rate.js";

export interface FixedRateJob {
  url: string;
  rate: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Cycled in order. */
  paths: string[];
  keepLatencies?: boolean;
}

export type FixedRateChildResult = FixedRateResult & { cpuSeconds: number };

process.on("message", async (job: FixedRateJob) => {
  const cpu0 = process.cpuUsage();
  const result = await fixedRate({ ...job, path: (i) => job.paths[i % job.paths.length] });
  const cpu = process.cpuUsage(cpu0);
  process.send?.({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 } satisfies FixedRateChildResult);
});
