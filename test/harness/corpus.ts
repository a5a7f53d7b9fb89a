// Test messages. The repository's own fixtures (test/fixtures/mail) are always there; the real-world
// corpus lives in the project's shared folder beside the repository (../shared/corpus, or wherever
// CONCILIA_CORPUS points) and is missing from a plain clone, so its tests run only where it exists.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { corpusRoot } from "../../scripts/corpus.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function corpusDir(kind: "mail" | "ical"): string {
  return path.join(corpusRoot(), kind);
}

/** Whether the shared corpus is there to test against. */
export function corpusPresent(kind: "mail" | "ical"): boolean {
  return fs.existsSync(corpusDir(kind));
}

export const mailFixturesDir = path.join(root, "test/fixtures/mail");

export function mailFixture(name: string): Buffer {
  return fs.readFileSync(path.join(mailFixturesDir, name));
}

/** The .eml files of test/fixtures/mail. */
export function mailFixtureNames(): string[] {
  return fs
    .readdirSync(mailFixturesDir)
    .filter((f) => f.endsWith(".eml"))
    .sort();
}
