// The machine-readable result every benchmark writes beside its report (bench/reports/NAME.json), so
// that `npm run bench` with no name can list every figure, its target and whether it is met without
// reading prose (bench/_summary.ts).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const reportsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "reports");

export interface Figure {
  /** What is measured, as the report names it. */
  name: string;
  /** The measured value (null: not measured in this run). */
  value: number | null;
  unit: string;
  /** The target as a comparison, or null for a figure reported without one. */
  target: { op: "<" | "<=" | ">=" | "=="; value: number } | null;
  /** Whether the target is met (null without a target; false when a figure with a target has no value). */
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  /** ISO date of the run. */
  date: string;
  figures: Figure[];
}

const compare = (v: number, t: NonNullable<Figure["target"]>) =>
  t.op === "<" ? v < t.value : t.op === "<=" ? v <= t.value : t.op === ">=" ? v >= t.value : v === t.value;

/** A figure, with `met` worked out from its value and target. */
export function figure(
  name: string,
  value: number | null,
  unit: string,
  target: Figure["target"] = null,
): Figure {
  const known = value !== null && Number.isFinite(value);
  return {
    name,
    value: known ? value : null,
    unit,
    target,
    // A target whose figure could not be measured (a request unanswered, a connection never resumed) is missed.
    met: target ? known && compare(value as number, target) : null,
  };
}

export function writeResult(name: string, figures: Figure[], date = new Date()): void {
  const result: BenchResult = { name, date: date.toISOString(), figures };
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.writeFileSync(path.join(reportsDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

/**
 * Writes bench/reports/NAME.md: the generated `markdown`, then the notes written by hand below
 * `<!-- notes -->` in the report it replaces, kept.
 */
export function writeReport(name: string, markdown: string): void {
  const out = path.join(reportsDir, `${name}.md`);
  const before = fs.existsSync(out) ? fs.readFileSync(out, "utf8") : "";
  const notes = before.includes("<!-- notes -->")
    ? before.slice(before.indexOf("<!-- notes -->"))
    : "<!-- notes -->\n";
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.writeFileSync(out, `${markdown}\n${notes}`);
}

/** A figure as a bench wrote it: this file's shape, or the calendar and contacts benches' own. */
type WrittenFigure = Partial<Omit<Figure, "target" | "value">> & {
  value?: number | string | null;
  target?: Figure["target"] | string | null;
  measure?: string;
  figure?: string;
  provider?: string;
  minimum?: number;
};

/** A written value that is no number (e.g. "yes" for an exact audit) counts as met or missed only. */
function asFigure(f: WrittenFigure): Figure & { shown?: string } {
  const label = f.name ?? [f.provider, f.measure ?? f.figure].filter(Boolean).join(": ");
  const noTarget = f.target === null || f.target === undefined || f.target === "reported";
  const target =
    typeof f.target === "string" && !noTarget
      ? { text: `${f.target}${f.minimum !== undefined ? ` (minimum ${f.minimum})` : ""}` }
      : null;
  return {
    name: label,
    value: typeof f.value === "number" ? f.value : null,
    shown: typeof f.value === "string" ? f.value : undefined,
    unit: f.unit ?? "",
    target: typeof f.target === "object" ? (f.target ?? null) : null,
    targetText: target?.text,
    met: noTarget ? null : (f.met ?? null),
  } as Figure & { shown?: string; targetText?: string };
}

export function readResult(name: string): BenchResult | null {
  const file = path.join(reportsDir, `${name}.json`);
  if (!fs.existsSync(file)) return null;
  const raw = JSON.parse(fs.readFileSync(file, "utf8")) as {
    name?: string;
    benchmark?: string;
    date?: string;
    run?: string;
    figures: WrittenFigure[];
  };
  return {
    name: raw.name ?? raw.benchmark ?? name,
    date: raw.date ?? raw.run ?? fs.statSync(file).mtime.toISOString(),
    figures: raw.figures.map(asFigure),
  };
}
