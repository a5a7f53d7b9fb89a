// Where the secret key comes from: CONCILIA_SECRET_KEY, or, for the embedded default only, a key file
// generated in the data folder on first start (readable by its owner alone).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type Config, ConfigError } from "../config.js";
import { decodeKey, type SecretBox, secretBox } from "./box.js";

export const KEY_FILE = "secret.key";
/** A rotation's new key until its transaction has committed (see rotate.ts). */
export const NEXT_KEY_FILE = "secret.key.next";
/** The replaced key while a rotation swaps the files. */
export const PREVIOUS_KEY_FILE = "secret.key.previous";

export function readKeyFile(file: string): Buffer | null {
  if (!fs.existsSync(file)) return null;
  return decodeKey(fs.readFileSync(file, "utf8").trim());
}

export function loadSecretBox(config: Config): SecretBox {
  const previous = config.CONCILIA_OLD_SECRET_KEYS.map(decodeKey);
  if (config.CONCILIA_SECRET_KEY) return secretBox(decodeKey(config.CONCILIA_SECRET_KEY), previous);
  if (config.DATABASE_URL)
    throw new ConfigError(
      "CONCILIA_SECRET_KEY is required with DATABASE_URL: every server and worker must share one key (openssl rand -base64 32).",
    );
  const file = path.join(config.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    fs.writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  // An interrupted rotation may have sealed rows with either of these: keep them readable.
  for (const extra of [NEXT_KEY_FILE, PREVIOUS_KEY_FILE]) {
    const key = readKeyFile(path.join(config.dataDir, extra));
    if (key) previous.push(key);
  }
  return secretBox(readKeyFile(file)!, previous);
}
