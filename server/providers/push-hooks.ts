// What the push routes need from the rest of the server: the secrets to check pushes against, and
// `onChange`, called once per new change a push announces. The sync engine replaces the default
// `onChange` (which only records) with one that enqueues a sync step for the connection.
import type { Config } from "../config.js";
import type { Tx } from "../db/index.js";
import type { Logger } from "../log.js";
import { GmailPushFilter } from "./google/push.js";
import { type GraphChange, RecentKeys } from "./graph/notifications.js";
import { databaseSubscriptionStore, type GraphSubscriptionStore } from "./graph/subscription-store.js";

export type PushChange =
  | { provider: "google"; account: string; historyId: string }
  /** A Google Calendar watch channel's notification, already verified (google/calendar-channel.ts). */
  | { provider: "google-calendar"; connectionId: string }
  | ({ provider: "microsoft" } & GraphChange);

export interface PushHooks {
  /** GOOGLE_PUSH_TOKEN; unset refuses every Gmail push. */
  googleToken: string | undefined;
  graphSubscriptions: GraphSubscriptionStore;
  gmailFilter: GmailPushFilter;
  graphRecent: RecentKeys;
  onChange(change: PushChange): void | Promise<void>;
}

/** The changes the default `onChange` recorded, newest last (at most 1,000). */
export type RecordingPushHooks = PushHooks & { received: PushChange[] };

export function createPushHooks(config: Config, db: Tx, log?: Logger): RecordingPushHooks {
  const received: PushChange[] = [];
  return {
    googleToken: config.GOOGLE_PUSH_TOKEN,
    graphSubscriptions: databaseSubscriptionStore(db),
    gmailFilter: new GmailPushFilter(),
    graphRecent: new RecentKeys(),
    received,
    onChange(change) {
      received.push(change);
      if (received.length > 1000) received.shift();
      log?.debug({ provider: change.provider }, "push: a change to sync");
    },
  };
}
