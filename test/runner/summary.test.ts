// `npm test`'s tally, on a real Vitest run of the fixture suite in ./fixtures: a server test without
// PostgreSQL, a required test that was skipped, and the shared corpus absent or present.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summarize, summaryLine } from "../../scripts/test-summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function runFixtures(env: Record<string, string>, files: string[] = []) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-runner-")), "report.json");
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "TEST_DATABASE_URL"),
  );
  const r = spawnSync(
    "npx",
    [
      "vitest",
      "run",
      "--config",
      "test/runner/fixtures/vitest.config.mjs",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${out}`,
      ...files,
    ],
    { cwd: root, encoding: "utf8", env: { ...clean, ...env }, timeout: 120_000 },
  );
  const tally = summarize(JSON.parse(fs.readFileSync(out, "utf8")), root);
  return { output: r.stdout + r.stderr, tally, lines: [...tally.notes, summaryLine(tally)] };
}

describe("the npm test summary", () => {
  it("a PostgreSQL test without TEST_DATABASE_URL fails clearly, a skipped required test fails, an absent shared corpus is a named skip", () => {
    const { output, tally, lines } = runFixtures({});
    expect(output).toContain("TEST_DATABASE_URL is not set, so this PostgreSQL test cannot run");
    expect(tally).toMatchObject({ passed: 2, failed: 2, skipped: 1 });
    expect(lines).toContain(
      "not run, counted as failed: test/runner/fixtures/engines.fixture.ts › a server on postgres answers /healthz",
    );
    expect(lines).toContain(
      "not run, counted as failed: test/runner/fixtures/skips.fixture.ts › a required browser check that was left out",
    );
    expect(lines).toContain("shared corpus: not present, skipped");
    expect(lines.at(-1)).toBe("2 passed, 2 failed, 1 skipped");
    expect(lines.at(-1)).toMatch(/^\d+ passed, \d+ failed(, \d+ skipped)?$/);
  }, 150_000);

  it("a present shared corpus is reported as run", () => {
    const { lines } = runFixtures({ FIXTURE_CORPUS: "1" }, ["skips.fixture.ts"]);
    expect(lines).toContain("shared corpus: ran");
    expect(lines.at(-1)).toBe("2 passed, 1 failed, 0 skipped");
  }, 150_000);
});
