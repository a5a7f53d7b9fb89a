// `concilia worker`: works the shared job queue on PostgreSQL. Several may run at once: pg-boss hands
// each job to one of them, and a job whose worker died is handed out again after its expiry.
import { closeContext, createContext } from "./bootstrap.js";
import { type Config, ConfigError } from "./config.js";
import type { Logger } from "./log.js";
import { serveWorkerMetrics } from "./worker-metrics.js";
import { lowerCpuPriority } from "./worker-priority.js";
import { startWorking } from "./working.js";

export async function runWorker(config: Config, log: Logger) {
  if (!config.DATABASE_URL)
    throw new ConfigError(
      "concilia worker needs DATABASE_URL (PostgreSQL). On the embedded database `concilia serve` works the queue itself: two processes must never open one data folder.",
    );
  const nice = lowerCpuPriority(config.CONCILIA_WORKER_NICE, log);
  const ctx = await createContext(config, log);
  const metrics = config.CONCILIA_METRICS_PORT
    ? await serveWorkerMetrics(config.HOST, config.CONCILIA_METRICS_PORT)
    : null;
  await startWorking(ctx);
  log.info({ metrics: metrics?.url, nice }, "worker started");
  console.log(
    `concilia worker: working the job queue at nice ${nice}${metrics ? `; metrics at ${metrics.url}/metrics` : ""}`,
  );
  const stop = async () => {
    await metrics?.close();
    await closeContext(ctx);
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}
