// The embedded database's blob store: the bytes are files in the blob folder, named by SHA-256.
// Writes go to a temporary file renamed into place, so a crash never leaves half a blob under its hash.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { assertSha256, type BlobStore, claimBlobRow, sha256Hex } from "./blobs.js";

export function folderBlobStore(dir: string): BlobStore {
  const where = (sha: string) => path.join(dir, sha.slice(0, 2), assertSha256(sha));
  const exists = (file: string) =>
    fs.access(file).then(
      () => true,
      () => false,
    );
  return {
    kind: "folder",
    async put(tx, bytes) {
      const sha = sha256Hex(bytes);
      await claimBlobRow(tx, sha, bytes.length, null);
      // Written while the row is held, even when it existed: a collection that failed to commit may
      // have removed the file of a row it then kept.
      const file = where(sha);
      if (await exists(file)) return sha;
      await fs.mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
      await fs.writeFile(tmp, bytes);
      await fs.rename(tmp, file);
      return sha;
    },
    async get(sha) {
      try {
        return await fs.readFile(where(sha));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    has: (sha) => exists(where(sha)),
    async dropBytes(_tx, sha) {
      await fs.rm(where(sha), { force: true });
    },
  };
}
