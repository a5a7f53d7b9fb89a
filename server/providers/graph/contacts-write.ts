// Creating and updating contacts in Exchange without ever making a second copy (R-P-2, R-X-6).
// create: one POST; the item made for a CRM record carries that record's id in our extended property,
// so after a lost answer the next delta brings it back linked, and `findCreated` finds it by that
// property when the sync must know before trying again.
// update: PATCH with If-Match on the changeKey we read; 412 is SyncError `conflict`
// (the driver reads the item again and reconciles, R-X-11). After a lost PATCH answer the item is read:
// still at our changeKey → the PATCH did not land and is sent again; moved on and holding what we wrote
// → it landed; moved on otherwise → someone else changed it: conflict.
import type { ContactWrite, ProviderContact } from "../../sync/contacts/port.js";
import { SyncError } from "../../sync/errors.js";
import { answerOf } from "../http.js";
import { contactSearchPage } from "./contacts-answers.js";
import { ambiguous, type GraphContactsClient } from "./contacts-client.js";
import { byConciliaId, expandOurs } from "./contacts-extended.js";
import { CONTACT_SELECT, contactFromGraph, type GraphContactJson, graphBody } from "./contacts-map.js";

const enc = encodeURIComponent;
/** Tries of a write whose answers keep getting lost. */
const TRIES = 3;

export async function findCreated(
  client: GraphContactsClient,
  folderId: string,
  conciliaId: string,
  extraFields: string[],
): Promise<ProviderContact | null> {
  const q = `$filter=${enc(byConciliaId(conciliaId))}&$select=${CONTACT_SELECT}&$expand=${enc(expandOurs(extraFields))}&$top=1`;
  const page = answerOf(
    "Microsoft",
    "contact search",
    contactSearchPage,
    await client.get(`/me/contactFolders/${enc(folderId)}/contacts?${q}`),
  );
  return page.value[0] ? contactFromGraph(page.value[0], folderId) : null;
}

/**
 * One POST. Its failures are thrown as they are: after an ambiguous one (the answer lost, a 5xx) the
 * contact may exist, and the sync's pending-create marker decides whether to look for it before a
 * second try (sync/contacts/outbound-create.ts).
 */
export async function createContact(
  client: GraphContactsClient,
  folderId: string,
  write: ContactWrite,
  extraFields: string[],
): Promise<ProviderContact> {
  const made = await client.write<GraphContactJson>(
    "POST",
    `/me/contactFolders/${enc(folderId)}/contacts`,
    graphBody(write, extraFields),
  );
  // The POST answer carries no extended properties: they are what we just wrote.
  return { ...contactFromGraph(made, folderId), extended: write.extended };
}

const sameWrite = (a: ProviderContact, write: ContactWrite) =>
  JSON.stringify(a.fields) ===
    JSON.stringify(contactFromGraph({ id: "", ...graphBody(write, []) } as GraphContactJson).fields) &&
  JSON.stringify([...a.categories].sort()) === JSON.stringify([...write.categories].sort()) &&
  a.extended.conciliaId === write.extended.conciliaId;

export async function updateContact(
  client: GraphContactsClient,
  id: string,
  changeKey: string,
  write: ContactWrite,
  extraFields: string[],
): Promise<ProviderContact> {
  const path = `/me/contacts/${enc(id)}`;
  for (let n = 1; ; n++) {
    try {
      const updated = await client.write<GraphContactJson>("PATCH", path, graphBody(write, extraFields), {
        "if-match": `W/"${changeKey}"`,
      });
      return { ...contactFromGraph(updated), extended: write.extended };
    } catch (err) {
      if (!ambiguous(err) || n >= TRIES) throw err;
    }
    const now = contactFromGraph(
      await client.get<GraphContactJson>(
        `${path}?$select=${CONTACT_SELECT}&$expand=${enc(expandOurs(extraFields))}`,
      ),
    );
    if (now.changeKey === changeKey) continue;
    if (sameWrite(now, write)) return now;
    throw new SyncError("conflict", "The contact changed in Exchange since it was read.");
  }
}
