// R-X-1, R-X-2, R-X-4, R-X-5: activating the Exchange contact integration on one of the user's Microsoft
// connections, choosing what it syncs, and what the mailbox offers to choose from. Only the connection's
// owner reaches these (connections are personal, for admins too). Deactivating stops the sync and
// deletes nothing: links, settings and contacts stay on both sides.
import { eq } from "drizzle-orm";
import type { ExchangeIntegrationDto } from "../../shared/api/exchange.js";
import { badRequest, conflict, HttpProblem, unprocessable } from "../api/problem.js";
import type { Config } from "../config.js";
import type { AppContext } from "../context.js";
import type { Tx } from "../db/index.js";
import { exchangeIntegrations } from "../db/schema.js";
import { ourCategoryNames } from "../reconcile/contacts-categories.js";
import type { ContactsPort } from "../sync/contacts/port.js";
import { contactsPortFor } from "../sync/contacts/port-factory.js";
import { type ExchangeIntegration, integrationOf } from "../sync/contacts/settings.js";
import { SyncError } from "../sync/errors.js";
import type { Connection } from "./connections.js";
import { lacksSharedContacts, missingExchangeScopes } from "./exchange-consent.js";

type SharedConfig = Pick<Config, "EXCHANGE_SHARED_CONTACT_FOLDERS">;

export const SHARED_FOLDER_REASON =
  "Shared folders are not synced: their owner decides what changes in them and keeps their categories, and Microsoft does not notify other people's changes in them.";
export const NO_CATEGORY_MESSAGE =
  "This mailbox has no categories of its own yet, so there is nothing to choose from. In Outlook, open a contact, choose Categorize → All categories → New, name a category (for example “Clientes”), file the contacts to sync under it, and come back here.";

export function integrationDto(connection: Connection, i: ExchangeIntegration): ExchangeIntegrationDto {
  return {
    connectionId: i.connectionId,
    enabled: i.enabled,
    language: i.language,
    categories: i.categories,
    folderIds: i.folderIds,
    targetFolderId: i.targetFolderId,
    activatedAt: i.activatedAt.toISOString(),
    consentNeeded: missingExchangeScopes(connection.grantedScopes),
  };
}

/** The address book of the connection, or a 503 when this server cannot reach it. */
export function addressBook(ctx: AppContext, connection: Connection): ContactsPort {
  const port = contactsPortFor({ ...ctx, connection, signal: new AbortController().signal });
  if (!port)
    throw new HttpProblem(503, "Service unavailable", "This server cannot reach Exchange address books yet.");
  return port;
}

/** A refusal of Exchange in words the user can act on, never a 500. */
export async function askExchange<T>(connection: Connection, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (!(err instanceof SyncError)) throw err;
    const missing = missingExchangeScopes(connection.grantedScopes);
    const detail =
      err.kind === "auth"
        ? `Exchange refused this connection's sign-in${missing.length ? ` (it lacks ${missing.join(" and ")})` : ""}: sign in again to grant access.`
        : `Exchange could not answer: ${err.message}`;
    throw new HttpProblem(502, "Bad gateway", detail);
  }
}

export async function activate(db: Tx, connection: Connection, language: ExchangeIntegration["language"]) {
  if (connection.provider !== "microsoft")
    throw unprocessable("The Exchange integration works with a Microsoft 365 or Outlook.com connection.", [
      { path: "params.id", message: "must be a Microsoft connection" },
    ]);
  const existing = await integrationOf(db, connection.id);
  if (existing && existing.language !== language)
    throw conflict(
      `The Concilia categories of this mailbox are in "${existing.language}": the language is chosen once, at the first activation (R-X-4).`,
    );
  if (existing) {
    const [row] = await db
      .update(exchangeIntegrations)
      .set({ enabled: true, updatedAt: new Date() })
      .where(eq(exchangeIntegrations.connectionId, connection.id))
      .returning();
    return { row, created: false };
  }
  const [row] = await db
    .insert(exchangeIntegrations)
    .values({ connectionId: connection.id, language })
    .returning();
  return { row, created: true };
}

export async function deactivate(db: Tx, connection: Connection) {
  const [row] = await db
    .update(exchangeIntegrations)
    .set({ enabled: false, updatedAt: new Date() })
    .where(eq(exchangeIntegrations.connectionId, connection.id))
    .returning();
  return row ?? null;
}

/** R-X-2 / R-X-5: the chosen categories must be the mailbox's own, the folders its private ones. */
export async function updateSettings(
  db: Tx,
  port: ContactsPort,
  current: ExchangeIntegration,
  patch: { categories?: string[]; folderIds?: string[]; targetFolderId?: string | null },
) {
  const set: Partial<ExchangeIntegration> = { updatedAt: new Date() };
  if (patch.categories) {
    const names = new Set((await port.masterCategories()).map((c) => c.displayName));
    const ours = ourCategoryNames();
    const wrong = patch.categories.filter((c) => !names.has(c) || ours.has(c));
    if (wrong.length)
      throw badRequest(`Not a category of this mailbox you can choose: ${wrong.join(", ")}.`, [
        { path: "body.categories", message: "must name categories of the mailbox, not Concilia's own" },
      ]);
    set.categories = [...new Set(patch.categories)];
  }
  if (patch.folderIds || patch.targetFolderId) {
    const folders = await port.listFolders();
    const byId = new Map(folders.map((f) => [f.id, f]));
    for (const [path, ids] of [
      ["body.folderIds", patch.folderIds ?? []],
      ["body.targetFolderId", patch.targetFolderId ? [patch.targetFolderId] : []],
    ] as const)
      for (const id of ids) {
        const f = byId.get(id);
        if (!f)
          throw badRequest(`No contact folder ${id} in this mailbox.`, [{ path, message: "unknown folder" }]);
        if (f.kind !== "private")
          throw badRequest(`${f.name}: ${SHARED_FOLDER_REASON}`, [
            { path, message: "shared folders are not synced" },
          ]);
      }
    if (patch.folderIds) set.folderIds = [...new Set(patch.folderIds)];
  }
  if (patch.targetFolderId !== undefined) set.targetFolderId = patch.targetFolderId;
  const folderIds = set.folderIds ?? current.folderIds;
  const target = set.targetFolderId !== undefined ? set.targetFolderId : current.targetFolderId;
  if (target && !folderIds.includes(target))
    throw badRequest("The folder new contacts go to must be one of the synced folders.", [
      { path: "body.targetFolderId", message: "must be in folderIds" },
    ]);
  const [row] = await db
    .update(exchangeIntegrations)
    .set(set)
    .where(eq(exchangeIntegrations.connectionId, current.connectionId))
    .returning();
  return row;
}

export async function categoryChoices(port: ContactsPort, i: ExchangeIntegration) {
  const ours = ourCategoryNames();
  const mine = (await port.masterCategories()).filter((c) => !ours.has(c.displayName));
  const chosen = new Set(i.categories);
  return {
    items: mine.map((c) => ({ name: c.displayName, color: c.color, chosen: chosen.has(c.displayName) })),
    message: mine.length ? null : NO_CATEGORY_MESSAGE,
  };
}

export const SHARED_SCOPE_MISSING =
  "Folders other people shared with you cannot be listed: this connection was not granted the Microsoft permission “Read contacts shared with you” (Contacts.Read.Shared). Sign in to this connection again and accept it to see them here; they are listed, never synced.";

export async function folderChoices(
  config: SharedConfig,
  connection: Connection,
  port: ContactsPort,
  i: ExchangeIntegration,
) {
  const synced = new Set(i.enabled ? i.folderIds : []);
  const sharedUnreadable = lacksSharedContacts(connection.grantedScopes, config);
  return {
    items: (await port.listFolders()).map((f) => ({
      id: f.id,
      name: f.name,
      kind: f.kind,
      owner: f.owner ?? null,
      synced: f.kind === "private" && synced.has(f.id),
      reason:
        f.kind === "shared"
          ? SHARED_FOLDER_REASON
          : synced.has(f.id)
            ? null
            : i.enabled
              ? "Not chosen for sync."
              : "The Exchange integration is deactivated.",
    })),
    message: sharedUnreadable ? SHARED_SCOPE_MISSING : null,
  };
}
