// Attachment bytes are stored once per content (SHA-256), on the filesystem by default. Writes go to a
// temporary file and are renamed into place, so a crash never leaves a half-written blob under its hash.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";

export interface BlobStore {
  put(bytes: Uint8Array): Promise<string>;
  get(sha256: string): Promise<Buffer>;
  has(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function fileBlobStore(dir: string): BlobStore {
  const where = (sha: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error("not a SHA-256 hex digest");
    return path.join(dir, sha.slice(0, 2), sha);
  };
  return {
    async put(bytes) {
      const sha = sha256Hex(bytes);
      const file = where(sha);
      try {
        await fs.access(file);
        return sha;
      } catch {}
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, file);
      return sha;
    },
    get: (sha) => fs.readFile(where(sha)),
    async has(sha) {
      try {
        await fs.access(where(sha));
        return true;
      } catch {
        return false;
      }
    },
    async delete(sha) {
      await fs.rm(where(sha), { force: true });
    },
  };
}
