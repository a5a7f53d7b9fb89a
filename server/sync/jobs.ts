// The sync's job handlers: `sync.step` (one connection, keyed by it) and `sync.tick` (periodic).
import type { JobHandler, JobPayloads } from "../jobs/queue.js";
import "./providers.js";
import { runStep } from "./step.js";
import { tick } from "./tick.js";
import { recoverOrphanedSteps } from "./watchdog.js";

export const syncStep: JobHandler<JobPayloads["sync.step"]> = async (ctx, { connectionId }, { signal }) => {
  const { result } = await runStep(ctx, connectionId, signal);
  return result === "more" ? "more" : undefined;
};

export const syncTick: JobHandler<JobPayloads["sync.tick"]> = async (ctx) => {
  await tick(ctx);
};

export const syncWatchdog: JobHandler<JobPayloads["sync.watchdog"]> = async (ctx) => {
  await recoverOrphanedSteps(ctx);
};
