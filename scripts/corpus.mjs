// Where the project's shared corpus of real-world mail and calendar files is: beside the repository
// (../shared/corpus) or wherever CONCILIA_CORPUS points. A plain clone has none; its tests then are not
// collected at all (vitest.config.ts), and `npm test` says so in its summary.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** The corpus folder, whether or not it exists. */
export function corpusRoot() {
  return path.resolve(process.env.CONCILIA_CORPUS ?? path.join(root, "../shared/corpus"));
}

export function corpusPresent() {
  return fs.existsSync(corpusRoot());
}

/** The test files that need the corpus. */
export const corpusTestFiles = ["test/mail/corpus.test.ts", "test/calendar/ics-corpus.test.ts"];
