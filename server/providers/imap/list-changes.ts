// Incremental listing of one folder (R-P-2, R-MAIL-6). The first sync takes only mail that arrived within
// the backfill window (SEARCH SINCE), in UID order and in small batches; afterwards each call takes the
// UIDs above the last one seen (UID lastUid+1:*). A changed UIDVALIDITY makes every stored UID
// meaningless: the window is scanned again and the ingest, which de-duplicates on Message-ID, stores
// nothing twice. Each answer carries the cursor to commit together with the messages it lists.
import type { ImapFlow } from "imapflow";
import type { ImapFolderCursor } from "./cursor.js";
import { examineFresh } from "./select.js";

export interface ImapChange {
  uid: number;
  /** RFC822.SIZE: lets the fetch leave out messages above the size limit without downloading them. */
  size: number;
  internalDate: string | null;
}

export interface ImapChangesPage {
  changes: ImapChange[];
  /** The cursor to store once these changes are committed. */
  cursor: ImapFolderCursor;
  /** More changes are waiting: call again with the new cursor. */
  more: boolean;
  /** The stored cursor no longer applied (first sync, or UIDVALIDITY changed): a window scan began. */
  rescan: "first-sync" | "uidvalidity-changed" | null;
}

export interface ListChangesOptions {
  /** How far back the first sync (and a re-scan) reaches; default 30 days. */
  backfillDays?: number;
  /** Messages per page; default 25. */
  batchSize?: number;
  /** Bytes of messages per page (at least one message is always taken); default 50 MB. */
  batchBytes?: number;
  now?: Date;
}

export const DEFAULT_BACKFILL_DAYS = 30;
export const DEFAULT_BATCH_SIZE = 25;
export const DEFAULT_BATCH_BYTES = 50 * 1024 * 1024;

export async function listChanges(
  client: ImapFlow,
  path: string,
  cursor: ImapFolderCursor | null,
  opts: ListChangesOptions = {},
): Promise<ImapChangesPage> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const lock = await examineFresh(client, path);
  try {
    const box = client.mailbox;
    if (!box) throw new Error(`${path} could not be opened.`);
    const uidValidity = box.uidValidity.toString();
    const highestModseq = box.highestModseq !== undefined ? box.highestModseq.toString() : null;
    let rescan: ImapChangesPage["rescan"] = null;
    let current = cursor;
    if (!current || current.path !== path || current.uidValidity !== uidValidity) {
      rescan = current ? "uidvalidity-changed" : "first-sync";
      const days = opts.backfillDays ?? DEFAULT_BACKFILL_DAYS;
      const since = new Date((opts.now ?? new Date()).getTime() - days * 86_400_000);
      current = {
        v: 1,
        path,
        uidValidity,
        lastUid: 0,
        highestModseq,
        backfill: { since: since.toISOString(), untilUid: Math.max(0, box.uidNext - 1) },
      };
    }

    let pending: number[];
    if (current.backfill) {
      const { since, untilUid } = current.backfill;
      pending =
        current.lastUid < untilUid && box.exists > 0
          ? await uidSearch(client, { uid: `${current.lastUid + 1}:${untilUid}`, since: new Date(since) })
          : [];
      pending = pending.filter((u) => u > current.lastUid && u <= untilUid);
    } else {
      pending =
        box.exists > 0 && box.uidNext - 1 > current.lastUid
          ? await uidSearch(client, { uid: `${current.lastUid + 1}:*` })
          : [];
      // `n:*` always includes the highest UID even when it is below n (RFC 3501 §6.4.8).
      pending = pending.filter((u) => u > current.lastUid);
    }
    pending.sort((a, b) => a - b);
    const listed = pending.slice(0, batchSize);
    const changes = listed.length
      ? keepWithin(await describe(client, listed), opts.batchBytes ?? DEFAULT_BATCH_BYTES)
      : [];
    const taken = changes.map((c) => c.uid);

    const rest = pending.length - taken.length;
    let next: ImapFolderCursor;
    if (current.backfill && rest === 0) {
      // The window scan is complete: continue from the last UID that existed when it began.
      next = { ...current, lastUid: current.backfill.untilUid, backfill: null, highestModseq };
    } else {
      next = { ...current, lastUid: taken.length ? taken[taken.length - 1] : current.lastUid, highestModseq };
    }
    const more = rest > 0 || (!!current.backfill && !next.backfill && box.uidNext - 1 > next.lastUid);
    return { changes, cursor: next, more, rescan };
  } finally {
    lock.release();
  }
}

/** The first changes whose sizes fit the byte budget, and always the first one. */
function keepWithin(changes: ImapChange[], budget: number): ImapChange[] {
  let total = 0;
  const kept: ImapChange[] = [];
  for (const c of changes) {
    if (kept.length && total + c.size > budget) break;
    kept.push(c);
    total += c.size;
  }
  return kept;
}

async function uidSearch(client: ImapFlow, query: Parameters<ImapFlow["search"]>[0]): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  return found || [];
}

async function describe(client: ImapFlow, uids: number[]): Promise<ImapChange[]> {
  const out: ImapChange[] = [];
  for await (const m of client.fetch(uids, { uid: true, size: true, internalDate: true }, { uid: true })) {
    const date =
      m.internalDate instanceof Date ? m.internalDate : m.internalDate ? new Date(m.internalDate) : null;
    out.push({ uid: m.uid, size: m.size ?? 0, internalDate: date ? date.toISOString() : null });
  }
  return out.sort((a, b) => a.uid - b.uid);
}
