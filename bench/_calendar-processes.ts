// `concilia serve` (API and push routes, CONCILIA_WORKER=off) and one `concilia worker`, each its own
// child process as in production, for the calendar benchmark.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnConcilia(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ["bin/concilia.mjs", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let tail = "";
  child.stderr?.on("data", (d) => {
    tail = (tail + d).slice(-3000);
  });
  child.once("exit", (code) => {
    if (code) console.error(`concilia ${args[0]} exited with ${code}:\n${tail}`);
  });
  return child;
}

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
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${serverUrl}/healthz`)).ok) break;
    } catch {}
    if (i > 300) {
      await stop();
      throw new Error("the server did not start");
    }
    await sleep(200);
  }
  return { url: serverUrl, stop };
}
