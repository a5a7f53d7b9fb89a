// `npm test`'s tally, on a real Vitest run of the fixture suite in ./fixtures: a server test without
// PostgreSQL and a required test that was skipped both count as failed, and are named.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { summarize, summaryLine } from "../../scripts/test-summary.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** This process's environment without Vitest's own variables, for a Vitest run of its own. */
const withoutVitest = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));

function runFixtures(env: Record<string, string>, files: string[] = []) {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "concilia-runner-")), "report.json");
  const { TEST_DATABASE_URL: _, ...clean } = withoutVitest();
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
  it("a PostgreSQL test without TEST_DATABASE_URL fails clearly, and a skipped test counts as failed", () => {
    const { output, tally, lines } = runFixtures({});
    expect(output).toContain("TEST_DATABASE_URL is not set, so this PostgreSQL test cannot run");
    expect(tally).toMatchObject({ passed: 2, failed: 2 });
    expect(lines).toContain(
      "not run, counted as failed: test/runner/fixtures/engines.fixture.ts › a server on postgres answers /healthz",
    );
    expect(lines).toContain(
      "not run, counted as failed: test/runner/fixtures/skips.fixture.ts › a required browser check that was left out",
    );
    expect(lines.at(-1)).toBe("2 passed, 2 failed");
  }, 150_000);

  it("the shared corpus's tests are collected only where the corpus is", () => {
    const collected = (env: Record<string, string>) =>
      spawnSync("npx", ["vitest", "list", "--filesOnly", "test/mail/corpus.test.ts"], {
        cwd: root,
        encoding: "utf8",
        env: { ...withoutVitest(), ...env },
        timeout: 120_000,
      }).stdout;
    expect(collected({ CONCILIA_CORPUS: path.join(os.tmpdir(), "no-corpus-here") })).not.toContain(
      "corpus.test.ts",
    );
    const present = fs.mkdtempSync(path.join(os.tmpdir(), "corpus-"));
    expect(collected({ CONCILIA_CORPUS: present })).toContain("corpus.test.ts");
  }, 150_000);
});
