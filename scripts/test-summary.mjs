// The tally of `npm test` from Vitest's JSON report. A skipped test is a test that did not prove
// anything, so it counts as failed (named, so it is seen). That covers the tests whose setup failed for
// want of a service (a failing beforeAll leaves its tests "skipped" in the report, with no failure
// counted). Optional extras are not skipped tests: the shared corpus's tests are simply not collected
// where it is absent (vitest.config.ts), and the runner says which.

const SKIPPED = new Set(["skipped", "pending", "todo", "disabled"]);

/**
 * @param {any} report Vitest's JSON report
 * @param {string} root the repository, to print test files relative to it
 * @returns {{ passed: number, failed: number, notes: string[] }}
 */
export function summarize(report, root = "") {
  let passed = 0;
  let failed = 0;
  const notes = [];
  for (const file of report.testResults) {
    const where = root && file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    let counted = false;
    for (const t of file.assertionResults) {
      if (t.status === "passed") passed++;
      else if (SKIPPED.has(t.status)) {
        failed++;
        counted = true;
        notes.push(`not run, counted as failed: ${where} › ${t.fullName}`);
      } else {
        failed++;
        counted = true;
      }
    }
    // A file that failed to load, or whose hooks failed after its tests passed.
    if (file.status === "failed" && !counted) {
      failed++;
      notes.push(
        `failed outside its tests: ${where}${file.message ? ` (${file.message.split("\n")[0]})` : ""}`,
      );
    }
  }
  return { passed, failed, notes };
}

/** The summary's last line; tools read it, so its form never changes. */
export function summaryLine({ passed, failed }) {
  return `${passed} passed, ${failed} failed`;
}
