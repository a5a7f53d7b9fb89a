// Concilia's version, as package.json gives it: shown on the landing page and in the OpenAPI document.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const VERSION: string = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version;
