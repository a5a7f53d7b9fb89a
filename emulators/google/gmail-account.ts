import type { GmailMailbox } from "./gmail-mailbox.js";

/** The caller of a Gmail API request, resolved from its access token. */
export type GmailCaller = { email: string; scope: string; mailbox: GmailMailbox };

const READ_SCOPES = [
  "https://mail.google.com/",
  "https://www.googleapis.com/auth/gmail.readonly",
  "https://www.googleapis.com/auth/gmail.modify",
];
const METADATA_SCOPE = "https://www.googleapis.com/auth/gmail.metadata";

/** `full` access (bodies, raw, q), `metadata` only (headers, labels, history), or none. */
export function accessLevel(caller: GmailCaller): "full" | "metadata" | "none" {
  const scopes = caller.scope.split(" ");
  if (scopes.some((s) => READ_SCOPES.includes(s))) return "full";
  if (scopes.includes(METADATA_SCOPE)) return "metadata";
  return "none";
}
