// The fleet's processes, as production runs them: one `concilia serve` (the API and the push routes,
// CONCILIA_WORKER=off) and N `concilia worker`, each its own child process on the same PostgreSQL.
// Each worker's sessions carry its name as application_name, so the run can see in pg_stat_activity
// and pg_locks which connections' steps a worker holds when it is killed.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Proc {
  name: string;
  child: ChildProcess;
  /** The last lines it wrote to stderr. */
  tail(): string;
  alive(): boolean;
  /** Resolves once a worker says it works the queue (at once for other commands). */
  ready: Promise<void>;
  /** Killed on purpose by the run (not a death to report). */
  killed: boolean;
}

export function spawnConcilia(name: string, args: string[], env: Record<string, string>): Proc {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "concilia-fleet-"));
  const child = spawn(process.execPath, ["bin/concilia.mjs", ...args], {
    cwd: root,
    env: { ...process.env, ...env, CONCILIA_DATA: data, PGAPPNAME: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  // FLEET_LOGS=<dir> keeps each process's whole output (its log: warnings and errors) there, by name.
  const log = process.env.FLEET_LOGS ? path.join(process.env.FLEET_LOGS, `${name}.log`) : null;
  child.stderr?.on("data", (d) => {
    tail = (tail + d).slice(-4000);
    if (log) fs.appendFileSync(log, d);
  });
  let out = "";
  const ready = new Promise<void>((resolve) => {
    if (args[0] !== "worker") return resolve();
    child.stdout?.on("data", (d) => {
      out = (out + d).slice(-1000);
      if (out.includes("working the job queue")) resolve();
    });
    child.once("exit", () => resolve());
  });
  if (log) child.stdout?.on("data", (d) => fs.appendFileSync(log, d));
  child.stdout?.resume();
  child.once("exit", () => fs.rmSync(data, { recursive: true, force: true }));
  return {
    name,
    child,
    ready,
    killed: false,
    tail: () => tail,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

export async function waitForHealth(url: string, proc: Proc, ms = 90_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!proc.alive()) throw new Error(`${proc.name} exited at start-up:\n${proc.tail()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`${proc.name} did not answer /healthz within ${ms / 1000} s:\n${proc.tail()}`);
}

export async function stop(proc: Proc) {
  if (!proc.alive()) return;
  const exited = new Promise((r) => proc.child.once("exit", r));
  proc.child.kill("SIGTERM");
  const killer = setTimeout(() => proc.child.kill("SIGKILL"), 12_000);
  await exited;
  clearTimeout(killer);
}

export async function kill(proc: Proc) {
  proc.killed = true;
  if (!proc.alive()) return;
  const exited = new Promise((r) => proc.child.once("exit", r));
  proc.child.kill("SIGKILL");
  await exited;
}
