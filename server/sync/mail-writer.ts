// How mail sync ends in the one ingest pipeline (ARCHITECTURE data flow 2): the `write` a mail
// provider's session gives the engine. Each message goes through the automatic-logging policy
// (mail/auto-log.ts) inside the step's transaction, as the connection's owner, so a page's messages and
// the cursor after them commit together. A message logged already (by hand or by an earlier sync)
// stays as it is (R-MAIL-4); a skipped one is counted under the policy's reason (R-MAIL-8).

import { eq } from "drizzle-orm";
import { HttpProblem } from "../api/problem.js";
import { toAuthUser } from "../auth/authenticate.js";
import type { AuthUser } from "../auth/user.js";
import type { Connection } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { users } from "../db/schema.js";
import { ingestAutomatic, type MailSource } from "../mail/auto-log.js";
import { SyncError } from "./errors.js";
import type { FetchedItem, WriteOutcome } from "./provider.js";

/** The connection's owner, as the ingest acts for a user; the synced account's address is one of theirs. */
export async function connectionOwner(db: Tx, connection: Connection): Promise<AuthUser> {
  const [row] = await db.select().from(users).where(eq(users.id, connection.userId));
  if (!row) throw new SyncError("not-found", "The account's owner no longer exists.");
  const user = toAuthUser(row, ["crm"], `sync:${connection.id}`);
  const account = connection.accountAddress.toLowerCase();
  if (!user.addresses.includes(account)) user.addresses.push(account);
  return user;
}

export function mailWriter(ctx: AppContext, owner: AuthUser, source: MailSource) {
  return async (tx: Tx, item: Extract<FetchedItem, { raw: Buffer }>): Promise<WriteOutcome> => {
    const folderRole = item.meta?.folder === "sent" ? "sent" : "inbox";
    try {
      const r = await ingestAutomatic(ctx, owner, item.raw, { source, providerId: item.key, folderRole }, tx);
      return r.outcome === "skipped" ? { skipped: r.reason } : { stored: true };
    } catch (err) {
      // Mail the ingest refuses (not MIME, no address, a multipart without parts): the refusal's words
      // describe the message's structure, never its content, so they are the failed item's reason.
      if (err instanceof HttpProblem && err.status < 500)
        throw new SyncError("unknown", `This message cannot be logged: ${err.detail}`);
      throw err;
    }
  };
}
