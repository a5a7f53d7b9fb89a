// Runs bench/_fixed-rate.ts in a child process (bench/_fixed-rate-child.ts): one job at a time.
import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { FixedRateChildResult, FixedRateJob } from "./_fixed-rate-child.js";

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), "_fixed-rate-child.ts");

export interface FixedRateProcess {
  pid: number;
  run(job: FixedRateJob): Promise<FixedRateChildResult>;
  close(): void;
}

export function fixedRateProcess(): FixedRateProcess {
  const p = fork(child, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return {
    pid: p.pid as number,
    run: (job) =>
      new Promise<FixedRateChildResult>((resolve, reject) => {
        const exited = (code: number | null) =>
          reject(new Error(`the load generator exited (${code}) before answering`));
        p.once("exit", exited);
        p.once("message", (m) => {
          p.off("exit", exited);
          resolve(m as FixedRateChildResult);
        });
        p.send(job);
      }),
    close: () => p.kill(),
  };
}
