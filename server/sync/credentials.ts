// Which version of a connection's credentials is stored: the sum of its secrets' versions, which grows
// with every write (secrets/store.ts). A sync that failed authentication waits for a greater one, the
// sign that the user reconnected.
import { eq, sql } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { connectionSecrets } from "../db/schema.js";

export async function credentialsVersion(db: Tx, connectionId: string): Promise<number> {
  const [row] = await db
    .select({ v: sql<number>`coalesce(sum(${connectionSecrets.version}), 0)::int` })
    .from(connectionSecrets)
    .where(eq(connectionSecrets.connectionId, connectionId));
  return Number(row?.v ?? 0);
}
