// IMAP mail (custom servers, iCloud, Yahoo) as the sync engine's "imap", "icloud" and "yahoo"
// providers: one IMAP connection per step, signed in with the stored password, following INBOX and
// the Sent folder found by SPECIAL-USE (a localized name too). Items are `uidValidity:uid`; a changed
// UIDVALIDITY re-scans the folder (list-changes.ts) and the ingest keeps it free of duplicates.
// New mail in INBOX queues a step through the worker's IDLE watch (idle-watches.ts); the tick's polling
// (CONCILIA_SYNC_POLL_SECONDS) finds the rest, Sent included.
import type { ImapFlow } from "imapflow";
import { SECRET } from "../../connections/connections.js";
import { getSecret } from "../../secrets/store.js";
import { SyncError } from "../../sync/errors.js";
import { type ProviderContext, registerProvider, type SyncScope } from "../../sync/provider.js";
import { withCaldavCalendars } from "../caldav/sync-provider.js";
import { mailProviderSession, syncsMail } from "../mail-session.js";
import { parseAllowance } from "../private-hosts.js";
import type { FetchedItem } from "../types.js";
import { closeImap, connectImap } from "./client.js";
import { parseImapCursor } from "./cursor.js";
import { classifyImapError } from "./errors.js";
import { fetchMessages } from "./fetch.js";
import { findFolders, type MailFolder } from "./folders.js";
import { listChanges } from "./list-changes.js";
import { imapProviderId } from "./map.js";

/** Larger messages are not downloaded: they are parked as failed items with the reason. */
const MAX_BYTES = 50 * 1024 * 1024;

const folderOf = (scope: SyncScope) => scope.ref as MailFolder;
type Ref = { uid: number; uidValidity: string; size: number; internalDate: string | null };

async function connect(ctx: ProviderContext): Promise<ImapFlow> {
  const { connection } = ctx;
  const server = connection.imapServer;
  if (!server) throw new SyncError("unknown", "This account has no IMAP server settings.");
  const name = connection.provider === "imap" ? SECRET.imapPassword : SECRET.appPassword;
  const secret = await getSecret(ctx, connection.id, name);
  if (!secret) throw new SyncError("auth", "This account's password is missing: connect it again.");
  const allowPrivate = parseAllowance(ctx.config.CONCILIA_ALLOW_PRIVATE_HOSTS);
  try {
    return await connectImap(
      {
        host: server.host,
        port: server.port,
        tls: server.tls,
        username: server.username,
        password: secret.value,
      },
      { allowPrivate },
    );
  } catch (err) {
    throw classifyImapError(err);
  }
}

const guarded =
  <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await f(...a);
    } catch (err) {
      throw classifyImapError(err);
    }
  };

async function open(ctx: ProviderContext) {
  let client: ImapFlow | null = null;
  const imap = async () => (client ??= await connect(ctx));
  const backfillDays = ctx.connection.backfillDays;
  return mailProviderSession(ctx, "imap", {
    listScopes: guarded(async () => {
      if (!syncsMail(ctx.connection)) return [];
      const folders = await findFolders(await imap());
      const follow = [folders.inbox, ...(folders.sent ? [folders.sent] : [])];
      return follow.map((f) => ({ key: `mail:${f.role}`, kind: "mail" as const, ref: f }));
    }),
    listChanges: guarded(async (scope, cursor, limit) => {
      const path = folderOf(scope).path;
      const page = await listChanges(await imap(), path, parseImapCursor(cursor), {
        backfillDays,
        batchSize: limit,
      });
      const uidValidity = page.cursor.uidValidity;
      const items = page.changes.map((c) => ({
        key: imapProviderId(uidValidity, c.uid),
        ref: { uid: c.uid, uidValidity, size: c.size, internalDate: c.internalDate } satisfies Ref,
      }));
      return { items, cursor: page.cursor, more: page.more };
    }),
    fetch: guarded(async (scope, items) => {
      const folder = folderOf(scope);
      const out: FetchedItem[] = [];
      const refs = items.map((i) => i.ref as Ref);
      for (const uidValidity of new Set(refs.map((r) => r.uidValidity))) {
        const changes = refs.filter((r) => r.uidValidity === uidValidity);
        for await (const m of fetchMessages(await imap(), folder.path, uidValidity, changes, {
          maxBytes: MAX_BYTES,
        })) {
          const key = imapProviderId(m.uidValidity, m.uid);
          if ("source" in m) out.push({ key, raw: m.source, meta: { folder: folder.role } });
          else if ("gone" in m)
            out.push({ key, error: new SyncError("not-found", "The message was deleted.") });
          else
            out.push({
              key,
              error: new SyncError("unknown", `The message is larger than ${MAX_BYTES / 1048576} MB.`),
            });
        }
      }
      return out;
    }),
    close: async () => {
      if (client) await closeImap(client);
    },
  });
}

registerProvider({ name: "imap", open });
// iCloud and Yahoo also hold the account's calendars, over CalDAV.
for (const name of ["icloud", "yahoo"])
  registerProvider({ name, open: async (ctx) => withCaldavCalendars(ctx, await open(ctx)) });
