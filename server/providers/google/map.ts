// A Gmail message (format=raw) as the fetched item the ingest reads: the exact RFC 5322 bytes, and where
// it sits (the folder role gives the direction: SENT wins for mail to oneself).
import type { FetchedItem, FolderRole } from "../types.js";

export interface GmailRawMessage {
  id: string;
  threadId?: string;
  labelIds?: string[];
  internalDate?: string;
  raw: string;
}

/** `raw` is base64url, observed with `=` padding; both alphabets and paddings are accepted. */
export function gmailRawBytes(raw: string): Buffer {
  return Buffer.from(raw.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
}

export function gmailFolderRole(labelIds: string[]): FolderRole | null {
  if (labelIds.includes("SENT")) return "sent";
  if (labelIds.includes("INBOX")) return "inbox";
  return null;
}

export function mapGmailMessage(m: GmailRawMessage): FetchedItem {
  const labelIds = m.labelIds ?? [];
  return {
    key: m.id,
    ref: { id: m.id },
    raw: gmailRawBytes(m.raw),
    meta: {
      folder: gmailFolderRole(labelIds),
      labelIds,
      threadId: m.threadId,
      // What the inbox sorts by; more reliable than the Date header (§4.2).
      receivedAt: m.internalDate ? new Date(Number(m.internalDate)).toISOString() : undefined,
    },
  };
}
