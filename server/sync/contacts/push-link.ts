// One linked record's CRM changes written to its Exchange contact with If-Match. The contact is taken
// to be as last synced; when Exchange refuses the write (412: it changed since), the contact is read
// again where the port can (`get`), reconciled field by field like a listed change (R-X-11), and
// written once more with its new changeKey. A port that cannot read one contact leaves the write owed
// (`push_pending`) until the listing brings the change.
import { eq } from "drizzle-orm";
import type { AuthUser } from "../../auth/user.js";
import type { Db } from "../../db/index.js";
import { type ContactLink, contactLinks } from "../../db/schema.js";
import { reconcileContact } from "../../reconcile/contacts.js";
import { SyncError } from "../errors.js";
import { type CrmRecord, keepOverwritten, readCrmRecord } from "./crm-record.js";
import { importContactChange } from "./inbound.js";
import { linkOf, saveLink } from "./links.js";
import type { ContactsPort } from "./port.js";
import type { ExchangeIntegration } from "./settings.js";

export type PushOutcome = "written" | "quiet" | "refused";

export async function pushLink(
  db: Db,
  owner: AuthUser,
  integration: ExchangeIntegration,
  port: ContactsPort,
  link: ContactLink,
  record: CrmRecord,
): Promise<PushOutcome> {
  const first = await writeOnce(db, port, link, record);
  if (first !== "conflict") return first;
  const fresh = port.get ? await port.get(link.providerId) : null;
  if (fresh) {
    await db.transaction((tx) =>
      importContactChange(tx, owner, integration, link.folderId, { kind: "changed", contact: fresh }),
    );
    const again = await linkOf(db, link.connectionId, link.providerId);
    const now = await readCrmRecord(db, owner, record, integration.language);
    if (again?.state === "linked" && now) {
      const second = await writeOnce(db, port, again, now);
      if (second !== "conflict") return second;
    }
  }
  await db.update(contactLinks).set({ pushPending: true }).where(eq(contactLinks.id, link.id));
  return "refused";
}

async function writeOnce(
  db: Db,
  port: ContactsPort,
  link: ContactLink,
  record: CrmRecord,
): Promise<PushOutcome | "conflict"> {
  const last = link.lastSynced;
  if (!last || !link.changeKey) return "quiet";
  const d = reconcileContact({
    crm: record.contact,
    exchange: { fields: last.fields, categories: last.categories, lastModified: link.syncedAt.toISOString() },
    last,
  });
  if (!d.exchangeWrite) {
    if (link.pushPending)
      await db.update(contactLinks).set({ pushPending: false }).where(eq(contactLinks.id, link.id));
    return "quiet";
  }
  try {
    const written = await port.update(link.providerId, link.changeKey, {
      ...d.exchangeWrite,
      extended: { conciliaId: record.id, fields: {} },
      ...(record.displayName ? { displayName: record.displayName } : {}),
    });
    await db.transaction(async (tx) => {
      await keepOverwritten(tx, record, d.overwritten);
      await saveLink(tx, {
        connectionId: link.connectionId,
        folderId: link.folderId,
        providerId: link.providerId,
        record: { type: record.type, id: record.id },
        changeKey: written.changeKey,
        lastSynced: d.syncedAfterPush,
        pushPending: false,
      });
    });
    return "written";
  } catch (err) {
    if (err instanceof SyncError && err.kind === "conflict") return "conflict";
    // Deleted in Exchange meanwhile: the listing brings the removal, which ends the link (R-X-7).
    if (err instanceof SyncError && err.kind === "not-found") return "refused";
    throw err;
  }
}
