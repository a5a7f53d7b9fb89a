// How mail sync ends in the one ingest pipeline (ARCHITECTURE data flow 2): the `write` a mail
// provider's session gives the engine. It runs the ingest inside the step's transaction (the ingest's
// own transaction becomes a savepoint of it), as the connection's owner, so a page's messages and the
// cursor after them commit together, and a repeat (a re-sync) answers the activity already stored
// (R-MAIL-4: one activity per Message-ID and user).

import { eq } from "drizzle-orm";
import { HttpProblem } from "../api/problem.js";
import { toAuthUser } from "../auth/authenticate.js";
import type { AuthUser } from "../auth/user.js";
import type { Connection } from "../connections/connections.js";
import type { AppContext } from "../context.js";
import type { Db, Tx } from "../db/index.js";
import { users } from "../db/schema.js";
import { ingestEmail } from "../mail/ingest.js";
import { SyncError } from "./errors.js";
import type { FetchedItem, WriteOutcome } from "./provider.js";

/** The skip reason of a message with no CRM participant (R-MAIL-2), as the status counts it. */
export const NO_CRM_PARTICIPANT = "no CRM participant";

/** The connection's owner, as the ingest acts for a user. */
export async function connectionOwner(db: Tx, connection: Connection): Promise<AuthUser> {
  const [row] = await db.select().from(users).where(eq(users.id, connection.userId));
  if (!row) throw new SyncError("not-found", "The account's owner no longer exists.");
  return toAuthUser(row, ["crm"], `sync:${connection.id}`);
}

export function mailWriter(ctx: AppContext, owner: AuthUser) {
  return async (tx: Tx, item: Extract<FetchedItem, { raw: Buffer }>): Promise<WriteOutcome> => {
    try {
      await ingestEmail({ ...ctx, db: tx as Db }, owner, item.raw, { source: "auto" });
      return { stored: true };
    } catch (err) {
      // The ingest refuses a message with no CRM participant with a 422 (nothing else it refuses
      // applies here: no attachments are left out). The auto-logging policy adds its own reasons.
      if (err instanceof HttpProblem && err.status === 422) return { skipped: NO_CRM_PARTICIPANT };
      throw err;
    }
  };
}
