// `npm run bench -- NAME` runs bench/NAME.ts, whose default export writes bench/reports/NAME.md.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`Usage: npm run bench -- NAME\nBenchmarks: ${available.join(", ")}`);
  process.exit(2);
}
const mod = await import(`./${name}.ts`);
await mod.default(process.argv.slice(3));
process.exit(0);
