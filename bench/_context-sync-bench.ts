// `npm run bench -- context --under-sync`: the context endpoint's p99 at a fixed rate under sync load
// (bench/_context-sync.ts), between two floors of the same run. Writes its section of
// bench/reports/context.md (between `<!-- under-sync -->` markers, the rest of the report kept) and its
// figures into bench/reports/context.json (the other figures kept).
// Options: --persons N --rate N --seconds S --workers N --sync-connections N --items N --changes-per-second N.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { contextUnderSync, type Phase, type UnderSyncResult } from "./_context-sync.js";
import { figure, readResult, reportsDir, writeResult } from "./_result.js";
import { services } from "./_services.js";

export const TARGET_UNDER_SYNC_P99_MS = 100;
const BEGIN = "<!-- under-sync -->";
const END = "<!-- /under-sync -->";

export async function contextUnderSyncBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      persons: { type: "string", default: "100000" },
      rate: { type: "string", default: "100" },
      seconds: { type: "string", default: "60" },
      workers: { type: "string", default: "3" },
      "sync-connections": { type: "string", default: "24" },
      items: { type: "string", default: "200" },
      "changes-per-second": { type: "string", default: "3" },
    },
  });
  const say = (s: string) => console.log(`[bench context --under-sync] ${s}`);
  const started = new Date();
  const stops: (() => void)[] = [];
  try {
    const postgres = await services.startPostgres();
    stops.push(() => postgres.stop());
    if (!process.env.TEST_IMAP) {
      const dovecot = await services.startDovecot();
      stops.push(() => dovecot.stop());
      process.env.TEST_IMAP = dovecot.value;
    }
    if (!process.env.TEST_CALDAV) {
      const radicale = await services.startRadicale();
      stops.push(() => radicale.stop());
      process.env.TEST_CALDAV = radicale.value;
    }
    const r = await contextUnderSync({
      databaseUrl: postgres.url,
      persons: Number(values.persons),
      rate: Number(values.rate),
      seconds: Number(values.seconds),
      workers: Number(values.workers),
      connections: Number(values["sync-connections"]),
      items: Number(values.items),
      changesPerSecond: Number(values["changes-per-second"]),
      say,
    });
    console.log(JSON.stringify(r.phases, null, 1));
    writeSection(render(r, started));
    writeFigures(r);
  } finally {
    for (const stop of stops.reverse()) stop();
  }
}

const ok = (p: Phase) => p.context.ok === p.context.sent;
const floorP99 = (r: UnderSyncResult) => Math.max(r.phases[0].context.p99, r.phases[2]?.context.p99 ?? 0);

function writeFigures(r: UnderSyncResult) {
  const [a, b, c] = r.phases;
  const rate = r.options.rate;
  const kept = (readResult("context")?.figures ?? []).filter((f) => !f.name.includes("under sync"));
  writeResult("context", [
    ...kept,
    figure(`context p99 at ${rate} req/s under sync load`, ok(b) ? b.context.p99 : null, "ms", {
      op: "<",
      value: TARGET_UNDER_SYNC_P99_MS,
    }),
    figure(
      `context p99 at ${rate} req/s, floor of the under sync run (no sync)`,
      Math.max(a.context.p99, c.context.p99),
      "ms",
    ),
    figure(
      "context p99 under sync load, times the floor",
      Math.round((b.context.p99 / floorP99(r)) * 10) / 10,
      "x",
    ),
    figure(
      "sync items/s during the context under sync load",
      Math.round((b.items / b.machine.seconds) * 10) / 10,
      "items/s",
    ),
  ]);
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

function render(r: UnderSyncResult, started: Date): string {
  const o = r.options;
  const [a, b, c] = r.phases;
  const met = ok(b) && b.context.p99 < TARGET_UNDER_SYNC_P99_MS;
  const row = (p: Phase) => {
    const x = p.context;
    return `| ${p.name} | ${x.ok} of ${x.sent} | ${x.p50} | ${x.p90} | ${x.p99} | ${x.max} | ${p.apiLoop.p99Ms} / ${p.apiLoop.maxMs} | ${p.apiOver100ms} % | ${p.items} (${f1(p.items / p.machine.seconds)}/s) | ${p.stepsRunning.mean} (${p.stepsRunning.min}–${p.stepsRunning.max}) | ${p.machine.load.map(f1).join(" → ")} |`;
  };
  const cores = (p: Phase, v: number) => (v / p.machine.seconds).toFixed(2);
  const cpuRow = (p: Phase) => {
    const u = p.machine.cpu;
    return `| ${p.name} | ${cores(p, u.api)} | ${cores(p, u.workers)} | ${cores(p, u.postgres)} | ${cores(p, u.generator)} | ${cores(p, u.bench)} | ${cores(p, p.machine.other)} | ${cores(p, p.machine.machine)} |`;
  };
  return `## Under sync load (\`npm run bench -- context --under-sync\`)

Run ${started.toISOString()} (bench/_context-sync.ts). ${os.cpus().length} cores shared with other developers. One PostgreSQL, the API
(\`concilia serve\`, CONCILIA_WORKER=off) up throughout, the context data set (${o.persons.toLocaleString("en")} persons) and request mix above,
\`GET /api/v1/context\` at a fixed ${o.rate} req/s for ${o.seconds} s per phase, open loop, from a load generator in a process of its
own (bench/_fixed-rate-child.ts: the emulators that serve the workers run in the benchmark process and must not delay it):

- **A, floor**: no worker runs, nothing syncs;
- **B, under sync**: ${o.workers} \`concilia worker\` processes start on ${o.connections} connections (${Object.entries(
    r.kinds,
  )
    .map(([k, v]) => `${v} ${k}`)
    .join(", ")}) holding ${r.seededItems} items at their
  providers (the Gmail and Graph emulators over HTTP, Dovecot, Radicale) whose first sync runs during the phase, plus ${o.changesPerSecond} changes a second;
- **C, floor again**: the workers stopped.

| phase | 2xx | p50 ms | p90 ms | p99 ms | max ms | API event-loop delay p99 / max ms | API time > 100 ms | sync items | steps running, mean (min–max) | load average |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${r.phases.map(row).join("\n")}

| target | measured | |
| --- | --- | --- |
| context p99 < ${TARGET_UNDER_SYNC_P99_MS} ms at ${o.rate} req/s under sync load | ${b.context.p99} ms, ${f1(b.context.p99 / floorP99(r))} × the floor's ${floorP99(r)} ms (A ${a.context.p99}, C ${c.context.p99}) | ${met ? "met" : "**missed**"} |

Where the machine's CPU went in each phase, in cores (CPU seconds per second; the machine has ${os.cpus().length}). "Other" is
what no process of the benchmark used: Dovecot and Radicale (shared with other developers' tests), and everyone
else's work on the machine.

| phase | API | workers | PostgreSQL | load generator | benchmark process (emulators, changes) | other | whole machine |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${r.phases.map(cpuRow).join("\n")}
`;
}
