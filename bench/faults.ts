// `npm run bench -- faults` (issue 14): the API and 3 `concilia worker` processes on a throwaway
// PostgreSQL sync 50 connections of mail, calendars and contacts (Gmail, Google Calendar, Graph mail
// and calendar, Exchange contacts in the emulators served over HTTP; IMAP on Dovecot, CalDAV on
// Radicale) while provider faults are injected, a worker is killed with SIGKILL at 20 random
// moments and started again, and every PostgreSQL session is ended once; meanwhile the sidebars'
// context endpoint is driven at 100 req/s over the context benchmark's data set. The run itself is
// test/sync/faults/fleet/run.ts (a small one is test/sync/faults/fleet.test.ts). Writes
// bench/reports/faults.md and faults.json. Options: --connections N --workers N --items N
// --run-seconds S --kills N --faults-per-second N --changes-per-second N --settle-seconds S
// --poll-seconds S --rate N --persons N --worker-nice N.
import os from "node:os";
import { parseArgs } from "node:util";
import { FAULTS } from "../test/sync/faults/fleet/chaos.js";
import { type FleetResult, runFleet } from "../test/sync/faults/fleet/run.js";
import { figure, writeReport, writeResult } from "./_result.js";
import { fleetServices, services } from "./_services.js";

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
      /** The workers' CONCILIA_WORKER_NICE (default: the configuration's default, 10). */
      "worker-nice": { type: "string" },
    },
  });
  const say = (s: string) => console.log(`[bench faults] ${s}`);
  const load = os.loadavg();
  const started = new Date();
  const running = await fleetServices();
  try {
    const r = await runFleet({
      databaseUrl: running.databaseUrl,
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
      workerNice: values["worker-nice"] === undefined ? undefined : Number(values["worker-nice"]),
      say,
    });
    const report = render(r, started, load);
    writeReport("faults", report);
    writeResult("faults", figures(r), started);
    console.log(report);
  } finally {
    running.stop();
  }
}

type Measure = "resumeMs" | "progressMs";
const slowest = (r: FleetResult, m: Measure) => {
  const measured = r.kills.filter((k) => k.held > 0);
  if (measured.some((k) => k[m] === null)) return null;
  return measured.length ? Math.max(...measured.map((k) => k[m] as number)) : null;
};
/** Kills (of those that caught a step running) after which every connection did `m` within the target. */
const withinTarget = (r: FleetResult, m: Measure) =>
  r.kills.filter((k) => k.held > 0 && k[m] !== null && (k[m] as number) < TARGET_RESUME_MS).length;
const killsCaught = (r: FleetResult) => r.kills.filter((k) => k.held > 0).length;

function resumeText(r: FleetResult, m: Measure) {
  const measured = r.kills.filter((k) => k.held > 0);
  const resumed = measured.filter((k) => k[m] !== null).map((k) => k[m] as number);
  if (measured.length === 0) return "no kill caught a step running";
  const late = measured.length - resumed.length;
  const max = resumed.length ? `${(Math.max(...resumed) / 1000).toFixed(1)} s` : "-";
  return late ? `${late} kills: not all within 90 s; the other ${resumed.length}: max ${max}` : max;
}
const seconds = (ms: number | null) => (ms === null ? "**not within 90 s**" : `${(ms / 1000).toFixed(1)} s`);
/** A kill's connections that took over 10 s to make progress (or never did). */
const SLOW_MS = 10_000;
const slowOnes = (r: FleetResult) =>
  r.kills.flatMap((k, i) =>
    k.connections
      .filter((c) => c.progressMs === null || c.progressMs > SLOW_MS)
      .map((c) => ({ kill: i + 1, ...c })),
  );
/** Sync steps per second per worker while the faults went on (kills and restarts included). */
const stepsPerWorker = (r: FleetResult) =>
  Math.round((r.faultPhase.steps / r.faultPhase.seconds / r.options.workers) * 100) / 100;
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
    figure("killed worker's connections making progress again, max", slowest(r, "progressMs"), "ms", {
      op: "<",
      value: TARGET_RESUME_MS,
    }),
    figure("killed worker's connections running a step again, max", slowest(r, "resumeMs"), "ms"),
    // The max is unmeasured as soon as one kill's connections never resume: the counts say how many did.
    figure(
      `kills after which every connection made progress within 30 s, of ${killsCaught(r)}`,
      withinTarget(r, "progressMs"),
      "",
      { op: "==", value: killsCaught(r) },
    ),
    figure(
      `kills after which every connection ran a step again within 30 s, of ${killsCaught(r)}`,
      withinTarget(r, "resumeMs"),
      "",
    ),
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
    figure("sync steps per second per worker during the faults", stepsPerWorker(r), "steps/s"),
    figure("due sync steps waiting for a worker during the faults, mean", r.faultPhase.queue.meanWaiting, ""),
    figure("settling after the faults stopped", r.settleSeconds, "s"),
  ];
}

function render(r: FleetResult, started: Date, load: number[]): string {
  const o = r.options;
  const met = (ok: boolean) => (ok ? "met" : "**missed**");
  const t = r.terminations[0];
  const progress = slowest(r, "progressMs");
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

Set-up: \`concilia serve\` (CONCILIA_WORKER=off) and ${o.workers} \`concilia worker\` processes (CONCILIA_WORKER_NICE=${o.workerNice ?? "10, the default"}), each its own child process, on a
throwaway PostgreSQL; the Google and Microsoft emulators served over HTTP by the benchmark process, Dovecot and Radicale as
real servers. ${o.connections} connections round robin over the kinds (${Object.entries(r.kinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(
      ", ",
    )}), each starting with ${o.items} items at its provider (mail: 30 % with the owner's CRM person;
calendars: events put by another client, plus 2 events made in Concilia that must go out; Exchange contacts: contacts
filed in Outlook under the followed category, plus the owner's CRM persons that must go out). Tick 2 s, polling
${o.pollSeconds} s (Gmail, Google Calendar, Graph mail and calendar also by push: the API has an https public URL, the
emulators' pushes are routed to its port), pages of 25, 100 items a step. The first sync runs before the faults (it gives the sizing figure); then for ${o.runSeconds} s:
${o.changesPerSecond} changes a second (new mail; events and contacts added and edited at the provider and in Concilia), ${o.faultsPerSecond}
provider faults a second, ${o.kills} worker kills (SIGKILL, started again at once) and one ending of every PostgreSQL
session; meanwhile \`GET /api/v1/context\` at a fixed ${c?.rate ?? 0} req/s over the context benchmark's data set
(${o.context?.persons.toLocaleString("en")} persons, bench/_context-seed.ts) with its request mix. Then the faults stop, pushes
held for reordering are released, revoked grants are connected again, and the run waits (at most ${o.settleSeconds} s) for
every connection to be up to date and every audit clean.

## Results

| measure | result | target | |
|---|---|---|---|
| audit against the providers' ground truth: ${r.totals.expected} items (provider → CRM, and CRM events and persons → provider) | ${r.totals.missing} missing, ${r.totals.doubled} doubled, ${r.totals.extra} extra | 0 / 0 / 0 | ${met(wrong === 0)} |
| a killed worker's connections make progress again: a cursor saved or up to date (max over ${r.kills.filter((k) => k.held > 0).length} kills that caught steps running) | ${resumeText(r, "progressMs")} | < ${TARGET_RESUME_MS / 1000} s | ${met(progress !== null && progress < TARGET_RESUME_MS)} |
| … kills after which every connection made progress within ${TARGET_RESUME_MS / 1000} s | ${withinTarget(r, "progressMs")} of ${killsCaught(r)} | all | ${met(killsCaught(r) > 0 && withinTarget(r, "progressMs") === killsCaught(r))} |
| … run a step again | ${resumeText(r, "resumeMs")} | | |
| connections stuck at the end (not up to date, or a step marked running for over a minute) | ${r.stuck.length} | 0 | ${met(r.stuck.length === 0)} |
| every PostgreSQL session ended (${t?.sessions ?? 0} sessions) at ${t?.atSecond ?? "-"} s: API answering again | ${t?.apiRecoveredMs ?? "never"} ms | | |
| … workers completing sync steps again | ${t?.workersRecoveredMs ?? "never"} ms | | |
| … API and every worker process still running | ${t?.processesAlive ? "yes" : "no"} | yes | ${met(!!t?.processesAlive)} |
| context at ${c?.rate} req/s under sync load (${c?.ok} of ${c?.sent} answered 2xx, ${c?.non2xx} non-2xx, ${c?.errors} errors, ${c?.timeouts} timeouts) | p50 ${c?.p50} ms, p90 ${c?.p90} ms, p99 ${c?.p99} ms, max ${c?.max} ms | p99 < ${TARGET_P99_MS} ms | ${met(!!c && c.ok === c.sent && c.p99 < TARGET_P99_MS)} |
| first sync before the faults: ${r.firstSync.items} items over ${o.connections} connections | ${r.firstSync.seconds ?? "not finished"} s, ${ips ?? "-"} items/s (${ips === null ? "-" : (ips / o.workers).toFixed(1)} per worker) | | |
| sync steps run while the faults went on | ${r.faultPhase.steps} in ${Math.round(r.faultPhase.seconds)} s: ${stepsPerWorker(r)} steps/s per worker | | |
| … due steps waiting for a free worker meanwhile (sampled every second) | mean ${r.faultPhase.queue.meanWaiting}, max ${r.faultPhase.queue.maxWaiting}; none waiting in ${Math.round(r.faultPhase.queue.idleShare * 100)} % of ${r.faultPhase.queue.samples} samples | | |
| settling once the faults stopped | ${r.settleSeconds === null ? "not settled" : `${r.settleSeconds.toFixed(1)} s`} | | |

Latencies of the context requests are measured from the moment each was due to leave (bench/_fixed-rate.ts, open loop).

## Faults injected

Armed: how many times the run set the fault on a connection (an account keeps one fault until it hits, so none is
overwritten unseen). Hit: requests answered with it (a knob may take 1 or 2 requests), pushes dropped or sent twice,
cursors the provider refused (Gmail history 404, Google Calendar sync token 410, Graph mail, calendar and contacts
delta 410, read from the emulators' request logs), grants refused until the sync said "reconnect needed". Throttling,
server errors and lost responses reach the Gmail, Google Calendar and Graph APIs (batch parts included); pushes are
Gmail's, Google Calendar's channels and Graph's subscriptions (Exchange contacts are polled). Dovecot and Radicale get
no injected faults: they take the kills and the ended sessions like everything else.

| fault | armed | hit |
|---|---:|---:|
${FAULTS.map((f) => `| ${f} | ${r.faults[f].armed} | ${r.faults[f].hit} |`).join("\n")}

Changes made during the run: ${r.changes}.

## Worker kills

| # | at (s) | worker | steps it was running | running a step again after | making progress again after | each connection: kind, state at the kill, progress after |
|---:|---:|---|---:|---:|---:|---|
${r.kills
  .map(
    (k, i) =>
      `| ${i + 1} | ${k.atSecond} | ${k.worker} | ${k.held} | ${k.held === 0 ? "-" : seconds(k.resumeMs)} | ${k.held === 0 ? "-" : seconds(k.progressMs)} | ${k.connections.map((c) => `${c.kind} (${c.atKill}): ${seconds(c.progressMs)}`).join("; ")} |`,
  )
  .join("\n")}

A kill is aimed at a worker holding step leases when one does within 3 s. For each connection whose step the killed
worker was running: "running a step again" is the first step of it that starts (or ends) after the kill; "making
progress again" is the first cursor of it saved after the kill, or a step that brought it up to date. The
\`sync.watchdog\` job (every CONCILIA_SYNC_WATCHDOG_SECONDS, 5 s by default; 2 s here, the tick's interval) frees a
step whose lease no process holds, cancels the dead worker's job and queues the connection ahead of routine polls
(server/sync/watchdog.ts), so that is the watchdog's next run plus the wait for a free worker; a connection the kill
found waiting (a throttling's Retry-After, a backoff after server errors, a revoked grant) waits for that too.

${slowExplained(r)}
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

/** The slow resumptions, each with its trace when the run had FLEET_TRACE set. */
function slowExplained(r: FleetResult): string {
  const slow = slowOnes(r);
  if (slow.length === 0) return `No connection took over ${SLOW_MS / 1000} s to make progress again.`;
  const traced = slow.some((c) => c.trace.length > 0);
  return `### Slow to make progress again (over ${SLOW_MS / 1000} s)

${slow.map((c) => `- kill ${c.kill}, ${c.kind} ${c.connectionId} (${c.atKill}): ${seconds(c.progressMs)}`).join("\n")}
${
  traced
    ? `
Their traces (FLEET_TRACE=1): each change of the connection's state after the kill, with how long since a tick and a
watchdog run completed and the queue's waiting and active steps; jobs are state:priority:put-off:retries.

${slow
  .filter((c) => c.trace.length)
  .map((c) => `kill ${c.kill}, ${c.kind}:\n\n\`\`\`\n${c.trace.join("\n")}\n\`\`\`\n`)
  .join("\n")}`
    : "\nRun with FLEET_TRACE=1 to see where their time went.\n"
}`;
}
