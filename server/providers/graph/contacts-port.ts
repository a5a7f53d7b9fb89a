// The Graph implementation of the contact sync's provider contract (server/sync/contacts/port.ts), made
// from what the Graph mail session has: GRAPH_URL, the connection's access token source, and the step's
// abort signal. `extraFields` names the CRM fields kept in our extended properties (they must be named to
// be read back); `sharedFolders` the folders other users shared, listed but never synced (R-X-5).
import type { ContactsPort } from "../../sync/contacts/port.js";
import { createCategory, deleteCategory, listCategories } from "./contacts-categories.js";
import { GraphContactsClient, type GraphContactsClientOptions } from "./contacts-client.js";
import { listContactChanges } from "./contacts-delta.js";
import { listContactFolders, type SharedFolderRef } from "./contacts-folders.js";
import { createContact, findCreated, updateContact } from "./contacts-write.js";

export interface GraphContactsOptions extends GraphContactsClientOptions {
  extraFields?: string[];
  sharedFolders?: SharedFolderRef[];
}

export function graphContactsPort(o: GraphContactsOptions): ContactsPort & { client: GraphContactsClient } {
  const client = new GraphContactsClient(o);
  const extra = o.extraFields ?? [];
  return {
    client,
    listFolders: () => listContactFolders(client, o.sharedFolders),
    listChanges: (folderId, cursor, pageSize) =>
      listContactChanges(client, folderId, cursor, pageSize, extra),
    create: (folderId, contact) => createContact(client, folderId, contact, extra),
    findCreated: (folderId, conciliaId) => findCreated(client, folderId, conciliaId, extra),
    update: (id, changeKey, contact) => updateContact(client, id, changeKey, contact, extra),
    masterCategories: () => listCategories(client),
    createCategory: (displayName, color) => createCategory(client, displayName, color),
    deleteCategory: (id) => deleteCategory(client, id),
  };
}
