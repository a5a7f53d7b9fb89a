// The Gmail mail session the sync engine drives: scopes INBOX and SENT, their changes, their bodies.
import type { AccessTokenGetter, FetchFn, RetryPolicy } from "../http.js";
import type { MailSession } from "../types.js";
import { GmailClient } from "./client.js";
import { gmailFetch } from "./fetch.js";
import { gmailListChanges, gmailScopes } from "./list-changes.js";

export interface GmailSessionOptions {
  /** GOOGLE_API_URL. */
  baseUrl: string;
  /** A valid access token (the connection's, refreshed when needed). */
  accessToken: AccessTokenGetter;
  /** The first sync logs mail received after this instant (the connection's backfill window). */
  since: Date;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

export function gmailSession(o: GmailSessionOptions): MailSession & { client: GmailClient } {
  const client = new GmailClient(o);
  return {
    client,
    listScopes: async () => gmailScopes(),
    listChanges: (scope, cursor, limit) => gmailListChanges(client, scope, cursor, limit, o.since),
    fetch: (_scope, items) => gmailFetch(client, items),
  };
}
