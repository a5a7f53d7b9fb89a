// One Exchange contact change into the CRM, inside the step's transaction (the page's items and the
// cursor after them commit together): R-X-7 deletions only end links, R-X-2 new contacts in a chosen
// category are matched (R-X-10) or imported, linked ones reconciled field by field (R-X-6, R-X-11).
// What the CRM won is not written to Exchange here (no network inside a transaction): the link is
// marked `push_pending` and the next outbound pass writes it.
import type { AuthUser } from "../../auth/user.js";
import type { Tx } from "../../db/index.js";
import { reconcileContact } from "../../reconcile/contacts.js";
import { decideChange, type LinkState } from "../../reconcile/contacts-lifecycle.js";
import { matchContact } from "../../reconcile/contacts-match.js";
import type { WriteOutcome } from "../provider.js";
import { applyCrmPatch, createPersonFor, keepOverwritten, readCrmContacts } from "./crm-contact.js";
import { ignoreLink, linkOf, saveLink } from "./links.js";
import { matchCandidates } from "./match-candidates.js";
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
  const person =
    link?.state === "linked" && link.personId
      ? (await readCrmContacts(tx, owner, [link.personId], integration.language)).get(link.personId)
      : undefined;
  const state: LinkState = !link
    ? { kind: "none" }
    : link.state === "ignored"
      ? { kind: "ignored" }
      : !link.personId
        ? { kind: "person-deleted" }
        : { kind: "linked", personId: link.personId, personVisible: !!person && !person.row.mergedInto };
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
  let crm = person;
  if (decision.kind === "import") {
    const match = matchContact(
      contact.fields,
      await matchCandidates(tx, owner, connectionId, contact.fields),
    );
    const personId = match?.personId ?? (await createPersonFor(tx, owner, contact.fields));
    if (!personId) return { skipped: "no name and no email address" };
    crm = (await readCrmContacts(tx, owner, [personId], integration.language)).get(personId);
  }
  if (!crm) return { skipped: "the CRM contact is no longer visible to you" };
  const d = reconcileContact({
    crm: crm.contact,
    exchange: { fields: contact.fields, categories: contact.categories, lastModified: contact.lastModified },
    last: decision.kind === "import" ? null : (link?.lastSynced ?? null),
    crmReadOnly: !crm.writable,
  });
  await applyCrmPatch(tx, owner, crm, d.crmPatch, contact.lastModified);
  await keepOverwritten(tx, crm.row.id, d.overwritten);
  await saveLink(tx, {
    connectionId,
    folderId,
    providerId,
    personId: crm.row.id,
    changeKey: contact.changeKey,
    lastSynced: d.exchangeWrite ? d.syncedBeforePush : d.syncedAfterPush,
    pushPending: d.exchangeWrite !== null,
  });
  return { stored: true };
}
