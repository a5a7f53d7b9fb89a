// The PostgreSQL blob store: the bytes are in the blob's row, written in the transaction that inserts
// the attachment rows using them, so every API and worker process on every host reads them and a
// rolled-back ingest leaves nothing behind.
import { sql } from "drizzle-orm";
import { type Db, rowsOf } from "../db/index.js";
import { assertSha256, type BlobStore, claimBlobRow, sha256Hex } from "./blobs.js";

/**
 * `legacy`: the folder that held blobs before they moved into the database; rows without bytes
 * (attachments logged before) are read from it.
 */
export function databaseBlobStore(db: Db, legacy?: BlobStore): BlobStore {
  const row = async (sha: string) =>
    rowsOf<{ bytes: Uint8Array | null }>(
      await db.execute(sql`select bytes from blobs where sha256 = ${assertSha256(sha)}`),
    )[0];
  return {
    kind: "database",
    async put(tx, bytes) {
      const sha = sha256Hex(bytes);
      await claimBlobRow(tx, sha, bytes.length, bytes);
      return sha;
    },
    async get(sha) {
      const found = await row(sha);
      if (!found) return null;
      if (found.bytes) return Buffer.from(found.bytes.buffer, found.bytes.byteOffset, found.bytes.byteLength);
      return (await legacy?.get(sha)) ?? null;
    },
    async has(sha) {
      const found = await row(sha);
      return Boolean(found?.bytes) || (found !== undefined && Boolean(await legacy?.has(sha)));
    },
    async dropBytes(tx, sha) {
      await legacy?.dropBytes(tx, sha);
    },
  };
}
