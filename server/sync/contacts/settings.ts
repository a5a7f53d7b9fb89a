// A connection's Exchange integration settings (R-X-1, R-X-2, R-X-4, R-X-5): read by the sync and
// written by the integration's routes.
import { eq } from "drizzle-orm";
import type { Tx } from "../../db/index.js";
import { exchangeIntegrations } from "../../db/schema.js";

export type ExchangeIntegration = typeof exchangeIntegrations.$inferSelect;

export async function integrationOf(db: Tx, connectionId: string): Promise<ExchangeIntegration | null> {
  const [row] = await db
    .select()
    .from(exchangeIntegrations)
    .where(eq(exchangeIntegrations.connectionId, connectionId));
  return row ?? null;
}

/** The folders the sync follows: chosen private folders, or none while the integration is off. */
export const followedFolders = (i: ExchangeIntegration | null) => (i?.enabled ? i.folderIds : []);

/** Where contacts made for CRM persons go: the chosen folder, else the first followed one. */
export const targetFolder = (i: ExchangeIntegration) => i.targetFolderId ?? i.folderIds[0] ?? null;
