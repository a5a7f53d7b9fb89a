// Creating and updating contacts in Exchange without ever making a second copy (R-P-2, R-X-6).
// create: the item made for a CRM record carries that record's id in our extended property, so before
// a POST, and again after a POST whose answer was lost, the folder is searched for it; a found item is
// returned as it is. update: PATCH with If-Match on the changeKey we read; 412 is SyncError `conflict`
// (the driver reads the item again and reconciles, R-X-11). After a lost PATCH answer the item is read:
// still at our changeKey → the PATCH did not land and is sent again; moved on and holding what we wrote
// → it landed; moved on otherwise → someone else changed it: conflict.
import type { ContactWrite, ProviderContact } from "../../sync/contacts/port.js";
import { SyncError } from "../../sync/errors.js";
import { ambiguous, type GraphContactsClient } from "./contacts-client.js";
import { byConciliaId, expandOurs } from "./contacts-extended.js";
import { CONTACT_SELECT, contactFromGraph, type GraphContactJson, graphBody } from "./contacts-map.js";

const enc = encodeURIComponent;
/** Tries of a write whose answers keep getting lost. */
const TRIES = 3;

async function findOurs(
  client: GraphContactsClient,
  folderId: string,
  conciliaId: string,
  extraFields: string[],
): Promise<ProviderContact | null> {
  const q = `$filter=${enc(byConciliaId(conciliaId))}&$select=${CONTACT_SELECT}&$expand=${enc(expandOurs(extraFields))}&$top=1`;
  const page = await client.get<{ value: GraphContactJson[] }>(
    `/me/contactFolders/${enc(folderId)}/contacts?${q}`,
  );
  return page.value[0] ? contactFromGraph(page.value[0], folderId) : null;
}

export async function createContact(
  client: GraphContactsClient,
  folderId: string,
  write: ContactWrite,
  extraFields: string[],
): Promise<ProviderContact> {
  for (let n = 1; ; n++) {
    const existing = await findOurs(client, folderId, write.extended.conciliaId, extraFields);
    if (existing) return existing;
    try {
      const made = await client.write<GraphContactJson>(
        "POST",
        `/me/contactFolders/${enc(folderId)}/contacts`,
        graphBody(write, extraFields),
      );
      // The POST answer carries no extended properties: they are what we just wrote.
      return { ...contactFromGraph(made, folderId), extended: write.extended };
    } catch (err) {
      if (!ambiguous(err) || n >= TRIES) throw err;
    }
  }
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
