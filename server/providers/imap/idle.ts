// Push for IMAP (R-P-2): one connection IDLEs on INBOX and calls back when mail arrives or goes, so the engine
// queues a sync at once instead of waiting for the next poll. The connection is re-made with backoff
// when it drops; after a reconnect the callback runs too, since mail may have come in meanwhile. A server
// without IDLE gets no watcher: the answer says to poll, and how often. Sent is not watched (a second
// connection per account for mail the user wrote); it is read on each sync and on the poll.
import type { ImapFlow } from "imapflow";
import type { SyncError } from "../../sync/errors.js";
import { closeImap, connectImap, type ImapAccount, type ImapConnectOptions } from "./client.js";
import { classifyImapError } from "./errors.js";
import { findFolders } from "./folders.js";

export const POLL_INTERVAL_MS = 5 * 60_000;
/** Servers may drop an IDLE after 30 minutes (RFC 2177): renew it well before. */
export const IDLE_RENEW_MS = 25 * 60_000;

export interface InboxWatch {
  /** idle: the callback runs on new mail; poll: the server has no IDLE, sync every `pollIntervalMs`. */
  mode: "idle" | "poll";
  pollIntervalMs: number;
  stop(): Promise<void>;
}

export interface WatchOptions extends ImapConnectOptions {
  onNewMail(event: { reason: "exists" | "expunge" | "reconnected"; path: string }): void;
  /** A failure that ends the watch (auth: ask the user to reconnect) or one it recovers from. */
  onError?(err: SyncError, willRetry: boolean): void;
  idleRenewMs?: number;
  reconnectDelaysMs?: readonly number[];
}

export async function watchInbox(account: ImapAccount, opts: WatchOptions): Promise<InboxWatch> {
  const connectOpts = { ...opts, maxIdleMs: opts.idleRenewMs ?? IDLE_RENEW_MS };
  let client: ImapFlow | null = await connectImap(account, connectOpts);
  if (!client.capabilities.has("IDLE")) {
    await closeImap(client);
    return { mode: "poll", pollIntervalMs: POLL_INTERVAL_MS, stop: async () => {} };
  }
  const delays = opts.reconnectDelaysMs ?? [1_000, 2_000, 5_000, 15_000, 30_000, 60_000];
  let stopped = false;
  let wake: () => void = () => {};

  const session = async (c: ImapFlow, reconnected: boolean) => {
    const { inbox } = await findFolders(c);
    await c.mailboxOpen(inbox.path, { readOnly: true });
    c.on("exists", (data: { path: string; count: number; prevCount: number }) => {
      if (data.count > data.prevCount) opts.onNewMail({ reason: "exists", path: data.path });
    });
    c.on("expunge", (data: { path: string }) => opts.onNewMail({ reason: "expunge", path: data.path }));
    if (reconnected) opts.onNewMail({ reason: "reconnected", path: inbox.path });
    // idle() returns when maxIdleTime ends it (then it is issued again), or throws when the connection drops.
    while (!stopped && c.usable) await c.idle();
  };
  /** Reports a failure; true when it ends the watch (the user must act first). */
  const failed = (err: unknown) => {
    const classified = classifyImapError(err);
    const fatal = classified.kind === "auth" || classified.kind === "not-found";
    opts.onError?.(classified, !fatal);
    return fatal;
  };

  const loop = async () => {
    let attempt = 0;
    let reconnected = false;
    while (!stopped) {
      if (client) {
        try {
          await session(client, reconnected);
          attempt = 0;
        } catch (err) {
          if (stopped || failed(err)) break;
        }
        await closeImap(client);
        client = null;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delays[Math.min(attempt, delays.length - 1)]);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      attempt++;
      if (stopped) break;
      try {
        client = await connectImap(account, connectOpts);
        reconnected = true;
      } catch (err) {
        if (failed(err)) break;
      }
    }
  };

  const done = loop();
  return {
    mode: "idle",
    pollIntervalMs: POLL_INTERVAL_MS,
    async stop() {
      stopped = true;
      wake();
      if (client) await closeImap(client);
      await done;
    },
  };
}
