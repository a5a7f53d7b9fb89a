// `npm run bench -- context --under-sync`: the context endpoint's p99 at a fixed rate under sync load
// (bench/_context-sync.ts), between two floors of the same run. Writes its section of
// bench/reports/context.md (between `<!-- under-sync -->` markers, the rest of the report kept) and its
// figures into bench/reports/context.json (the other figures kept).
// Options: --persons N --rate N --seconds S (one window) --windows N (of each kind) --workers N
// --sync-connections N --items N --changes-per-second N --worker-nice N; --pg-statements FILE loads
// pg_stat_statements in the cluster and writes each phase's top statements and sequential scans to FILE.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { contextUnderSync, type Phase, type UnderSyncResult } from "./_context-sync.js";
import { renderCost } from "./_pg-statements.js";
import { figure, readResult, reportsDir, writeResult } from "./_result.js";
import { fleetServices } from "./_services.js";

export const TARGET_UNDER_SYNC_P99_MS = 100;
/** What the runs of 2026-11-30 found and changed; kept with the figures they explain. */
const NOTES = `
### Findings (2026-11-30)

- **The final run (17:25, load average 1.4–2.7, nothing else on the machine): target met**, p99 21.4 ms under sync
  (p50 4.9 ms) against 8.5 ms with the sync paused; every sync window under 30 ms. The workers synced 2,107
  items in the 60 s of sync windows (34.7 a second, 249 steps) and the machine had room left (1.31 of 2 cores):
  workers 0.47 of a core, PostgreSQL 0.47 (0.20 paused). The same day's fault benchmark on the same code
  (bench/reports/faults.md) measured the context p99 during its faults, kills and sync at 60.4 ms.
- **Before the sync's statements were made cheaper (16:05, same conditions)**: p99 60.1 ms under sync against
  10.5 ms paused, 2,103 items, and the machine full (1.98 cores): PostgreSQL took 1.11 cores under sync,
  about 25 ms of database CPU per synced item against 7.7 ms in the final run. PostgreSQL serving the workers
  runs at its own priority, not their nice 10, so its work is what the sync takes from the sidebars. What made
  it cheaper (\`--pg-statements FILE\` ranks the statements per kind of window): contact candidates found through
  indexes instead of a read of every person, an index on event links' iCalUID, the thread-keys index kept
  merged, the per-item look-ups and pg-boss's statements prepared once per session, and set-based statements
  for the failed-item list, guests' answers, the logging policy and the tick's step queueing.
- **On a shared machine the floor itself misses the target**, and no setting of the sync could meet it. The
  runs below were made while other developers' builds and benchmarks held most of the 2 cores; they are kept
  because they show what the sync adds when the machine is already full.
- **The afternoon run (14:25, load average 11–16, after another developer's long benchmark ended).** Floor p99
  291 ms, under sync 188 ms: 0.65 × the floor merged, 1.37 × as the median of adjacent windows' ratios (2.84 × in
  the morning run at load 26–31). Three floor windows and two sync windows stayed under 100 ms (48.6 and 14.4 ms
  against 80.9 and 80.7 ms in the two quietest pairs); the merged p99 under sync (188 ms) misses the target, and
  so does the floor (291 ms). With more of the machine free the nice-10 workers did sync: 1,581 items in the 60 s
  of sync windows (25.7 a second, against 1.5 in the morning), using 0.34 of a core, and PostgreSQL rose from 0.18
  to 0.53 of a core under sync: the sync's database work is now the larger share of what it costs the machine,
  and PostgreSQL serves the workers at its own priority (see operations.md).
- **The morning runs (load average 20–33)**: in every run of the morning the whole machine was busy (2.00 of 2
  cores) and other people's work took 1.6–1.8 cores of it: the API, PostgreSQL, the workers and the
  load generator shared the remaining 0.2–0.4 of a core. The floor itself (sync paused, seconds apart) moved between a
  p99 of 34 ms and 5.7 s from one 10 s window to the next. The figures that compare the sync with no sync are the
  ratios, and the median of adjacent windows' ratios (one stall of the machine weighs one pair only).
- **Where the time goes, measured.** The API's database sessions were almost never waiting on locks (0.2 active
  sessions per sample, nearly all "on CPU"; a few \`Lock:transactionid\` waits were push handlers queueing a step while
  a worker's page transaction held the connection's rows). The API's own request time and its event-loop delay grew
  under sync (p99 of the event-loop delay 150–180 ms against 40–55 ms in most paused windows) while its CPU did not:
  consistent with the API waiting for a core rather than for the database. The workers used 0.07–0.11 of a core under sync and synced little (84 items in 60 s at
  CONCILIA_WORKER_NICE=0; 1 item at nice 10, where the workers only get the CPU nobody else wants, and nobody else
  left any).
- **Compared in two full runs minutes apart** (same data, 24 connections, 3 workers): at nice 0 the floor p99 was 213 ms
  and under sync 842 ms (median of pairs about 3.5 ×); at nice 10 the floor p99 was 4,874 ms and under sync 8,105 ms
  (median of pairs about 3.2 ×) with the load average 28–33. A short run (12 connections, 3 pairs) in between had
  the sync windows faster than the floors. On this machine in this state the benchmark cannot tell the settings apart,
  and no setting met the target: the floor alone was above 100 ms in most windows. The last morning run
  (defaults, nice 10, load average 26–31) confirms it: floor 320 ms, under sync 3,028 ms, median of pairs 2.84 ×,
  with the workers using 0.09 of a core and syncing 1.5 items/s.
- **Changed** (each with a test): workers lower every thread to nice CONCILIA_WORKER_NICE (10) at start
  (test/server/worker-processes.test.ts); an API process with CONCILIA_WORKER=off runs no job and no queue
  maintenance (same file); the context statement and the read after it (overwritten values) use 4 database sessions
  of their own, so a sidebar never waits for a session behind writes held up by a sync's row locks
  (test/server/context-sessions.test.ts: it answers while all 10 sessions of the main pool are held; before, it
  waited for ever). The load generator runs in a process of its own here and in the fault benchmark (the emulators
  in the benchmark process shared its event loop, so the 3,957 ms of the fault run may include their busy moments).
- **Idle workers cost nothing measurable**: the same run with 3 workers and no connection (\`--sync-connections 0
  --changes-per-second 0 --persons 20000 --windows 4\`, load average 19–21) gave a floor p99 of 322 ms and 415 ms
  with the workers running, p50 14.7 and 14.0 ms, median of pairs 0.67 ×: their polling and timers, and the
  SIGSTOP/SIGCONT of the windows, are not what slows the API. It is the sync's activity.
- **Established by the quiet runs**: what takes the API's turns under sync is mostly PostgreSQL serving the
  workers; Dovecot and Radicale ("other") took 0.07–0.08 of a core. On a machine full of other work, neither
  the floor nor the sync meets 100 ms.
`;
const BEGIN = "<!-- under-sync -->";
const END = "<!-- /under-sync -->";

export async function contextUnderSyncBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      persons: { type: "string", default: "100000" },
      rate: { type: "string", default: "100" },
      seconds: { type: "string", default: "10" },
      windows: { type: "string", default: "6" },
      workers: { type: "string", default: "3" },
      "sync-connections": { type: "string", default: "24" },
      items: { type: "string", default: "150" },
      "changes-per-second": { type: "string", default: "3" },
      /** The workers' CONCILIA_WORKER_NICE (default: the configuration's default). */
      "worker-nice": { type: "string" },
      "pg-statements": { type: "string" },
    },
  });
  const say = (s: string) => console.log(`[bench context --under-sync] ${s}`);
  const started = new Date();
  const statementsFile = values["pg-statements"];
  const running = await fleetServices(statementsFile ? { preload: ["pg_stat_statements"] } : {});
  try {
    const r = await contextUnderSync({
      databaseUrl: running.databaseUrl,
      persons: Number(values.persons),
      rate: Number(values.rate),
      seconds: Number(values.seconds),
      windows: Number(values.windows),
      workers: Number(values.workers),
      connections: Number(values["sync-connections"]),
      items: Number(values.items),
      changesPerSecond: Number(values["changes-per-second"]),
      workerNice: values["worker-nice"] === undefined ? undefined : Number(values["worker-nice"]),
      statements: Boolean(statementsFile),
      say,
    });
    if (statementsFile) writeStatements(statementsFile, r, started);
    writeSection(render(r, started));
    writeFigures(r);
  } finally {
    running.stop();
  }
}

function writeStatements(file: string, r: UnderSyncResult, started: Date) {
  const sections = r.phases.map((p) => {
    const perItem = p.items ? ((p.machine.cpu.postgres * 1000) / p.items).toFixed(1) : "n/a";
    return `## ${p.name}\n\n${p.items} items, ${p.steps} steps in ${p.machine.seconds.toFixed(0)} s; PostgreSQL ${(p.machine.cpu.postgres / p.machine.seconds).toFixed(2)} cores (${perItem} ms of CPU per item)\n\n${p.database ? renderCost(p.database) : ""}\n\n${renderSessions(p.workerSessions ?? {})}`;
  });
  fs.writeFileSync(
    file,
    `# PostgreSQL statements, context under sync, ${started.toISOString()}\n\n${JSON.stringify(r.options)}\n\n${sections.join("\n\n")}\n`,
  );
}

/** The workers' active sessions sampled every 200 ms: mean sessions per sample by wait and statement. */
function renderSessions(samples: Record<string, number>): string {
  const { samples: n = 0, ...rest } = samples;
  const rows = Object.entries(rest)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15)
    .map(([what, k]) => `| ${(k / Math.max(1, n)).toFixed(2)} | \`${what.replace(/\|/g, "\\|")}\` |`);
  return ["| active worker sessions per sample | wait, statement |", "| ---: | --- |", ...rows].join("\n");
}

const ok = (p: Phase) => p.context.ok === p.context.sent;

function writeFigures(r: UnderSyncResult) {
  const [floor, load] = r.phases;
  const rate = r.options.rate;
  const kept = (readResult("context")?.figures ?? []).filter((f) => !f.name.includes("under sync"));
  writeResult("context", [
    ...kept,
    figure(`context p99 at ${rate} req/s under sync load`, ok(load) ? load.context.p99 : null, "ms", {
      op: "<",
      value: TARGET_UNDER_SYNC_P99_MS,
    }),
    figure(
      `context p99 at ${rate} req/s, sync paused (floor of the under sync run)`,
      floor.context.p99,
      "ms",
    ),
    figure(
      "context p99 under sync load, times the floor",
      Math.round((load.context.p99 / floor.context.p99) * 100) / 100,
      "x",
    ),
    figure("context p99 under sync load, times the floor, median of adjacent windows", medianRatio(r), "x"),
    figure(
      "load average (1 min) during the context under sync run, mean",
      Math.round((r.pairs.reduce((a, p) => a + p.load, 0) / r.pairs.length) * 10) / 10,
      "",
    ),
    figure(
      "sync items/s during the context under sync load",
      Math.round((load.items / load.machine.seconds) * 10) / 10,
      "items/s",
    ),
  ]);
}

/** What the last `--under-sync` run wrote, for the closed-loop run to keep when it rewrites the report. */
export function underSyncKept(): { section: string; figures: ReturnType<typeof figure>[] } {
  const file = path.join(reportsDir, "context.md");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const at = text.indexOf(BEGIN);
  return {
    section: at >= 0 ? text.slice(at, text.indexOf(END) + END.length) : "",
    figures: (readResult("context")?.figures ?? []).filter((f) => f.name.includes("under sync")),
  };
}

function writeSection(section: string) {
  const file = path.join(reportsDir, "context.md");
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  const block = `${BEGIN}\n${section}\n${END}`;
  const at = text.indexOf(BEGIN);
  const out =
    at >= 0
      ? text.slice(0, at) + block + text.slice(text.indexOf(END) + END.length)
      : text.replace("\n## Where the CPU goes", `\n${block}\n\n## Where the CPU goes`);
  fs.writeFileSync(file, out.includes(BEGIN) ? out : `${text}\n${block}\n`);
}

const f1 = (v: number) => v.toFixed(1);

/** The median over pairs of adjacent windows of sync p99 / floor p99: one stall of the machine weighs one pair. */
function medianRatio(r: UnderSyncResult): number {
  const ratios = r.pairs.map((p) => p.syncP99 / p.floorP99).sort((a, b) => a - b);
  const mid = ratios.length / 2;
  const m = ratios.length % 2 ? ratios[Math.floor(mid)] : (ratios[mid - 1] + ratios[mid]) / 2;
  return Math.round(m * 100) / 100;
}

function render(r: UnderSyncResult, started: Date): string {
  const o = r.options;
  const [floor, load] = r.phases;
  const met = ok(load) && load.context.p99 < TARGET_UNDER_SYNC_P99_MS;
  const row = (p: Phase) => {
    const x = p.context;
    return `| ${p.name} | ${x.ok} of ${x.sent} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} | ${p.apiRequests.over100ms} of ${p.apiRequests.total} | ${p.apiLoop.p99Ms} / ${p.apiLoop.maxMs} | ${p.items} (${f1(p.items / p.machine.seconds)}/s), ${p.steps} steps | ${p.machine.load.map(f1).join("–")} |`;
  };
  const cores = (p: Phase, v: number) => (v / p.machine.seconds).toFixed(2);
  const cpuRow = (p: Phase) => {
    const u = p.machine.cpu;
    return `| ${p.name} | ${cores(p, u.api)} | ${cores(p, u.workers)} | ${cores(p, u.postgres)} | ${cores(p, u.generator)} | ${cores(p, u.bench)} | ${cores(p, p.machine.other)} | ${cores(p, p.machine.machine)} |`;
  };
  const waits = (p: Phase) => {
    const { samples, ...rest } = p.apiSessions;
    const parts = Object.entries(rest)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${f1(v / samples)}`);
    return `| ${p.name} | ${samples} | ${parts.join(", ") || "none active"} |`;
  };
  return `## Under sync load (\`npm run bench -- context --under-sync\`)

Run ${started.toISOString()} (bench/_context-sync.ts, bench/_context-sync-bench.ts). ${os.cpus().length} cores shared with other
developers. One PostgreSQL; the API (\`concilia serve\`, CONCILIA_WORKER=off) up throughout with the context data set
(${o.persons.toLocaleString("en")} persons) and request mix above; ${o.workers} \`concilia worker\` processes (CONCILIA_WORKER_NICE=${o.workerNice ?? "10, the default"}) syncing
${o.connections} connections (${Object.entries(r.kinds)
    .map(([k, v]) => `${v} ${k}`)
    .join(", ")}) that held ${r.seededItems} items at their providers when
the run began (the Gmail and Graph emulators over HTTP, Dovecot, Radicale), plus ${o.changesPerSecond} changes a second (new mail,
new events at the provider or in Concilia). \`GET /api/v1/context\` at a fixed ${o.rate} req/s, open loop, from a load
generator in a process of its own (bench/_fixed-rate-child.ts: the emulators serving the workers run in the benchmark
process and must not delay it), latencies counted from each request's due time.

The run alternates ${o.windows} windows of ${o.seconds} s **under sync** with ${o.windows} windows with the **sync paused** (every
worker stopped with SIGSTOP: no CPU, nothing sent to PostgreSQL), in the order paused, sync, sync, paused, paused, sync…,
so that both kinds of window see the same shared machine on average; the rows below merge the windows of each kind.
The paused windows are the floor: what the machine gives the sidebars at that moment without the sync.

| windows | 2xx | p50 ms | p90 ms | p99 ms | max ms | API's own time > 100 ms | API event-loop delay p99 / max ms (worst window) | synced into the CRM | load average (range) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${r.phases.map(row).join("\n")}

| target | measured | |
| --- | --- | --- |
| context p99 < ${TARGET_UNDER_SYNC_P99_MS} ms at ${o.rate} req/s under sync load | ${load.context.p99} ms; ${(load.context.p99 / floor.context.p99).toFixed(2)} × the floor's ${floor.context.p99} ms in the same run | ${met ? "met" : "**missed**"} |

Window by window (each pair adjacent in time): ${r.pairs
    .map((p) => `${p.floorP99} / ${p.syncP99} ms`)
    .join(
      ", ",
    )} (floor / under sync p99); the median of the pairs' ratios is ${medianRatio(r)} ×, load averages ${r.pairs.map((p) => f1(p.load)).join(", ")}.

Where the machine's CPU went, in cores (CPU seconds per second of the windows; the machine has ${os.cpus().length}). "Other" is
what no process of the benchmark used: Dovecot and Radicale (shared with other developers' tests), and everyone
else's work on the machine.

| windows | API | workers | PostgreSQL | load generator | benchmark process (emulators, changes) | other | whole machine |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${r.phases.map(cpuRow).join("\n")}

What the API's database sessions were doing, sampled every 200 ms (mean number of active sessions per sample, by
PostgreSQL's wait event; "on CPU" is running or waiting for a core):

| windows | samples | active API sessions |
| --- | ---: | --- |
${r.phases.map(waits).join("\n")}
${NOTES}`;
}
