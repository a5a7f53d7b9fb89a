// `npm test`: type-check and lint, start the real services the tests need (PostgreSQL, Chromium), run
// every test, stop the services, and end with one line "N passed, N failed".
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ensureChromium, startPostgres } from "./services.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1;
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

let passed = 0;
let failed = 0;
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
  if (process.env.TEST_DATABASE_URL) env.TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
  else {
    const pg = await startPostgres();
    stops.push(pg.stop);
    env.TEST_DATABASE_URL = pg.url;
    console.log(`PostgreSQL on ${pg.url}`);
  }
  env.CHROMIUM_PATH = ensureChromium();

  console.log("\n== tests");
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-vitest-")), "report.json");
  run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], env);
  if (fs.existsSync(report)) {
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    // A test file that failed to load counts as a failure even though none of its tests ran.
    failed += r.testResults.filter((f) => f.status === "failed" && f.assertionResults.length === 0).length;
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
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
