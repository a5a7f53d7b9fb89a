// Creating in Exchange the CRM records it lacks (R-X-3, R-X-8) exactly once, without a look-up before
// every create (R-P-2). A pending-create marker is written before each POST and removed with the link
// its answer makes. When the answer is lost (or the step stops, or the POST fails otherwise) the marker
// stays; the contact was made or not:
// - made: it carries our id (extended property), so the next listing links it to its record
//   (inbound.ts) and the marker goes with that import;
// - either way, a create tried again while the marker stands first asks Exchange for the contact by our
//   id (`findCreated`) and links the one found instead of making a second.
// Only records with a marker pay for the look-up: a first sync makes one request per create.
import type { AuthUser } from "../../auth/user.js";
import type { Db } from "../../db/index.js";
import { project } from "../../reconcile/contacts-compare.js";
import { SyncError } from "../errors.js";
import type { CrmRecord } from "./crm-record.js";
import { importContactChange } from "./inbound.js";
import { saveLink } from "./links.js";
import { clearPendingCreate, markPendingCreate, pendingCreatesAmong } from "./pending-creates.js";
import type { ContactsPort } from "./port.js";
import type { ExchangeIntegration } from "./settings.js";

/** A failure after which Exchange may have made the contact all the same. */
const mayHaveLanded = (err: unknown) => err instanceof SyncError && err.kind === "temporary";

export interface CreateReport {
  created: number;
  /** Creates whose answer was lost: their markers stand, the next listing or look-up settles them. */
  uncertain: number;
}

export async function createMissing(
  db: Db,
  owner: AuthUser,
  integration: ExchangeIntegration,
  port: ContactsPort,
  folder: string,
  records: CrmRecord[],
): Promise<CreateReport> {
  const report: CreateReport = { created: 0, uncertain: 0 };
  if (!records.length) return report;
  const connectionId = integration.connectionId;
  const type = records[0]!.type;
  const ids = records.map((r) => r.id);
  // Records already marked had a create whose outcome is unknown: those are looked for first.
  const marked = await pendingCreatesAmong(db, connectionId, type, ids);
  for (const record of records) {
    if (marked.has(record.id)) {
      const found = await port.findCreated(folder, record.id);
      if (found) {
        // Made by an earlier try: linked and reconciled like a listed contact carrying our id.
        await db.transaction(async (tx) => {
          await importContactChange(tx, owner, integration, found.folderId || folder, {
            kind: "changed",
            contact: found,
          });
          await clearPendingCreate(tx, connectionId, type, record.id);
        });
        continue;
      }
    }
    const fields = project(record.contact.fields);
    await markPendingCreate(db, connectionId, type, record.id, folder);
    let made: Awaited<ReturnType<ContactsPort["create"]>>;
    try {
      made = await port.create(folder, {
        fields,
        categories: record.contact.categories,
        extended: { conciliaId: record.id, fields: {} },
        ...(record.displayName ? { displayName: record.displayName } : {}),
      });
    } catch (err) {
      // The marker stays whatever the failure: a stale one costs one look-up, a missing one a duplicate.
      if (mayHaveLanded(err)) {
        report.uncertain++;
        continue;
      }
      throw err;
    }
    await db.transaction(async (tx) => {
      await saveLink(tx, {
        connectionId,
        folderId: folder,
        providerId: made.id,
        record: { type, id: record.id },
        changeKey: made.changeKey,
        lastSynced: { fields, categories: made.categories, exchangeChangedAt: {} },
        pushPending: false,
      });
      await clearPendingCreate(tx, connectionId, type, record.id);
    });
    report.created++;
  }
  return report;
}
