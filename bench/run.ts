// `npm run bench -- NAME` runs bench/NAME.ts, whose default export writes bench/reports/NAME.md and
// NAME.json. `npm run bench` with no name runs every benchmark, one after the other, then writes
// bench/reports/summary.md from their NAME.json (bench/_summary.ts); `npm run bench -- summary` only
// writes the summary from the results already there. Runs written under another name (`--report`) are
// listed after their benchmark.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { reportsDir } from "./_result.js";
import { writeSummary } from "./_summary.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""))
  .sort();
const name = process.argv[2];
/** Each benchmark, followed by its runs written under another name (`--report NAME`, e.g. a larger scale). */
const reported = () => {
  const files = fs.existsSync(reportsDir) ? fs.readdirSync(reportsDir) : [];
  return available.flatMap((bench) => [
    bench,
    ...files
      .filter((f) => f.startsWith(`${bench}-`) && f.endsWith(".json"))
      .map((f) => f.replace(/\.json$/, ""))
      .sort(),
  ]);
};

if (name === "summary") {
  console.log(writeSummary(reported()));
} else if (!name) {
  const outcome: Record<string, string> = {};
  for (const bench of available) {
    console.log(`\n=== npm run bench -- ${bench} ===`);
    const started = Date.now();
    try {
      const mod = await import(`./${bench}.ts`);
      await mod.default([]);
    } catch (err) {
      outcome[bench] = `failed: ${String((err as Error)?.message ?? err).split("\n")[0]}`;
      console.error(`${bench} failed:`, err);
    }
    console.log(`=== ${bench}: ${((Date.now() - started) / 1000).toFixed(0)} s ===`);
  }
  console.log(writeSummary(reported(), outcome));
} else if (!available.includes(name)) {
  console.error(`Usage: npm run bench [-- NAME | summary]\nBenchmarks: ${available.join(", ")}`);
  process.exit(2);
} else {
  const mod = await import(`./${name}.ts`);
  await mod.default(process.argv.slice(3));
}
process.exit(0);
