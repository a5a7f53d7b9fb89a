// Where a load run's CPU goes: the server process, PostgreSQL's processes and the load generator (this
// process), read from /proc, so a report can say which of them a request's cost is spent in.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import pg from "pg";

const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

/** User + system CPU seconds of one process, or 0 once it is gone. */
export function cpuOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** The processes of PostgreSQL's sessions (its back-ends) now. */
export async function postgresPids(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("select pid from pg_stat_activity");
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

export interface CpuSplit {
  server: number;
  postgres: number;
  loadGenerator: number;
}

/** Starts counting; `stop()` gives each side's CPU seconds since. */
export async function cpuMeter(databaseUrl: string, serverPid: number) {
  const before = new Map((await postgresPids(databaseUrl)).map((pid) => [pid, cpuOf(pid)]));
  const server0 = cpuOf(serverPid);
  const self0 = process.cpuUsage();
  return {
    async stop(): Promise<CpuSplit> {
      const self = process.cpuUsage(self0);
      const server = cpuOf(serverPid) - server0;
      // Back-ends that started during the run count from zero.
      let postgres = 0;
      for (const pid of new Set([...before.keys(), ...(await postgresPids(databaseUrl))]))
        postgres += Math.max(0, cpuOf(pid) - (before.get(pid) ?? 0));
      return { server, postgres, loadGenerator: (self.user + self.system) / 1e6 };
    },
  };
}
