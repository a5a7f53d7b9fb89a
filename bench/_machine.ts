// What the whole machine did during a measured phase, beside what the benchmark's own processes did:
// on a shared machine the difference is other people's work, which the report must not count as ours.
import fs from "node:fs";
import os from "node:os";
import { cpuOf, postgresPids } from "./_cpu.js";

const ticksPerSecond = 100;

/** CPU seconds all cores spent busy (user, nice, system, irq, softirq, steal) since boot. */
function machineBusy(): number {
  const [cpu] = fs.readFileSync("/proc/stat", "utf8").split("\n");
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + (steal ?? 0)) / ticksPerSecond;
}

export interface MachineSplit {
  seconds: number;
  /** Load average (1 min) at the start and the end. */
  load: [number, number];
  /** CPU seconds per named group of processes; `postgres` is every session of the cluster. */
  cpu: Record<string, number>;
  /** All cores' busy CPU seconds, and what of it no process of the benchmark's used. */
  machine: number;
  other: number;
}

/** Starts counting CPU for the named process groups, PostgreSQL's sessions and the machine. */
export async function machineMeter(databaseUrl: string, groups: Record<string, number[]>) {
  const started = Date.now();
  const load0 = os.loadavg()[0];
  const busy0 = machineBusy();
  const self0 = process.cpuUsage();
  const pg0 = new Map((await postgresPids(databaseUrl)).map((pid) => [pid, cpuOf(pid)]));
  const groups0 = Object.fromEntries(
    Object.entries(groups).map(([name, pids]) => [name, pids.map((p) => [p, cpuOf(p)] as const)]),
  );
  return {
    async stop(): Promise<MachineSplit> {
      const cpu: Record<string, number> = {};
      for (const [name, before] of Object.entries(groups0))
        cpu[name] = before.reduce((s, [pid, c]) => s + Math.max(0, cpuOf(pid) - c), 0);
      let postgres = 0;
      for (const pid of new Set([...pg0.keys(), ...(await postgresPids(databaseUrl))]))
        postgres += Math.max(0, cpuOf(pid) - (pg0.get(pid) ?? 0));
      cpu.postgres = postgres;
      const self = process.cpuUsage(self0);
      cpu.bench = (self.user + self.system) / 1e6;
      const machine = machineBusy() - busy0;
      const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
      return {
        seconds: (Date.now() - started) / 1000,
        load: [load0, os.loadavg()[0]],
        cpu,
        machine,
        other: Math.max(0, machine - ours),
      };
    },
  };
}
