// What every mail provider's SyncProvider shares: the provider module's listing and fetching, and the
// write through the automatic-logging policy (sync/mail-writer.ts). A connection that does not sync
// email follows no mail folder.
import type { Connection } from "../connections/connections.js";
import type { MailSource } from "../mail/auto-log.js";
import { messageIdOf } from "../mail/message-id-of.js";
import { connectionOwner, mailWriter } from "../sync/mail-writer.js";
import type { ProviderContext, ProviderSession } from "../sync/provider.js";
import type { MailSession } from "./types.js";

export const syncsMail = (c: Pick<Connection, "syncs">) => c.syncs === "email" || c.syncs === "both";

/** The first sync reaches back this far: the connection's backfill window. */
export const backfillStart = (c: Pick<Connection, "backfillDays">, now = Date.now()) =>
  new Date(now - c.backfillDays * 86_400_000);

export async function mailProviderSession(
  ctx: ProviderContext,
  source: MailSource,
  mail: MailSession & { close?(): Promise<void> },
): Promise<ProviderSession> {
  const owner = await connectionOwner(ctx.db, ctx.connection);
  return {
    listScopes: async () => (syncsMail(ctx.connection) ? mail.listScopes() : []),
    listChanges: (scope, cursor, limit) => mail.listChanges(scope, cursor, limit),
    fetch: (scope, items) => mail.fetch(scope, items),
    write: mailWriter(ctx.app, owner, source),
    identify: (item) => messageIdOf(item.raw),
    close: mail.close,
  };
}
