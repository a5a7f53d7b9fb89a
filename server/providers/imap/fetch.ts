// Downloads the raw source of listed messages one at a time (BODY.PEEK[]: the user's \Seen flags stay as
// they are), so memory holds one message at most. Messages above the size limit are not downloaded;
// they are reported so the sync status can say why they were not logged.
import type { ImapFlow } from "imapflow";
import { UidValidityChanged } from "./errors.js";
import type { ImapChange } from "./list-changes.js";
import { examineFresh } from "./select.js";

export type FetchedMessage =
  | { uid: number; uidValidity: string; source: Buffer; internalDate: string | null }
  | { uid: number; uidValidity: string; tooLarge: true; size: number }
  /** Expunged between the listing and the fetch: nothing to log. */
  | { uid: number; uidValidity: string; gone: true };

export async function* fetchMessages(
  client: ImapFlow,
  path: string,
  uidValidity: string,
  changes: readonly ImapChange[],
  opts: { maxBytes: number },
): AsyncGenerator<FetchedMessage> {
  const lock = await examineFresh(client, path);
  try {
    const found = client.mailbox ? client.mailbox.uidValidity.toString() : "";
    // The listed UIDs belong to the old UIDVALIDITY: fetching them now would fetch other messages.
    if (found !== uidValidity) throw new UidValidityChanged(path, uidValidity, found);
    for (const change of changes) {
      if (change.size > opts.maxBytes) {
        yield { uid: change.uid, uidValidity, tooLarge: true, size: change.size };
        continue;
      }
      const m = await client.fetchOne(
        String(change.uid),
        { uid: true, source: true, size: true },
        { uid: true },
      );
      const source = m ? m.source : undefined;
      if (!source) {
        yield { uid: change.uid, uidValidity, gone: true };
        continue;
      }
      if (source.length > opts.maxBytes) {
        yield { uid: change.uid, uidValidity, tooLarge: true, size: source.length };
        continue;
      }
      yield { uid: change.uid, uidValidity, source, internalDate: change.internalDate };
    }
  } finally {
    lock.release();
  }
}
