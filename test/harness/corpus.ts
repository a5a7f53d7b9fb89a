// The real-world corpus lives in the project's shared folder, beside the repository (../shared).
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function corpusDir(kind: "mail" | "ical"): string {
  return path.resolve(process.env.CONCILIA_CORPUS ?? path.join(root, "../shared/corpus"), kind);
}
