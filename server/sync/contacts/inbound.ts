// One Exchange contact change into the CRM, inside the step's transaction (the page's items and the
// cursor after them commit together): R-X-7 deletions only end links, R-X-2 new contacts in a chosen
// category are matched (R-X-10) or imported as the kind their category says (crm-record.ts), linked ones
// reconciled field by field (R-X-6, R-X-11). A contact carrying our id whose record has no link is the
// answer of a lost create (R-P-2): it is linked to that record whatever its categories.
// What the CRM won is not written to Exchange here (no network inside a transaction): the link is
// marked `push_pending` and the next outbound pass writes it.
import type { AuthUser } from "../../auth/user.js";
import type { Tx } from "../../db/index.js";
import { reconcileContact } from "../../reconcile/contacts.js";
import { decideChange, type LinkState } from "../../reconcile/contacts-lifecycle.js";
import type { WriteOutcome } from "../provider.js";
import {
  applyCrmPatch,
  type CrmRecord,
  createRecordFor,
  keepOverwritten,
  kindOfContact,
  readCrmRecord,
  recordOfLink,
  unlinkedRecordOf,
} from "./crm-record.js";
import { ignoreLink, linkOf, saveLink } from "./links.js";
import { matchRecord } from "./match-records.js";
import { clearPendingCreate } from "./pending-creates.js";
import type { ContactChange } from "./port.js";
import type { ExchangeIntegration } from "./settings.js";

export async function importContactChange(
  tx: Tx,
  owner: AuthUser,
  integration: ExchangeIntegration,
  folderId: string,
  change: ContactChange,
): Promise<WriteOutcome> {
  const connectionId = integration.connectionId;
  const providerId = change.kind === "removed" ? change.id : change.contact.id;
  const link = await linkOf(tx, connectionId, providerId);
  const ref = link?.state === "linked" ? recordOfLink(link) : null;
  const linked = ref ? await readCrmRecord(tx, owner, ref, integration.language) : undefined;
  // A contact we made whose create answer was lost (R-P-2): linked to the record it was made for.
  const made =
    !link && change.kind === "changed" && change.contact.extended.conciliaId
      ? await unlinkedRecordOf(
          tx,
          owner,
          connectionId,
          change.contact.extended.conciliaId,
          integration.language,
        )
      : null;
  const state: LinkState = made
    ? { kind: "linked", personId: made.id, personVisible: true }
    : !link
      ? { kind: "none" }
      : link.state === "ignored"
        ? { kind: "ignored" }
        : !ref
          ? { kind: "person-deleted" }
          : { kind: "linked", personId: ref.id, personVisible: !!linked && !linked.mergedAway };
  const decision = decideChange(
    state,
    change.kind === "removed" ? change : { kind: "changed", categories: change.contact.categories },
    integration.categories,
  );
  if (decision.kind === "skip") return { skipped: decision.reason };
  if (decision.kind === "ignore") {
    await ignoreLink(tx, connectionId, providerId, decision.reason, folderId);
    return { stored: true };
  }
  if (change.kind === "removed") return { skipped: "removed" };
  const contact = change.contact;
  let crm: CrmRecord | undefined = made ?? linked;
  if (decision.kind === "import") {
    const type = kindOfContact(contact.categories);
    const id =
      (await matchRecord(tx, owner, connectionId, type, contact.fields, contact.displayName)) ??
      (await createRecordFor(tx, owner, type, contact.fields, contact.displayName));
    if (!id) return { skipped: "no name and no email address" };
    crm = await readCrmRecord(tx, owner, { type, id }, integration.language);
  }
  if (!crm) return { skipped: "the CRM contact is no longer visible to you" };
  const d = reconcileContact({
    crm: crm.contact,
    exchange: { fields: contact.fields, categories: contact.categories, lastModified: contact.lastModified },
    last: decision.kind === "import" || made ? null : (link?.lastSynced ?? null),
    crmReadOnly: !crm.writable,
  });
  await applyCrmPatch(tx, owner, crm, d.crmPatch, contact.lastModified);
  await keepOverwritten(tx, crm, d.overwritten);
  await saveLink(tx, {
    connectionId,
    folderId,
    providerId,
    record: { type: crm.type, id: crm.id },
    changeKey: contact.changeKey,
    lastSynced: d.exchangeWrite ? d.syncedBeforePush : d.syncedAfterPush,
    pushPending: d.exchangeWrite !== null,
  });
  if (made) await clearPendingCreate(tx, connectionId, made.type, made.id);
  return { stored: true };
}
