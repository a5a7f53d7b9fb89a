// Opens a folder read-only (EXAMINE) with fresh state. imapflow keeps a folder that is already selected
// as it is, and its UIDNEXT and UIDVALIDITY from the SELECT can be stale by then: a folder re-created
// meanwhile (new UIDVALIDITY) would go unnoticed. Re-selecting costs one round trip per sync step.
import type { ImapFlow, MailboxLockObject } from "imapflow";

export async function examineFresh(client: ImapFlow, path: string): Promise<MailboxLockObject> {
  if (client.mailbox) await client.mailboxClose();
  return client.getMailboxLock(path, { readOnly: true });
}
