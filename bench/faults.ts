// `npm run bench -- faults` (issue 14): the API and 3 `concilia worker` processes on a throwaway
// PostgreSQL sync 50 connections (Gmail and Graph in the emulators served over HTTP, IMAP on Dovecot,
// CalDAV on Radicale) while provider faults are injected, a worker is killed with SIGKILL at 20 random
// moments and started again, and every PostgreSQL session is ended once; meanwhile the sidebars'
// context endpoint is driven at 100 req/s over the context benchmark's data set. The run itself is
// test/sync/faults/fleet/run.ts (a small one is test/sync/faults/fleet.test.ts). Writes
// bench/reports/faults.md and faults.json. Options: --connections N --workers N --items N
// --run-seconds S --kills N --faults-per-second N --changes-per-second N --settle-seconds S
// --poll-seconds S --rate N --persons N.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { FAULTS } from "../test/sync/faults/fleet/chaos.js";
import { type FleetResult, runFleet } from "../test/sync/faults/fleet/run.js";
import { figure, reportsDir, writeResult } from "./_result.js";
import { services } from "./_services.js";

const TARGET_RESUME_MS = 30_000;
const TARGET_P99_MS = 100;

export default async function faults(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      connections: { type: "string", default: "50" },
      workers: { type: "string", default: "3" },
      items: { type: "string", default: "40" },
      "run-seconds": { type: "string", default: "240" },
      kills: { type: "string", default: "20" },
      "faults-per-second": { type: "string", default: "2" },
      "changes-per-second": { type: "string", default: "3" },
      "settle-seconds": { type: "string", default: "240" },
      "poll-seconds": { type: "string", default: "15" },
      rate: { type: "string", default: "100" },
      persons: { type: "string", default: "100000" },
    },
  });
  const say = (s: string) => console.log(`[bench faults] ${s}`);
  const load = os.loadavg();
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
    const r = await runFleet({
      databaseUrl: postgres.url,
      apiPort: await services.freePort(),
      connections: Number(values.connections),
      workers: Number(values.workers),
      items: Number(values.items),
      runSeconds: Number(values["run-seconds"]),
      kills: Number(values.kills),
      terminations: 1,
      faultsPerSecond: Number(values["faults-per-second"]),
      changesPerSecond: Number(values["changes-per-second"]),
      settleSeconds: Number(values["settle-seconds"]),
      pollSeconds: Number(values["poll-seconds"]),
      context: { rate: Number(values.rate), persons: Number(values.persons) },
      say,
    });
    const report = render(r, started, load);
    fs.mkdirSync(reportsDir, { recursive: true });
    // Notes written by hand after the generated part (below `<!-- notes -->`) are kept.
    const out = path.join(reportsDir, "faults.md");
    const before = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
    const notes = before.includes("<!-- notes -->")
      ? before.slice(before.indexOf("<!-- notes -->"))
      : "<!-- notes -->\n";
    fs.writeFileSync(out, `${report}\n${notes}`);
    writeResult("faults", figures(r), started);
    console.log(report);
  } finally {
    for (const stop of stops.reverse()) stop();
  }
}

const maxResume = (r: FleetResult) => {
  const measured = r.kills.filter((k) => k.held > 0);
  if (measured.some((k) => k.resumeMs === null)) return null;
  return measured.length ? Math.max(...measured.map((k) => k.resumeMs as number)) : null;
};
function resumeText(r: FleetResult) {
  const measured = r.kills.filter((k) => k.held > 0);
  const resumed = measured.filter((k) => k.resumeMs !== null).map((k) => k.resumeMs as number);
  if (measured.length === 0) return "no kill caught a step running";
  const late = measured.length - resumed.length;
  const max = resumed.length ? `${(Math.max(...resumed) / 1000).toFixed(1)} s` : "-";
  return late ? `${late} kills: not all within 90 s; the other ${resumed.length}: max ${max}` : max;
}
const itemsPerSecond = (r: FleetResult) =>
  r.firstSync.seconds ? Math.round((r.firstSync.items / r.firstSync.seconds) * 10) / 10 : null;

function figures(r: FleetResult) {
  const t = r.terminations[0];
  const wrong = r.totals.missing + r.totals.doubled + r.totals.extra;
  return [
    figure(`items missing, doubled or extra over ${r.totals.expected} (ground truth)`, wrong, "", {
      op: "==",
      value: 0,
    }),
    figure("killed worker's connections running again, max", maxResume(r), "ms", {
      op: "<",
      value: TARGET_RESUME_MS,
    }),
    figure("connections stuck at the end", r.stuck.length, "", { op: "==", value: 0 }),
    figure("API answering again after every PostgreSQL session ended", t?.apiRecoveredMs ?? null, "ms"),
    figure(
      "workers completing steps again after every PostgreSQL session ended",
      t?.workersRecoveredMs ?? null,
      "ms",
    ),
    figure(
      "processes alive after every PostgreSQL session ended",
      t ? (t.processesAlive ? 1 : 0) : null,
      "",
      {
        op: "==",
        value: 1,
      },
    ),
    figure(
      `context p99 at ${r.context?.rate} req/s under sync load`,
      r.context && r.context.ok === r.context.sent ? r.context.p99 : null,
      "ms",
      { op: "<", value: TARGET_P99_MS },
    ),
    figure(`context p50 at ${r.context?.rate} req/s under sync load`, r.context?.p50 ?? null, "ms"),
    figure(
      "first sync, items/s per worker",
      (itemsPerSecond(r) ?? Number.NaN) / r.options.workers,
      "items/s",
    ),
    figure("settling after the faults stopped", r.settleSeconds, "s"),
  ];
}

function render(r: FleetResult, started: Date, load: number[]): string {
  const o = r.options;
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  const t = r.terminations[0];
  const resume = maxResume(r);
  const wrong = r.totals.missing + r.totals.doubled + r.totals.extra;
  const ips = itemsPerSecond(r);
  const byKind = Object.keys(r.kinds).map((kind) => {
    const mine = r.audits.filter((a) => a.kind === kind).map((a) => a.audit);
    const sum = (k: "expected" | "missing" | "doubled" | "extra") => mine.reduce((n, a) => n + a[k], 0);
    return `| ${kind} | ${mine.length} | ${sum("expected")} | ${sum("missing")} | ${sum("doubled")} | ${sum("extra")} |`;
  });
  const c = r.context;
  return `# Fault and crash benchmark (\`npm run bench -- faults\`)

Run ${started.toISOString()} (bench/faults.ts → test/sync/faults/fleet/run.ts). ${os.cpus().length} cores, load average
${load.map((l) => l.toFixed(2)).join(" / ")} at the start (the machine is shared with other developers' builds and tests), Node ${process.version}.
Wall time ${Math.round(r.wallSeconds)} s; load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} at the end.

Set-up: \`concilia serve\` (CONCILIA_WORKER=off) and ${o.workers} \`concilia worker\` processes, each its own child process, on a
throwaway PostgreSQL; the Gmail and Graph emulators served over HTTP by the benchmark process, Dovecot and Radicale as
real servers. ${o.connections} connections round robin over the kinds (${Object.entries(r.kinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(
      ", ",
    )}), each starting with ${o.items} items at its provider (mail: 30 % with the owner's CRM person;
CalDAV: events put by another client, plus 2 events made in Concilia that must go out). Tick 2 s, polling ${o.pollSeconds} s
(Gmail also by push), pages of
25, 100 items a step. The first sync runs before the faults (it gives the sizing figure); then for ${o.runSeconds} s:
${o.changesPerSecond} changes a second (new mail, new events at the provider, new events in Concilia), ${o.faultsPerSecond}
provider faults a second, ${o.kills} worker kills (SIGKILL, started again at once) and one ending of every PostgreSQL
session; meanwhile \`GET /api/v1/context\` at a fixed ${c?.rate ?? 0} req/s over the context benchmark's data set
(${o.context?.persons.toLocaleString("en")} persons, bench/_context-seed.ts) with its request mix. Then the faults stop, pushes
held for reordering are released, revoked grants are connected again, and the run waits (at most ${o.settleSeconds} s) for
every connection to be up to date and every audit clean.

## Results

| measure | result | target | |
|---|---|---|---|
| audit against the providers' ground truth: ${r.totals.expected} items (provider → CRM, and CRM events → CalDAV) | ${r.totals.missing} missing, ${r.totals.doubled} doubled, ${r.totals.extra} extra | 0 / 0 / 0 | ${met(wrong === 0)} |
| a killed worker's connections run a step again (max over ${r.kills.filter((k) => k.held > 0).length} kills that caught steps running) | ${resumeText(r)} | < ${TARGET_RESUME_MS / 1000} s | ${met(resume !== null && resume < TARGET_RESUME_MS)} |
| connections stuck at the end (not up to date, or a step marked running for over a minute) | ${r.stuck.length} | 0 | ${met(r.stuck.length === 0)} |
| every PostgreSQL session ended (${t?.sessions ?? 0} sessions) at ${t?.atSecond ?? "-"} s: API answering again | ${t?.apiRecoveredMs ?? "never"} ms | | |
| … workers completing sync steps again | ${t?.workersRecoveredMs ?? "never"} ms | | |
| … API and every worker process still running | ${t?.processesAlive ? "yes" : "no"} | yes | ${met(!!t?.processesAlive)} |
| context at ${c?.rate} req/s under sync load (${c?.ok} of ${c?.sent} answered 2xx, ${c?.non2xx} non-2xx, ${c?.errors} errors, ${c?.timeouts} timeouts) | p50 ${c?.p50} ms, p90 ${c?.p90} ms, p99 ${c?.p99} ms, max ${c?.max} ms | p99 < ${TARGET_P99_MS} ms | ${met(!!c && c.ok === c.sent && c.p99 < TARGET_P99_MS)} |
| first sync before the faults: ${r.firstSync.items} items over ${o.connections} connections | ${r.firstSync.seconds ?? "not finished"} s, ${ips ?? "-"} items/s (${ips === null ? "-" : (ips / o.workers).toFixed(1)} per worker) | | |
| settling once the faults stopped | ${r.settleSeconds === null ? "not settled" : `${r.settleSeconds.toFixed(1)} s`} | | |

Latencies of the context requests are measured from the moment each was due to leave (bench/_fixed-rate.ts, open loop).

## Faults injected

Armed: how many times the run set the fault on a connection (an account keeps one fault until it hits, so none is
overwritten unseen). Hit: requests answered with it (a knob may take 1 or 2 requests), pushes dropped or sent twice,
cursors the provider refused (Gmail history 404, Graph delta 410, read from the emulators' request logs), grants
refused until the sync said "reconnect needed". Throttling, server errors and lost responses reach the Gmail and Graph
APIs (batch parts included); pushes are Gmail's (Graph subscriptions need an https public URL). Dovecot and Radicale
get no injected faults: they take the kills and the ended sessions like everything else.

| fault | armed | hit |
|---|---:|---:|
${FAULTS.map((f) => `| ${f} | ${r.faults[f].armed} | ${r.faults[f].hit} |`).join("\n")}

Changes made during the run: ${r.changes}.

## Worker kills

| # | at (s) | worker | steps it was running | their connections running again after |
|---:|---:|---|---:|---:|
${r.kills
  .map(
    (k, i) =>
      `| ${i + 1} | ${k.atSecond} | ${k.worker} | ${k.held} | ${k.held === 0 ? "-" : k.resumeMs === null ? "**not within 90 s**" : `${(k.resumeMs / 1000).toFixed(1)} s`} |`,
  )
  .join("\n")}

A kill is aimed at a worker holding step leases when one does within 3 s. "Running again" is the first step of each of
its connections that starts (or ends) after the kill: the tick frees a step whose lease no process holds
(server/sync/watchdog.ts \`freeOrphanedSteps\`), so that is the next tick (2 s here) plus the wait for a free worker.

## Ending every PostgreSQL session

\`pg_terminate_backend\` on every client session of the run's database but the benchmark's own, at ${t?.atSecond ?? "-"} s:
${t?.sessions ?? 0} sessions (the API's, the workers', pg-boss's). The API answered an authenticated request again after
${t?.apiRecoveredMs ?? "never"} ms, a worker completed a sync step after ${t?.workersRecoveredMs ?? "never"} ms, and
${t?.processesAlive ? "every process kept running" : "**a process died**"}. Before this run's fix a worker died here: the
per-key lease's pooled connection, idle while a step runs, emitted an unheard "error" event when PostgreSQL ended it.

## Audit by kind

| kind | connections | items | missing | doubled | extra |
|---|---:|---:|---:|---:|---:|
${byKind.join("\n")}

${
  r.processes.some((p) => !p.alive)
    ? `Processes that died:\n\n${r.processes
        .filter((p) => !p.alive)
        .map((p) => `- ${p.name}:\n\n\`\`\`\n${p.tail}\n\`\`\`\n`)
        .join("\n")}\n`
    : ""
}${r.stuck.length ? `Stuck at the end:\n\n\`\`\`json\n${JSON.stringify(r.stuck, null, 1)}\n\`\`\`\n` : ""}${
  r.audits.some((a) => a.audit.examples.length)
    ? `Examples of what the audit found:\n\n\`\`\`json\n${JSON.stringify(
        r.audits.filter((a) => a.audit.examples.length).slice(0, 10),
        null,
        1,
      )}\n\`\`\`\n`
    : ""
}`;
}
