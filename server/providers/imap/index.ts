// The IMAP provider as the sync engine uses it. One step of mail sync for one folder is
// `syncFolderPage`: list the next page of changes after the stored cursor, download those messages, and
// hand back the mail for the ingest together with the cursor to commit in the same transaction.
import type { ImapFlow } from "imapflow";
import type { ImapFolderCursor } from "./cursor.js";
import { fetchMessages } from "./fetch.js";
import type { MailFolder } from "./folders.js";
import { type ImapChangesPage, type ListChangesOptions, listChanges } from "./list-changes.js";
import { type SkippedMail, type SyncedMail, toSyncedMail } from "./map.js";

export type { ImapAccount, ImapConnectOptions, ImapServer, ImapTlsMode } from "./client.js";
export { closeImap, connectImap } from "./client.js";
export { testImapConnectivity } from "./connectivity.js";
export { type ImapFolderCursor, parseImapCursor } from "./cursor.js";
export { classifyImapError } from "./errors.js";
export { findFolders, type MailFolder, type MailFolders } from "./folders.js";
export { watchInbox } from "./idle.js";

export interface FolderPage {
  mail: SyncedMail[];
  skipped: SkippedMail[];
  cursor: ImapFolderCursor;
  more: boolean;
  rescan: ImapChangesPage["rescan"];
}

export async function syncFolderPage(
  client: ImapFlow,
  folder: MailFolder,
  cursor: ImapFolderCursor | null,
  opts: ListChangesOptions & { maxBytes: number },
): Promise<FolderPage> {
  const page = await listChanges(client, folder.path, cursor, opts);
  const mail: SyncedMail[] = [];
  const skipped: SkippedMail[] = [];
  for await (const fetched of fetchMessages(
    client,
    folder.path,
    page.cursor.uidValidity,
    page.changes,
    opts,
  )) {
    const item = toSyncedMail(fetched, folder.role);
    if ("raw" in item) mail.push(item);
    else skipped.push(item);
  }
  return { mail, skipped, cursor: page.cursor, more: page.more, rescan: page.rescan };
}
