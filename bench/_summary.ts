// bench/reports/summary.md: one table of every benchmark's figures, read from each bench's
// bench/reports/NAME.json (bench/_result.ts), with its target and whether it is met.
import fs from "node:fs";
import path from "node:path";
import { type Figure, readResult, reportsDir } from "./_result.js";

type Shown = Figure & { shown?: string; targetText?: string };
const value = (f: Shown) =>
  f.value === null
    ? (f.shown ?? "not measured")
    : `${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit}`.trim();
const target = (f: Shown) =>
  f.target ? `${f.target.op} ${f.target.value} ${f.unit}`.trim() : (f.targetText ?? "");
const met = (f: Figure) => (f.met === null ? "" : f.met ? "met" : "**missed**");

export function writeSummary(names: string[], outcome: Record<string, string> = {}): string {
  const lines = [
    "# Benchmark summary",
    "",
    `Written by \`npm run bench\` (bench/_summary.ts) on ${new Date().toISOString()} from each benchmark's bench/reports/NAME.json; the reports (bench/reports/NAME.md) say how each figure was measured.`,
    "",
    "| benchmark | figure | measured | target | |",
    "|---|---|---|---|---|",
  ];
  for (const name of names) {
    const r = readResult(name);
    if (!r) {
      lines.push(
        `| ${name} | ${outcome[name] ?? "no result (bench/reports/" + name + ".json missing)"} | | | |`,
      );
      continue;
    }
    const note = outcome[name] ? ` (${outcome[name]})` : "";
    for (const f of r.figures)
      lines.push(
        `| ${name} (${r.date.slice(0, 10)})${note} | ${f.name} | ${value(f)} | ${target(f)} | ${met(f)} |`,
      );
  }
  const all = names.flatMap((n) => readResult(n)?.figures ?? []);
  const withTarget = all.filter((f) => f.met !== null);
  lines.push("", `${withTarget.filter((f) => f.met).length} of ${withTarget.length} targets met.`, "");
  const text = lines.join("\n");
  fs.writeFileSync(path.join(reportsDir, "summary.md"), text);
  return text;
}
