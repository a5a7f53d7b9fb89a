// The tally of `npm test` from Vitest's JSON report. A skipped test is a test that did not prove
// anything, so it counts as failed (named, so it is seen) unless it is one of the optional extras below.
// That covers the tests whose setup failed for want of a service (a failing beforeAll leaves its tests
// "skipped" in the report, with no failure counted).

/** Tests that may be skipped without failing the run, each reported on its own line. */
export const optionalExtras = [
  {
    label: "shared corpus",
    // test/mail/corpus.test.ts and test/calendar/ics-corpus.test.ts each register one skipped test
    // named so when ../shared/corpus is absent.
    prefix: "shared corpus",
    ran: "shared corpus: ran",
    skipped: "shared corpus: not present, skipped",
  },
];

const SKIPPED = new Set(["skipped", "pending", "todo", "disabled"]);

/**
 * @param {any} report Vitest's JSON report
 * @param {string} root the repository, to print test files relative to it
 * @returns {{ passed: number, failed: number, skipped: number, notes: string[] }}
 */
export function summarize(report, root = "") {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const notes = [];
  const extrasSkipped = new Set();
  for (const file of report.testResults) {
    const where = root && file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name;
    let counted = false;
    for (const t of file.assertionResults) {
      if (t.status === "passed") passed++;
      else if (SKIPPED.has(t.status)) {
        const extra = optionalExtras.find(
          (e) => t.title.startsWith(e.prefix) || t.fullName.startsWith(e.prefix),
        );
        if (extra) {
          skipped++;
          extrasSkipped.add(extra.label);
        } else {
          failed++;
          counted = true;
          notes.push(`not run, counted as failed: ${where} › ${t.fullName}`);
        }
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
  for (const e of optionalExtras) notes.push(extrasSkipped.has(e.label) ? e.skipped : e.ran);
  return { passed, failed, skipped, notes };
}

/** The summary's last line; tools read it, so its form never changes. */
export function summaryLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}
