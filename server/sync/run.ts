// Running sync steps outside the job queue (`concilia sync run`, tests): under the same per-key lease as
// the `sync.step` queue, so a step run here never overlaps one a worker runs.
import type { AppContext } from "../context.js";
import { tryLockKey } from "../jobs/key-lock.js";
import "./providers.js";
import { ensureStates } from "./state-machine.js";
import { runStep, type StepReport } from "./step.js";
import { dueConnections } from "./tick.js";

/** Runs one step of the connection, or answers "busy" when a worker is running one. */
export async function runStepExclusive(
  ctx: AppContext,
  connectionId: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<StepReport | "busy"> {
  const lease = await tryLockKey(ctx.database, "sync.step", connectionId);
  if (!lease) return "busy";
  try {
    return await runStep(ctx, connectionId, signal);
  } finally {
    await lease.release();
  }
}

export interface RunSummary {
  connectionId: string;
  steps: number;
  stored: number;
  skipped: number;
  failed: number;
  last: StepReport["result"] | "busy";
  error?: StepReport["error"];
}

/** Runs the due connections among `ids` (all when omitted) step after step until none has more to do. */
export async function runDueSteps(ctx: AppContext, ids?: string[], maxSteps = 10_000): Promise<RunSummary[]> {
  await ensureStates(ctx.db);
  const due = await dueConnections(ctx, new Date(), ids);
  const out: RunSummary[] = [];
  for (const connectionId of due) {
    const sum: RunSummary = { connectionId, steps: 0, stored: 0, skipped: 0, failed: 0, last: "idle" };
    for (let i = 0; i < maxSteps; i++) {
      const r = await runStepExclusive(ctx, connectionId);
      if (r === "busy") {
        sum.last = "busy";
        break;
      }
      sum.steps++;
      sum.stored += r.stored;
      sum.skipped += r.skipped;
      sum.failed += r.failed;
      sum.last = r.result;
      sum.error = r.error;
      if (r.result !== "more") break;
    }
    out.push(sum);
  }
  return out;
}
