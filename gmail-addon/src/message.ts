// What the add-on reads from the open message (scope gmail.addons.current.message.readonly).
import { normalizeMessageId } from "../../shared/message-id.js";
import { type Mailbox, parseAddressList, uniqueMailboxes } from "./addresses.js";
import { openMessage } from "./host.js";

export interface OpenMessage {
  gmailId: string;
  subject: string;
  /** RFC 5322 Message-ID: the key the server logs the message under (R-MAIL-4). */
  rfcMessageId: string | null;
  mailboxes: Mailbox[];
}

export interface GmailContext {
  messageId: string;
  accessToken: string;
}

/** The Gmail ids of the event: contextual triggers and actions of contextual cards carry them. */
export function gmailContext(e: GoogleAppsScript.Addons.EventObject): GmailContext | null {
  const g = e.gmail;
  const messageId = g?.messageId ?? e.commonEventObject?.parameters?.messageId;
  if (!messageId || !g?.accessToken) return null;
  return { messageId, accessToken: g.accessToken };
}

export function readMessage(g: GmailContext): OpenMessage {
  const msg = openMessage(g.messageId, g.accessToken);
  const rfc = normalizeMessageId(msg.getHeader("Message-ID") || "") || null;
  return {
    gmailId: g.messageId,
    subject: msg.getSubject() || "",
    rfcMessageId: rfc,
    mailboxes: uniqueMailboxes([
      parseAddressList(msg.getFrom()),
      parseAddressList(msg.getTo()),
      parseAddressList(msg.getCc()),
    ]),
  };
}

export function rawMessage(g: GmailContext): string {
  return openMessage(g.messageId, g.accessToken).getRawContent();
}
