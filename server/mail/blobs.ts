// Attachment bytes are stored once per content (SHA-256). Every blob has a row in `blobs`, whichever
// store keeps its bytes, and that row is what ingest and collection agree on:
// - ingest claims a blob inside the transaction that inserts the attachment rows using it: it holds
//   the row FOR SHARE (or inserts it) until commit, so the blob cannot be collected in between;
// - collection holds the rows FOR UPDATE, then looks for attachment rows in a later statement (which
//   sees every ingest that held the row before), and deletes only the unused ones.
// Rows are locked in SHA-256 order on both sides, so two transactions never wait for each other in a ring.
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { type Db, rowsOf, type Tx } from "../db/index.js";

export interface BlobStore {
  /** `folder`: files in the blob folder (embedded database); `database`: the rows' bytes (PostgreSQL). */
  readonly kind: "folder" | "database";
  /**
   * Stores the bytes as part of `tx` and keeps them from collection until `tx` ends. If `tx` rolls
   * back, the database store keeps nothing; the folder store may keep a file, which collection removes.
   */
  put(tx: Tx, bytes: Uint8Array): Promise<string>;
  /** The stored bytes, or null when there are none. */
  get(sha256: string): Promise<Buffer | null>;
  has(sha256: string): Promise<boolean>;
  /** Removes bytes kept outside the row; called by collection with the row locked and deleted. */
  dropBytes(tx: Tx, sha256: string): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function assertSha256(sha: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error("not a SHA-256 hex digest");
  return sha;
}

/**
 * Makes sure `tx` holds the blob's row: locked FOR SHARE when it exists, inserted (with `bytes` when
 * the store keeps them in the row) when it does not. Returns true when this call inserted it.
 */
export async function claimBlobRow(
  tx: Tx,
  sha: string,
  size: number,
  bytes: Uint8Array | null,
): Promise<boolean> {
  for (;;) {
    const held = await tx.execute(sql`select 1 from blobs where sha256 = ${sha} for share`);
    if (rowsOf(held).length) return false;
    // Absent, or deleted by a collection that held it: insert it. A concurrent insert of the same
    // content makes this wait for that transaction, then find its row on the next turn.
    const inserted = await tx.execute(
      sql`insert into blobs (sha256, size, bytes) values (${sha}, ${size}, ${bytes && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)})
          on conflict do nothing returning 1`,
    );
    if (rowsOf(inserted).length) return true;
  }
}

/**
 * Deletes the blobs among `shas` that no attachment row uses, and their bytes. Safe to run at any
 * moment, any number of times, beside any ingest. Returns the SHA-256 of the blobs deleted.
 */
export async function collectBlobs(db: Db, store: BlobStore, shas: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(shas.map(assertSha256))].sort();
  if (!wanted.length) return [];
  return db.transaction(async (tx) => {
    const locked: string[] = [];
    for (const sha of wanted) {
      // A blob whose inserting transaction rolled back has no row, yet the folder store may keep its
      // file: a row inserted here is a lock for it like any other, and is deleted below. One blob
      // at a time, in order, so that no ingest holds one of these while waiting for another.
      await tx.execute(sql`insert into blobs (sha256, size) values (${sha}, 0) on conflict do nothing`);
      const held = await tx.execute(sql`select 1 from blobs where sha256 = ${sha} for update`);
      if (rowsOf(held).length) locked.push(sha); // else another collection just deleted it
    }
    const used = new Set(
      rowsOf<{ sha256: string }>(
        await tx.execute(
          sql`select distinct sha256 from attachments where sha256 = any(${sqlTextArray(locked)})`,
        ),
      ).map((r) => r.sha256),
    );
    const unused = locked.filter((sha) => !used.has(sha));
    if (!unused.length) return [];
    await tx.execute(sql`delete from blobs where sha256 = any(${sqlTextArray(unused)})`);
    // Before commit: should the commit fail, a folder store's row stays, unused, without its file,
    // and the next ingest of that content writes the file again.
    for (const sha of unused) await store.dropBytes(tx, sha);
    return unused;
  });
}

const sqlTextArray = (values: readonly string[]) => sql`${`{${values.join(",")}}`}::text[]`;
