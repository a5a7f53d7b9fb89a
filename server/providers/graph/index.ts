// The Graph mail session the sync engine drives: scopes inbox and sentitems, their delta, their MIME.
import type { AccessTokenGetter, FetchFn, RetryPolicy } from "../http.js";
import type { MailSession } from "../types.js";
import { GraphClient } from "./client.js";
import { graphFetch } from "./fetch.js";
import { folderOf, graphListChanges, graphScopes } from "./list-changes.js";

export interface GraphSessionOptions {
  /** GRAPH_URL. */
  baseUrl: string;
  accessToken: AccessTokenGetter;
  /** The first round lists mail received after this instant (the connection's backfill window). */
  since?: Date;
  fetch?: FetchFn;
  retry?: Partial<RetryPolicy>;
}

export function graphSession(o: GraphSessionOptions): MailSession & { client: GraphClient } {
  const client = new GraphClient(o);
  return {
    client,
    listScopes: async () => graphScopes(),
    listChanges: (scope, cursor, limit) => graphListChanges(client, scope, cursor, limit, o.since),
    fetch: (scope, items) => graphFetch(client, items, folderOf(scope)),
  };
}
