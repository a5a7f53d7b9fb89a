// A `concilia worker` lowers its own CPU priority (CONCILIA_WORKER_NICE), so that on a machine it shares
// with API processes and PostgreSQL the sync's work waits for the sidebars', not the other way round:
// the scheduler gives a process at nice 10 about a tenth of the CPU of one at 0 when both want it, and
// all of it when the API is idle.
import fs from "node:fs";
import os from "node:os";
import type { Logger } from "./log.js";

/** Linux keeps a nice value per thread; threads started later inherit their starter's. */
function threadIds(): number[] {
  try {
    return fs.readdirSync("/proc/self/task").map(Number);
  } catch {
    return [0]; // elsewhere: the process as a whole
  }
}

/**
 * Raises the nice value of every thread of this process to `nice` (never lowers one already higher:
 * an operator's `nice -n 15 concilia worker` stays). 0 leaves the priority alone. Answers the nice
 * value now in effect.
 */
export function lowerCpuPriority(nice: number, log: Logger): number {
  if (nice > 0)
    for (const tid of threadIds())
      try {
        if (os.getPriority(tid) < nice) os.setPriority(tid, nice);
      } catch (err) {
        log.warn({ err, nice }, "could not lower the worker's CPU priority");
      }
  return os.getPriority();
}
