// `concilia serve` (API and push routes, CONCILIA_WORKER=off) and one `concilia worker`, each its own
// child process as in production, for the calendar benchmark.
import { spawnConcilia, untilHealthy } from "./_concilia-processes.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ConciliaProcesses {
  url: string;
  stop(): Promise<void>;
}

export async function startConcilia(
  env: Record<string, string>,
  serverUrl: string,
): Promise<ConciliaProcesses> {
  const server = spawnConcilia(["serve", "--no-demo"], { ...env, CONCILIA_WORKER: "off" });
  const worker = spawnConcilia(["worker"], env);
  const stop = async () => {
    for (const p of [worker, server]) if (p.exitCode === null) p.kill("SIGTERM");
    await sleep(1000);
    for (const p of [worker, server]) if (p.exitCode === null) p.kill("SIGKILL");
  };
  await untilHealthy(serverUrl).catch(async (err) => {
    await stop();
    throw err;
  });
  return { url: serverUrl, stop };
}
