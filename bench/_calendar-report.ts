// The calendar benchmark's figures, each with its target and whether it is met: as a Markdown table for
// bench/reports/calendar.md and as JSON (bench/reports/calendar.json) for summaries across benchmarks.
import os from "node:os";
import type { ProviderDriver, UnavailableDriver } from "./_calendar-driver.js";
import type { RunResult } from "./_calendar-run.js";
import type { WorkloadSize } from "./_calendar-workload.js";

export interface ProviderReport {
  driver: ProviderDriver | UnavailableDriver;
  result?: RunResult;
}

export interface ReportContext {
  started: Date;
  load: number[];
  loadAtEnd: number[];
  /** Notifications the push relay delivered to the server, by path. */
  pushesDelivered: Record<string, number>;
  scale: number;
  /** The arguments the bench was run with, as typed after `npm run bench --`. */
  command: string;
  size: WorkloadSize;
  pollSeconds: number;
  tickSeconds: number;
}

export interface Figure {
  provider: string;
  measure: string;
  value: number | null;
  unit: string;
  /** Words of the target, or null when the figure has none. */
  target: string | null;
  /** Null: no target, or not applicable (`note` says why). */
  met: boolean | null;
  note?: string;
}

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
};
const round = (v: number, d = 2) => (Number.isFinite(v) ? Number(v.toFixed(d)) : null);

function figuresOf(r: ProviderReport, c: ReportContext): Figure[] {
  const provider = r.driver.label;
  if (!r.driver.available || !r.result)
    return [
      {
        provider,
        measure: "all",
        value: null,
        unit: "",
        target: null,
        met: null,
        note: r.driver.available ? "did not run" : r.driver.reason,
      },
    ];
  const x = r.result;
  const d = r.driver;
  const oneInterval = (c.pollSeconds + c.tickSeconds) * 1000;
  const perK = (n: number, of: number) => (n / of) * 1000;
  const initialPerK = perK(x.initial.requests.total, x.initial.events);
  const initialMinPerK = perK(x.minimum.initial, x.initial.events);
  const changesPerK = perK(x.changes.requests.total, x.changes.changes);
  const changesMinPerK = perK(x.minimum.changes, x.changes.changes);
  const figures: Figure[] = [
    {
      provider,
      measure: "first sync: provider requests per 1,000 events",
      value: round(initialPerK, 1),
      unit: "requests",
      target: `≤ ${round(initialMinPerK * 1.2, 1)} (1.2 × the minimum ${round(initialMinPerK, 1)})`,
      met: initialPerK <= initialMinPerK * 1.2,
    },
    {
      provider,
      measure: "changes: provider requests per 1,000 changes (both sides)",
      value: round(changesPerK, 1),
      unit: "requests",
      target: `≤ ${round(changesMinPerK * 1.2, 1)} (1.2 × the minimum ${round(changesMinPerK, 1)})`,
      met: changesPerK <= changesMinPerK * 1.2,
    },
    {
      provider,
      measure: "first sync: events per second (both directions, until both sides equal the truth)",
      value: x.initial.converged ? round(x.initial.events / x.initial.seconds, 1) : null,
      unit: "events/s",
      target: null,
      met: null,
      note: x.initial.converged ? undefined : `not converged within ${round(x.initial.seconds, 0)} s`,
    },
    {
      provider,
      measure: "changes: changes per second until both sides equal the truth",
      value: x.changes.converged ? round(x.changes.changes / x.changes.seconds, 1) : null,
      unit: "changes/s",
      target: null,
      met: null,
      note: x.changes.converged ? undefined : `not converged within ${round(x.changes.seconds, 0)} s`,
    },
    ...(["initial", "changes"] as const).flatMap((phase) =>
      (["provider", "crm"] as const).map(
        (side): Figure => ({
          provider,
          measure: `end state ${phase === "initial" ? "after the first sync" : "after the changes"}: differences from the ground truth at the ${side === "crm" ? "CRM" : "provider"}`,
          value: x[phase][side].total,
          unit: "differences",
          target: "0 (every event once, right fields, exceptions intact)",
          met: x[phase][side].total === 0,
        }),
      ),
    ),
    {
      provider,
      measure: "idle: provider requests per poll",
      value: round(x.idlePoll.requests.total / (x.idlePoll.seconds / c.pollSeconds), 1),
      unit: "requests",
      target: null,
      met: null,
    },
  ];
  const latency = (name: string, samples: number[] | null, push: boolean, why: string) => {
    if (!samples)
      return [
        {
          provider,
          measure: `${name}, ${push ? "push" : "polling"}: p50`,
          value: null,
          unit: "s",
          target: push ? "p50 ≤ 2 s" : null,
          // The provider has no push at all (CalDAV): not applicable, the polling figures stand for it.
          met: null,
          note: why,
        } satisfies Figure,
      ];
    return [
      {
        provider,
        measure: `${name}, ${push ? "push" : "polling"}: p50`,
        value: round(pct(samples, 50) / 1000),
        unit: "s",
        target: push ? "≤ 2 s" : null,
        met: push ? pct(samples, 50) <= 2000 : null,
      },
      {
        provider,
        measure: `${name}, ${push ? "push" : "polling"}: p95`,
        value: round(pct(samples, 95) / 1000),
        unit: "s",
        target: push
          ? null
          : `≤ ${oneInterval / 1000} s (one polling interval of ${c.pollSeconds} s + the ${c.tickSeconds} s tick)`,
        met: push ? null : pct(samples, 95) <= oneInterval,
        note: `${samples.length} samples: ${samples.map((s) => (Number.isFinite(s) ? (s / 1000).toFixed(2) : "never")).join(", ")} s`,
      },
    ] satisfies Figure[];
  };
  figures.push(
    ...latency(
      "provider edit → visible in the CRM",
      x.latency.providerToCrm.push,
      true,
      `not available: ${d.push}`,
    ),
    ...latency("provider edit → visible in the CRM", x.latency.providerToCrm.poll, false, ""),
    ...latency(
      "CRM edit through the API (it queues a sync step) → at the provider",
      x.latency.crmToProvider.push,
      true,
      "",
    ),
    ...latency(
      "CRM edit with its step trigger lost (row and outbox entry only) → at the provider",
      x.latency.crmToProvider.poll,
      false,
      "",
    ),
  );
  return figures;
}

export function renderJson(reports: ProviderReport[], c: ReportContext) {
  return {
    benchmark: "calendar",
    run: c.started.toISOString(),
    scale: c.scale,
    size: c.size,
    pollSeconds: c.pollSeconds,
    load: { start: c.load, end: c.loadAtEnd },
    pushesDelivered: c.pushesDelivered,
    figures: reports.flatMap((r) => figuresOf(r, c)),
    requests: Object.fromEntries(
      reports.flatMap((r) =>
        r.result
          ? [
              [
                r.driver.key,
                {
                  initial: r.result.initial.requests,
                  changes: r.result.changes.requests,
                  idle: r.result.idlePoll.requests,
                  minimum: r.result.minimum,
                },
              ],
            ]
          : [],
      ),
    ),
    differences: Object.fromEntries(
      reports.flatMap((r) =>
        r.result
          ? [
              [
                r.driver.key,
                {
                  initial: { provider: r.result.initial.provider, crm: r.result.initial.crm },
                  changes: { provider: r.result.changes.provider, crm: r.result.changes.crm },
                },
              ],
            ]
          : [],
      ),
    ),
  };
}

export function renderMarkdown(reports: ProviderReport[], c: ReportContext): string {
  const s = c.size;
  const lines = [
    "# Calendar sync benchmark",
    "",
    `Run ${c.started.toISOString()} by \`npm run bench -- ${c.command}\` (bench/calendar.ts). ${os.cpus().length} cores, load average (1 / 5 / 15 min) ${c.load.map((l) => l.toFixed(2)).join(" / ")} at the start and ${c.loadAtEnd.map((l) => l.toFixed(2)).join(" / ")} at the end (the machine is shared with other developers' builds and tests), Node ${process.version}.`,
    "",
    `Workload per provider (scale ${c.scale} of the issue's 10,000 events): ${s.events.toLocaleString("en")} events at the provider of which ${s.series} weekly series of 10 occurrences (each with a moved occurrence, a retitled one and an EXDATE; every other one also a cancelled override), ${s.crmEvents.toLocaleString("en")} events made in the CRM through the API before the account is connected, then ${s.changes} changes at the provider (retitle, move, delete, create, series EXDATE, series moved occurrence, series retitle, in turn) and ${s.changes} in the CRM (retitle, move, delete, create) made at once. ` +
      `\`concilia serve\` (CONCILIA_WORKER=off) and one \`concilia worker\` as child processes on a throwaway PostgreSQL; tick ${c.tickSeconds} s, poll ${c.pollSeconds} s, the engine's defaults otherwise (pages of CONCILIA_SYNC_BATCH_SIZE 50 changes, at most 500 items and 20 s per step). The end state of each side is read back (the provider directly, the CRM from its tables) and compared field by field with the ground truth the bench kept (title, start, end, status, RRULE, EXDATEs, and each exception's original start, status, times and title; every event exactly once).`,
    "",
    `Push notifications the relay delivered to the server during the run, by route: ${JSON.stringify(c.pushesDelivered)}.`,
    "",
    "| provider | measure | result | target | |",
    "|---|---|---|---|---|",
  ];
  for (const f of reports.flatMap((r) => figuresOf(r, c))) {
    const value = f.value === null ? (f.note ?? "—") : `${f.value} ${f.unit}${f.note ? ` (${f.note})` : ""}`;
    const met = f.met === null ? "" : f.met ? "met" : "**missed**";
    lines.push(`| ${f.provider} | ${f.measure} | ${value} | ${f.target ?? ""} | ${met} |`);
  }
  for (const r of reports) {
    if (!r.result || !r.driver.available) continue;
    const x = r.result;
    lines.push(
      "",
      `## ${r.driver.label}`,
      "",
      `Seeding the provider took ${x.seedSeconds.toFixed(1)} s (not counted). The minimum: ${x.minimum.how}; ${x.minimum.initial} requests for the first sync, ${x.minimum.changes} for the changes.`,
      "",
      "Requests by kind (first sync, changes, two idle polling intervals):",
      "",
      "```json",
      JSON.stringify({ initial: x.initial.requests, changes: x.changes.requests, idle: x.idlePoll.requests }),
      "```",
      "",
      "Differences from the ground truth (counts by kind, first examples):",
      "",
      "```json",
      JSON.stringify(
        {
          initial: { provider: x.initial.provider, crm: x.initial.crm },
          changes: { provider: x.changes.provider, crm: x.changes.crm },
        },
        null,
        1,
      ),
      "```",
    );
  }
  return lines.join("\n");
}
