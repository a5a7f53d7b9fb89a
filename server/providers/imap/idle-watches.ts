// The IDLE watches of one working process (R-P-2, provider-contracts §6.5): one `watchInbox` per active
// IMAP-mail connection (custom IMAP, iCloud, Yahoo), which queues a sync step of the connection when
// INBOX reports new or expunged mail. The set is re-read every few seconds from the database, so a
// connection created, paused, resumed, blocked or stopped in any process gains or loses its watch here;
// a watch is keyed by connection and restarted when the server settings or the credentials change.
// Every process that works the queue keeps its own watches (the keyed step queue makes their triggers
// one step); within a process there is never more than one per connection.
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { SECRET } from "../../connections/connections.js";
import type { AppContext } from "../../context.js";
import { connectionSecrets, connections, syncStates } from "../../db/schema.js";
import { getSecret } from "../../secrets/store.js";
import { queueSync } from "../../sync/trigger.js";
import { parseAllowance } from "../private-hosts.js";
import { classifyImapError } from "./errors.js";
import { type InboxWatch, watchInbox } from "./idle.js";

export const IMAP_PROVIDERS = ["imap", "icloud", "yahoo"] as const;

/** How often the set of watched connections is compared with the database. */
const REFRESH_MS = 5_000;
/** A watch that could not start is tried again after these delays (then the last, repeatedly). */
const START_RETRY_MS = [5_000, 15_000, 60_000, 300_000];

export interface ImapWatchOptions {
  refreshMs?: number;
  /** Reconnect delays of a running watch (idle.ts); tests shorten them. */
  reconnectDelaysMs?: readonly number[];
}

type Entry =
  | { state: "starting"; version: string; stopAfterStart?: boolean }
  | { state: "watching"; version: string; watch: InboxWatch }
  /** Ended for good (auth, a server without IDLE): nothing until the settings or credentials change. */
  | { state: "ended"; version: string }
  | { state: "waiting"; version: string; retryAt: number; failures: number };

export interface ImapWatches {
  /** Compares the watches with the active connections now (also done every few seconds). */
  refresh(): Promise<void>;
  /** Connection ids with a running IDLE watch. */
  watching(): string[];
  stop(): Promise<void>;
}

interface Active {
  id: string;
  provider: string;
  imapServer: NonNullable<typeof connections.$inferSelect.imapServer>;
  /** The credentials' version (sync/credentials.ts): a new password restarts the watch. */
  secretVersion: number;
}

/** IMAP-mail connections whose sync runs: not paused, not waiting for the user, not failed. */
async function activeConnections(ctx: AppContext): Promise<Active[]> {
  const rows = await ctx.db
    .select({
      id: connections.id,
      provider: connections.provider,
      imapServer: connections.imapServer,
      secretVersion: sql<number>`(select coalesce(sum(${connectionSecrets.version}), 0)::int from ${connectionSecrets} where ${connectionSecrets.connectionId} = ${connections.id})`,
    })
    .from(connections)
    .leftJoin(syncStates, eq(syncStates.connectionId, connections.id))
    .where(
      and(
        inArray(connections.provider, [...IMAP_PROVIDERS]),
        inArray(connections.syncs, ["email", "both"]),
        or(isNull(syncStates.status), inArray(syncStates.status, ["syncing", "up_to_date"])),
      ),
    );
  return rows
    .filter((r) => r.imapServer !== null)
    .map((r) => ({ ...r, secretVersion: Number(r.secretVersion) }) as Active);
}

export function startImapWatches(ctx: AppContext, opts: ImapWatchOptions = {}): ImapWatches {
  const entries = new Map<string, Entry>();
  const allowPrivate = parseAllowance(ctx.config.CONCILIA_ALLOW_PRIVATE_HOSTS);
  let stopped = false;
  let refreshing: Promise<void> | null = null;
  const starting = new Set<Promise<void>>();

  const trigger = async (connectionId: string, why: string) => {
    if (stopped) return;
    try {
      await ctx.db.transaction((tx) => queueSync(ctx, tx, connectionId));
      ctx.log.debug({ connectionId, why }, "imap idle: a sync queued");
    } catch (err) {
      ctx.log.warn({ err, connectionId }, "imap idle: could not queue a sync");
    }
  };

  const start = async (c: Active, version: string, failures: number) => {
    entries.set(c.id, { state: "starting", version });
    /** Records how the start ended, unless the connection was dropped meanwhile: then it is undone. */
    const settle = async (next: Entry) => {
      const current = entries.get(c.id);
      const mine = current?.state === "starting" && current.version === version;
      if (mine && !current.stopAfterStart && !stopped) return void entries.set(c.id, next);
      if (mine) entries.delete(c.id);
      if (next.state === "watching") await next.watch.stop();
    };
    try {
      const secret = await getSecret(
        ctx,
        c.id,
        c.provider === "imap" ? SECRET.imapPassword : SECRET.appPassword,
      );
      if (!secret) return settle({ state: "ended", version });
      const watch = await watchInbox(
        { ...c.imapServer, password: secret.value },
        {
          allowPrivate,
          reconnectDelaysMs: opts.reconnectDelaysMs,
          onNewMail: (e) => void trigger(c.id, e.reason),
          onError: (err, willRetry) => {
            ctx.log.info({ connectionId: c.id, kind: err.kind, willRetry }, "imap idle: the watch failed");
            if (willRetry) return;
            // The watch ended (auth, the folder gone): the sync step meets the same failure and tells the user.
            const current = entries.get(c.id);
            if (current?.state === "watching" && current.version === version)
              entries.set(c.id, { state: "ended", version });
            void trigger(c.id, "watch ended");
          },
        },
      );
      if (watch.mode === "poll") return settle({ state: "ended", version }); // no IDLE: the tick polls
      await settle({ state: "watching", version, watch });
    } catch (err) {
      const classified = classifyImapError(err);
      ctx.log.info({ connectionId: c.id, kind: classified.kind }, "imap idle: the watch could not start");
      if (classified.kind === "auth" || classified.kind === "not-found") {
        await settle({ state: "ended", version });
        void trigger(c.id, "watch refused");
      } else {
        const delay = START_RETRY_MS[Math.min(failures, START_RETRY_MS.length - 1)];
        await settle({ state: "waiting", version, retryAt: Date.now() + delay, failures: failures + 1 });
      }
    }
  };

  const stopEntry = async (id: string) => {
    const e = entries.get(id);
    if (!e) return;
    if (e.state === "starting") {
      e.stopAfterStart = true;
      return;
    }
    entries.delete(id);
    if (e.state === "watching") await e.watch.stop();
  };

  const doRefresh = async () => {
    const active = await activeConnections(ctx);
    if (stopped) return;
    const wanted = new Set(active.map((c) => c.id));
    for (const id of [...entries.keys()]) if (!wanted.has(id)) await stopEntry(id);
    for (const c of active) {
      const version = `${JSON.stringify(c.imapServer)}#${c.secretVersion}`;
      const e = entries.get(c.id);
      if (e?.state === "starting") continue;
      if (e && e.version !== version) await stopEntry(c.id);
      else if (e?.state === "watching" || e?.state === "ended") continue;
      else if (e?.state === "waiting" && e.retryAt > Date.now()) continue;
      const failures = e?.state === "waiting" && e.version === version ? e.failures : 0;
      const started = start(c, version, failures);
      starting.add(started);
      void started.finally(() => starting.delete(started));
    }
  };

  const refresh = () => {
    refreshing ??= doRefresh()
      .catch((err) => ctx.log.warn({ err }, "imap idle: could not read the connections"))
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  };

  const timer = setInterval(() => void refresh(), opts.refreshMs ?? REFRESH_MS);
  timer.unref();
  void refresh();

  return {
    refresh,
    watching: () => [...entries].filter(([, e]) => e.state === "watching").map(([id]) => id),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await refreshing;
      await Promise.all([...starting]);
      await Promise.all([...entries.keys()].map((id) => stopEntry(id)));
    },
  };
}
