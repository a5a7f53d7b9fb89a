// `npm run bench -- fuzz [RUNS] [PROPERTY,…]`: the fuzz properties of test/fuzz/ (R-P-4) on 10,000 cases each (the
// test suite runs 500), the server's on PostgreSQL when TEST_DATABASE_URL is set, else on the embedded
// engine. Writes bench/reports/fuzz.md and fuzz.json: cases, outcomes and time per property, and for the
// in-process ones the slowest case and the peak heap (a case that allocates without bound shows here
// before it kills the run); a failure stops the run with its seed and counterexample.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fuzzGoogleCalendarAnswers, fuzzGraphCalendarAnswers } from "../test/fuzz/calendar-answers.js";
import { fuzzIcs } from "../test/fuzz/calendar-input.js";
import { fuzzGraphContactsAnswers } from "../test/fuzz/contacts-answers.js";
import { fuzzMailParse } from "../test/fuzz/mail-input.js";
import {
  type FuzzTally,
  fuzzCaldavAnswers,
  fuzzGmailAnswers,
  fuzzGraphAnswers,
} from "../test/fuzz/provider-answers.js";
import { fuzzApi, fuzzMailIngest, fuzzPush } from "../test/fuzz/server-inputs.js";
import { startFuzzWorld } from "../test/fuzz/world.js";
import { type Figure, figure, writeResult } from "./_result.js";

const here = path.dirname(fileURLToPath(import.meta.url));

const properties = [
  "gmail",
  "graph",
  "caldav",
  "google-calendar",
  "graph-calendar",
  "graph-contacts",
  "ics",
  "mime",
  "mime-endpoint",
  "push",
  "api",
] as const;

/** `npm run bench -- fuzz [RUNS] [property,…]`; the report is rewritten after each property. */
export default async function fuzz(args: string[]) {
  const runs = Number(args[0] ?? 10_000);
  const only = new Set(args[1] ? args[1].split(",") : properties);
  const seed = Date.now() | 0;
  const engine = process.env.TEST_DATABASE_URL ? "postgres" : "pglite";
  const rows: string[] = [];
  const figures: Figure[] = [];
  const write = () =>
    fs.writeFileSync(
      path.join(here, "reports/fuzz.md"),
      [
        "# Fuzz (R-P-4)",
        "",
        `\`npm run bench -- fuzz ${args.join(" ")}\`, ${new Date().toISOString().slice(0, 10)}: ${runs} cases per property, seed ${seed}, server on ${engine}. Every property listed held: no crash, no 5xx, every refusal problem+json, no row written by a refused request, every row stored before a run still there unchanged (the API run excepted: its accepted PATCH and DELETE change rows), the health check answering after. Seconds are wall time on the shared 2-core machine.`,
        "",
        "| property | cases | seconds | slowest case (ms) | peak heap (MB) | outcomes |",
        "|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  const measure = async (key: (typeof properties)[number], name: string, run: () => Promise<FuzzTally>) => {
    if (!only.has(key)) return;
    const t0 = performance.now();
    const t = await run();
    const seconds = (performance.now() - t0) / 1000;
    const outcomes = Object.entries(t.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    const slowest = t.slowestCaseMs === undefined ? "" : t.slowestCaseMs.toFixed(0);
    const heap = t.peakHeapMb === undefined ? "" : t.peakHeapMb.toFixed(0);
    rows.push(`| ${name} | ${t.cases} | ${seconds.toFixed(1)} | ${slowest} | ${heap} | ${outcomes} |`);
    console.log(
      `${name}: ${t.cases} cases in ${seconds.toFixed(1)} s, slowest ${slowest} ms, heap ${heap} MB (${outcomes})`,
    );
    figures.push(figure(`${name}: cases held`, t.cases, "cases", { op: ">=", value: runs }));
    if (t.slowestCaseMs !== undefined) figures.push(figure(`${name}: slowest case`, t.slowestCaseMs, "ms"));
    if (t.peakHeapMb !== undefined)
      figures.push(figure(`${name}: peak heap after a case`, t.peakHeapMb, "MB"));
    write();
    writeResult("fuzz", figures);
  };
  await measure("gmail", "Gmail answers", () => fuzzGmailAnswers(runs, seed));
  await measure("graph", "Graph answers", () => fuzzGraphAnswers(runs, seed));
  await measure("caldav", "CalDAV answers", () => fuzzCaldavAnswers(runs, seed));
  await measure("google-calendar", "Google Calendar answers", () => fuzzGoogleCalendarAnswers(runs, seed));
  await measure("graph-calendar", "Outlook calendar answers", () => fuzzGraphCalendarAnswers(runs, seed));
  await measure("graph-contacts", "Exchange contact answers", () => fuzzGraphContactsAnswers(runs, seed));
  await measure("ics", "iCalendar files", () => fuzzIcs(runs, seed));
  await measure("mime", "MIME parse and rendering", () => fuzzMailParse(runs, seed));
  if (!["mime-endpoint", "push", "api"].some((p) => only.has(p))) return;
  const w = await startFuzzWorld(engine);
  try {
    await measure("mime-endpoint", `MIME via POST /api/v1/emails (${engine})`, () =>
      fuzzMailIngest(w.s, w.tokens.member, runs, seed),
    );
    await measure("push", `push routes (${engine})`, () => fuzzPush(w.s, runs, seed));
    await measure("api", `API operations (${engine})`, () => fuzzApi(w.s, w.tokens, w.ids, runs, seed));
  } finally {
    await w.s.close();
  }
}
