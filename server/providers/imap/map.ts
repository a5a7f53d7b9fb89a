// A fetched IMAP message as the mail ingest takes it: the raw bytes (the ingest parses them and
// de-duplicates on Message-ID), the folder's role (inbox: received, sent: sent by the user), and an id
// that names the message at the provider for the sync status.
import type { FetchedMessage } from "./fetch.js";
import type { FolderRole } from "./folders.js";

export interface SyncedMail {
  raw: Buffer;
  folderRole: FolderRole;
  /** `uidValidity:uid`: unique within the folder for as long as its UIDVALIDITY holds. */
  providerId: string;
  /** When the server received the message (INTERNALDATE), ISO; null when the server did not say. */
  receivedAt: string | null;
}

export interface SkippedMail {
  providerId: string;
  folderRole: FolderRole;
  reason: "too-large" | "gone";
}

export function imapProviderId(uidValidity: string, uid: number): string {
  return `${uidValidity}:${uid}`;
}

export function toSyncedMail(message: FetchedMessage, folderRole: FolderRole): SyncedMail | SkippedMail {
  const providerId = imapProviderId(message.uidValidity, message.uid);
  if ("tooLarge" in message) return { providerId, folderRole, reason: "too-large" };
  if ("gone" in message) return { providerId, folderRole, reason: "gone" };
  return { raw: message.source, folderRole, providerId, receivedAt: message.internalDate };
}
