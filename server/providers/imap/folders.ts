// The two folders mail sync follows (R-MAIL-6): INBOX, and the Sent folder found by its SPECIAL-USE
// attribute \Sent, whatever its name ("Posta inviata", "Gesendete Objekte"). Only a server without
// SPECIAL-USE gets the fallback by well-known names, and the answer says which way it was found.
import type { ImapFlow, ListResponse } from "imapflow";

export type FolderRole = "inbox" | "sent";

export interface MailFolder {
  path: string;
  role: FolderRole;
}

export interface MailFolders {
  inbox: MailFolder;
  sent: MailFolder | null;
  /** How the Sent folder was found: by the \Sent attribute, by a well-known name, or not at all. */
  sentFoundBy: "special-use" | "name" | null;
}

/** Names tried only when the server offers no SPECIAL-USE (provider-contracts §6.2), most likely first. */
export const WELL_KNOWN_SENT_NAMES = [
  "Sent",
  "Sent Items",
  "Sent Messages",
  "INBOX.Sent",
  "INBOX/Sent",
  "[Gmail]/Sent Mail",
];

export async function findFolders(client: ImapFlow): Promise<MailFolders> {
  const list = await client.list();
  const inboxEntry = list.find((m) => m.path.toUpperCase() === "INBOX");
  const inbox: MailFolder = { path: inboxEntry?.path ?? "INBOX", role: "inbox" };
  const usable = (m: ListResponse) => !m.flags.has("\\Noselect") && !m.flags.has("\\NonExistent");
  // The attribute as the server sent it; imapflow's own specialUse may be a guess from the name.
  const bySpecialUse = list.find((m) => usable(m) && hasFlag(m, "\\Sent"));
  if (bySpecialUse)
    return { inbox, sent: { path: bySpecialUse.path, role: "sent" }, sentFoundBy: "special-use" };
  const serverHasSpecialUse = client.capabilities.has("SPECIAL-USE") || client.capabilities.has("XLIST");
  if (!serverHasSpecialUse) {
    for (const name of WELL_KNOWN_SENT_NAMES) {
      const byName = list.find((m) => usable(m) && m.path.toLowerCase() === name.toLowerCase());
      if (byName) return { inbox, sent: { path: byName.path, role: "sent" }, sentFoundBy: "name" };
    }
  }
  return { inbox, sent: null, sentFoundBy: null };
}

function hasFlag(m: ListResponse, flag: string): boolean {
  for (const f of m.flags) if (f.toLowerCase() === flag.toLowerCase()) return true;
  return false;
}
