// A user's accounts at mail and calendar providers (R-CON): each holds its own credentials (see
// secrets/store.ts), so a user can connect a Google and a Microsoft account side by side. Every
// function takes the acting user and touches only that user's connections.
import { and, asc, eq, inArray } from "drizzle-orm";
import type {
  ConnectionCalendar,
  Connection as ConnectionDto,
  ConnectionSyncs,
  ImapServer,
} from "../../shared/api/connections.js";
import type { Tx } from "../db/index.js";
import { connectionSecrets, connections } from "../db/schema.js";
import { newId } from "../ids.js";

export interface NewConnection {
  provider: string;
  accountAddress: string;
  displayName?: string;
  syncs?: ConnectionSyncs;
  backfillDays?: number;
  imapServer?: ImapServer | null;
  caldavServer?: { url: string; username: string } | null;
  /** Calendars known when the account is saved (a CalDAV server's connectivity test lists them). */
  calendars?: ConnectionCalendar[];
  grantedScopes?: string[];
}

export type Connection = typeof connections.$inferSelect;

/** The names of the credentials a connection holds (secrets/store.ts). */
export const SECRET = {
  refreshToken: "refresh-token",
  appPassword: "app-password",
  imapPassword: "imap-password",
} as const;

const normalised = (c: NewConnection) => ({
  provider: c.provider,
  accountAddress: c.accountAddress.trim().toLowerCase(),
  displayName: c.displayName ?? "",
  ...(c.syncs ? { syncs: c.syncs } : {}),
  ...(c.backfillDays !== undefined ? { backfillDays: c.backfillDays } : {}),
  imapServer: c.imapServer ?? null,
  caldavServer: c.caldavServer ?? null,
  ...(c.calendars ? { calendars: c.calendars } : {}),
  grantedScopes: c.grantedScopes ?? [],
});

/** Adds the connection; null when the user already has one for that provider and address. */
export async function insertConnection(db: Tx, userId: string, c: NewConnection): Promise<Connection | null> {
  const [row] = await db
    .insert(connections)
    .values({ id: newId(), userId, ...normalised(c) })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** The user's connection for that provider and address, if any. */
export async function connectionForAccount(
  db: Tx,
  userId: string,
  provider: string,
  accountAddress: string,
): Promise<Connection | null> {
  const [row] = await db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.userId, userId),
        eq(connections.provider, provider),
        eq(connections.accountAddress, accountAddress.trim().toLowerCase()),
      ),
    );
  return row ?? null;
}

/** Adds the connection, or answers the one the user already has for that provider and address. */
export async function createConnection(db: Tx, userId: string, c: NewConnection): Promise<Connection> {
  return (
    (await insertConnection(db, userId, c)) ??
    (await connectionForAccount(db, userId, c.provider, c.accountAddress))!
  );
}

/** The user's connection of this id; null for another user's (or no) connection. */
export async function getConnection(db: Tx, userId: string, id: string): Promise<Connection | null> {
  const [row] = await db
    .select()
    .from(connections)
    .where(and(eq(connections.id, id), eq(connections.userId, userId)));
  return row ?? null;
}

type Settings = Partial<
  Pick<
    Connection,
    "syncs" | "calendars" | "targetCalendarId" | "backfillDays" | "displayName" | "grantedScopes"
  >
>;

export async function updateConnection(
  db: Tx,
  userId: string,
  id: string,
  settings: Settings,
): Promise<Connection | null> {
  const [row] = await db
    .update(connections)
    .set({ ...settings, updatedAt: new Date() })
    .where(and(eq(connections.id, id), eq(connections.userId, userId)))
    .returning();
  return row ?? null;
}

type SecretRef = { connectionId: string; name: string; version: number; updatedAt: Date };

async function secretRefs(db: Tx, ids: string[]): Promise<SecretRef[]> {
  if (!ids.length) return [];
  return db
    .select({
      connectionId: connectionSecrets.connectionId,
      name: connectionSecrets.name,
      version: connectionSecrets.version,
      updatedAt: connectionSecrets.updatedAt,
    })
    .from(connectionSecrets)
    .where(inArray(connectionSecrets.connectionId, ids))
    .orderBy(asc(connectionSecrets.name));
}

/** The user's connections, with the names and versions of their secrets (never the secrets). */
export async function listConnections(db: Tx, userId: string) {
  const rows = await db
    .select()
    .from(connections)
    .where(eq(connections.userId, userId))
    .orderBy(asc(connections.id));
  const secrets = await secretRefs(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((c) => ({ ...c, secrets: secrets.filter((s) => s.connectionId === c.id) }));
}

/** The API's view of a connection (R-CON-11: credentials by name and version only). */
export async function connectionDto(db: Tx, c: Connection): Promise<ConnectionDto> {
  return toDto({ ...c, secrets: await secretRefs(db, [c.id]) });
}

export function toDto(c: Connection & { secrets: SecretRef[] }): ConnectionDto {
  return {
    id: c.id,
    provider: c.provider as ConnectionDto["provider"],
    accountAddress: c.accountAddress,
    displayName: c.displayName,
    syncs: c.syncs,
    calendars: c.calendars,
    targetCalendarId: c.targetCalendarId,
    backfillDays: c.backfillDays,
    imapServer: c.imapServer ?? null,
    caldavServer: c.caldavServer ?? null,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    secrets: c.secrets.map((s) => ({
      name: s.name,
      version: s.version,
      updatedAt: s.updatedAt.toISOString(),
    })),
  };
}

/** Removes the connection and, through the foreign keys, its credentials and sync state. */
export async function deleteConnection(db: Tx, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(connections)
    .where(and(eq(connections.id, id), eq(connections.userId, userId)))
    .returning({ id: connections.id });
  return rows.length > 0;
}
