// `npm test`: type-check and lint, start the real services the tests need (services.mjs), run every
// test, stop the services, and end with one line "N passed, N failed". A test that did not run counts
// as failed (test-summary.mjs); the shared corpus's tests are collected only where it is (corpus.mjs).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { corpusPresent, corpusRoot } from "./corpus.mjs";
import { testServices } from "./services.mjs";
import { summarize, summaryLine } from "./test-summary.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

let passed = 0;
let failed = 0;
const notes = [];
const stops = [];
const stopAll = () => {
  for (const stop of stops.splice(0).reverse()) stop();
};
process.on("SIGINT", () => {
  stopAll();
  process.exit(130);
});

try {
  console.log("\n== check: types, lint, format");
  if (run("npm", ["run", "--silent", "check"]) === 0) passed++;
  else {
    failed++;
    console.error("check failed (see above)");
  }

  // The builds a deployment makes (the Gmail one for an example origin); the tests also build what they run.
  const builds = { "build:addin": [], "build:gmail": ["--", "--server", "https://crm.example.com"] };
  for (const [script, args] of Object.entries(builds)) {
    if (!pkg.scripts[script]) continue;
    console.log(`\n== ${script}`);
    if (run("npm", ["run", "--silent", script, ...args]) !== 0) {
      failed++;
      console.error(`${script} failed`);
    }
  }

  console.log("\n== services");
  const env = {};
  for (const service of testServices) {
    if (process.env[service.env]) {
      env[service.env] = process.env[service.env];
      console.log(`${service.name}: ${env[service.env]} (from ${service.env})`);
      continue;
    }
    const started = await service.start();
    if (started.stop) stops.push(started.stop);
    env[service.env] = started.value;
    console.log(`${service.name}: ${started.value}`);
  }

  console.log("\n== tests");
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-vitest-")), "report.json");
  const status = run(
    "npx",
    ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`],
    env,
  );
  if (fs.existsSync(report)) {
    const r = summarize(JSON.parse(fs.readFileSync(report, "utf8")), root);
    passed += r.passed;
    failed += r.failed;
    notes.push(...r.notes);
    if (status !== 0 && r.failed === 0) {
      failed++;
      notes.push("vitest reported errors outside the tests (see above)");
    }
  } else {
    failed++;
    console.error("vitest wrote no report");
  }
} catch (err) {
  failed++;
  console.error(`npm test: ${err.message}`);
} finally {
  stopAll();
}
console.log("");
for (const note of notes) console.log(note);
console.log(
  corpusPresent()
    ? `shared corpus: ran (${corpusRoot()})`
    : `shared corpus: not present at ${corpusRoot()}, its tests were not collected`,
);
console.log(summaryLine({ passed, failed }));
process.exit(failed ? 1 : 0);
