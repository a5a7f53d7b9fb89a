// The context of one opened message, kept in the user cache so that the card's actions (log, open
// a participant, create a meeting) need no second context request.
import type { ContextEntry, ContextResponse } from "../../shared/api/context.js";
import { cache } from "./host.js";

export interface MessageState {
  gmailId: string;
  subject: string;
  rfcMessageId: string | null;
  context: ContextResponse;
  /** Addresses left out because they did not fit in one request URL. */
  omitted: number;
}

const TTL_SECONDS = 30 * 60;
const key = (gmailId: string) => `msg:${gmailId}`;

export function saveState(s: MessageState): void {
  cache.put(key(s.gmailId), JSON.stringify(s), TTL_SECONDS);
}

export function loadState(gmailId: string): MessageState | null {
  const text = cache.get(key(gmailId));
  return text ? (JSON.parse(text) as MessageState) : null;
}

/** The person the card is about: the sender, or the first other participant of a sent message. */
export function primary(s: MessageState): ContextEntry | null {
  return s.context.participants.find((p) => p.status !== "self") ?? null;
}

export function others(s: MessageState): ContextEntry[] {
  const first = primary(s);
  return s.context.participants.filter((p) => p.status !== "self" && p !== first);
}

export function entryName(p: ContextEntry): string {
  if (p.status === "known") return p.record.name;
  return p.displayName || p.address;
}
