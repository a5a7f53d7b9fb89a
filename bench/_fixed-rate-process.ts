// Runs bench/_fixed-rate.ts in a child process (bench/_fixed-rate-child.ts) and answers its result.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FixedRateChildResult, FixedRateJob } from "./_fixed-rate-child.js";

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), "_fixed-rate-child.ts");

export function fixedRateInProcess(job: FixedRateJob): {
  pid: number;
  result: Promise<FixedRateChildResult>;
} {
  const p = fork(child, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const result = new Promise<FixedRateChildResult>((resolve, reject) => {
    p.once("message", (m) => resolve(m as FixedRateChildResult));
    p.once("exit", (code) => reject(new Error(`the load generator exited (${code}) before answering`)));
  });
  p.send(job);
  return { pid: p.pid as number, result };
}
