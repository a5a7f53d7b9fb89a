// A raw message's Message-ID read from its header alone, without parsing the message: for a message
// that could not be logged (it may not parse), so the sidebars can still say that it failed.
import { messageIdsOf, normalizeMessageId } from "../../shared/message-id.js";
import { headerValue, splitMessage } from "./headers.js";

export function messageIdOf(raw: Buffer): string | null {
  try {
    const header = headerValue(splitMessage(raw), "message-id");
    if (!header) return null;
    return messageIdsOf(header)[0] ?? (normalizeMessageId(header) || null);
  } catch {
    return null;
  }
}
