// Exchange contacts in the sync engine (R-X): a Microsoft connection with the integration enabled gets
// one `contacts:<folderId>` scope per chosen private folder (R-X-5), added to its mail session as
// CalDAV calendars are added to an iCloud one (providers/caldav/sync-provider.ts). Once per session the
// master categories are ensured (R-X-4) and CRM merges settled (R-X-9). A folder's delta is listed
// page by page; its items and the cursor after them commit in one transaction (sync/step.ts). Once every
// folder has been listed to its end, CRM persons are pushed (outbound.ts) once per session, after the
// session's listing of the last folder: a contact new in Exchange is matched (R-X-10) before a CRM person
// is created there, and the push also writes what the imports owed Exchange (a field the CRM won, a
// write refused by If-Match).
import type { Db } from "../../db/index.js";
import { readCursor } from "../cursors.js";
import { connectionOwner } from "../mail-writer.js";
import type { FetchedItem, ProviderContext, ProviderSession, SyncScope } from "../provider.js";
import { ensureMasterCategories } from "./categories.js";
import { importContactChange } from "./inbound.js";
import { settleMergedLinks } from "./merges.js";
import { type PushPosition, pushCrmContacts } from "./outbound.js";
import type { ContactChange, ContactsPort } from "./port.js";
import { followedFolders, integrationOf } from "./settings.js";

/** The engine's cursor of a contact folder: the provider's delta link, and whether a full listing ended. */
interface FolderCursor {
  delta: unknown;
  complete: boolean;
  /** A round of writes to Exchange left unfinished by the last step. */
  push?: PushPosition;
}

const PREFIX = "contacts:";
const folderOf = (scope: SyncScope) => scope.key.slice(PREFIX.length);
const asCursor = (c: unknown): FolderCursor | null =>
  c && typeof c === "object" && "complete" in c ? (c as FolderCursor) : null;

/** Whether every followed folder has been listed to its end at least once. */
async function allListed(db: Db, connectionId: string, keys: string[]) {
  for (const key of keys) if (!asCursor(await readCursor(db, connectionId, key))?.complete) return false;
  return true;
}

export async function withExchangeContacts(
  ctx: ProviderContext,
  base: ProviderSession,
  port: ContactsPort | null,
): Promise<ProviderSession> {
  const integration = await integrationOf(ctx.db, ctx.connection.id);
  if (!port || !integration?.enabled) return base;
  const owner = await connectionOwner(ctx.db, ctx.connection);
  let prepared = false;
  const tried = { round: new Set<string>(), refused: new Set<string>() };
  /** One push per session, after the last folder's listing: the listing's imports and owed writes first. */
  let phase: "push" | "done" = "push";
  let listedNow = false;
  let contactScopes: string[] = [];
  const prepare = async () => {
    if (prepared) return;
    await ensureMasterCategories(ctx.db, port, integration);
    await settleMergedLinks(ctx.db, integration.connectionId);
    prepared = true;
  };
  return {
    ...base,
    listScopes: async () => {
      const scopes = await base.listScopes();
      const chosen = new Set(followedFolders(integration));
      if (!chosen.size) return scopes;
      // R-X-5: only folders that are the user's own are followed, whatever was stored.
      const folders = (await port.listFolders()).filter((f) => f.kind === "private" && chosen.has(f.id));
      contactScopes = folders.map((f) => `${PREFIX}${f.id}`);
      return [...scopes, ...contactScopes.map((key) => ({ key, kind: "contacts" as const }))];
    },
    listChanges: async (scope, cursor, limit) => {
      if (scope.kind !== "contacts") return base.listChanges(scope, cursor, limit);
      await prepare();
      const folder = folderOf(scope);
      const at = asCursor(cursor);
      // Pushes go with the last folder, once every folder was listed to its end in this session too, so
      // that what Exchange has now is matched (R-X-10) and reconciled before anything is written there.
      const last = scope.key === contactScopes.at(-1);
      const ready =
        last && listedNow && !!at?.complete && (await allListed(ctx.db, ctx.connection.id, contactScopes));
      if (ready && phase === "push") {
        const pushed = await pushCrmContacts(ctx.db, owner, integration, port, limit, tried, at.push);
        if (pushed.more) return { items: [], cursor: { ...at, push: pushed.position }, more: true };
        phase = "done";
      }
      const page = await port.listChanges(folder, at?.delta ?? null, limit);
      // The listing just ended: come back (after its items are written) to push.
      const again = last && !page.more && !listedNow && phase === "push";
      if (last && !page.more) listedNow = true;
      return {
        items: page.changes.map((c) => ({ key: c.kind === "removed" ? c.id : c.contact.id, ref: c })),
        cursor: {
          delta: page.cursor,
          complete: (at?.complete ?? false) || !page.more,
          // The unfinished round goes on after this listing, where it stood.
          ...(phase === "push" && at?.push ? { push: at.push } : {}),
        },
        more: page.more || again,
      };
    },
    fetch: async (scope, items) => {
      if (scope.kind !== "contacts") return base.fetch(scope, items);
      // The listing carries the whole contact: nothing more to fetch.
      return items.map(
        (i): FetchedItem => ({
          key: i.key,
          ref: i.ref,
          raw: Buffer.from(JSON.stringify(i.ref)),
          meta: { contacts: folderOf(scope) },
        }),
      );
    },
    write: async (tx, item) => {
      const folder = item.meta?.contacts;
      if (typeof folder !== "string") return base.write(tx, item);
      return importContactChange(
        tx,
        owner,
        integration,
        folder,
        JSON.parse(item.raw.toString("utf8")) as ContactChange,
      );
    },
    identify: (item) =>
      typeof item.meta?.contacts === "string" ? item.key : (base.identify?.(item) ?? null),
  };
}
