// A user's accounts at mail and calendar providers (R-CON): each holds its own credentials (see
// secrets/store.ts), so a user can connect a Google and a Microsoft account side by side.
import { and, asc, eq } from "drizzle-orm";
import type { Tx } from "../db/index.js";
import { connectionSecrets, connections } from "../db/schema.js";
import { newId } from "../ids.js";

export interface NewConnection {
  provider: string;
  accountAddress: string;
  displayName?: string;
}

export type Connection = typeof connections.$inferSelect;

/** Adds the connection, or answers the one the user already has for that provider and address. */
export async function createConnection(db: Tx, userId: string, c: NewConnection): Promise<Connection> {
  const accountAddress = c.accountAddress.trim().toLowerCase();
  const [row] = await db
    .insert(connections)
    .values({ id: newId(), userId, provider: c.provider, accountAddress, displayName: c.displayName ?? "" })
    .onConflictDoNothing()
    .returning();
  if (row) return row;
  const [existing] = await db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.userId, userId),
        eq(connections.provider, c.provider),
        eq(connections.accountAddress, accountAddress),
      ),
    );
  return existing;
}

/** The user's connections, with the names and versions of their secrets (never the secrets). */
export async function listConnections(db: Tx, userId: string) {
  const rows = await db
    .select()
    .from(connections)
    .where(eq(connections.userId, userId))
    .orderBy(asc(connections.id));
  const secrets = await db
    .select({
      connectionId: connectionSecrets.connectionId,
      name: connectionSecrets.name,
      version: connectionSecrets.version,
      updatedAt: connectionSecrets.updatedAt,
    })
    .from(connectionSecrets)
    .innerJoin(connections, eq(connections.id, connectionSecrets.connectionId))
    .where(eq(connections.userId, userId))
    .orderBy(asc(connectionSecrets.name));
  return rows.map((c) => ({ ...c, secrets: secrets.filter((s) => s.connectionId === c.id) }));
}

export async function deleteConnection(db: Tx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(connections)
    .where(and(eq(connections.id, id), eq(connections.userId, userId)))
    .returning({ id: connections.id });
  return rows.length > 0;
}
