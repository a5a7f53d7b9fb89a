// The contact folders the settings view lists (R-X-5): the user's own ones — the default Contacts folder
// (well-known name `contacts`) and every folder under it, child folders too — are `private` and sync;
// folders other users shared are `shared` and only listed. Graph has no call listing what others shared
// with the user, so those come from configuration (`owner` + folder id); a share withdrawn since is left out.

import type { z } from "zod";
import type { ContactFolder } from "../../sync/contacts/port.js";
import { SyncError } from "../../sync/errors.js";
import { answerOf } from "../http.js";
import { onceEach } from "../page-links.js";
import { contactFolderPage, contactFolderShape, contactParentPage } from "./contacts-answers.js";
import type { GraphContactsClient } from "./contacts-client.js";

export interface SharedFolderRef {
  /** The other user's address or id. */
  owner: string;
  folderId: string;
}

type FolderJson = z.infer<typeof contactFolderShape>;

const folderOf = (answer: unknown) => answerOf("Microsoft", "contact folder", contactFolderShape, answer);

const enc = encodeURIComponent;

async function allPages(client: GraphContactsClient, first: string): Promise<FolderJson[]> {
  const out: FolderJson[] = [];
  const once = onceEach("Microsoft", "contact folders");
  for (let url: string | undefined = first; url; ) {
    const page = answerOf("Microsoft", "contact folder list", contactFolderPage, await client.get(url));
    out.push(...page.value);
    url = once(page["@odata.nextLink"]);
  }
  return out;
}

/**
 * The folders under `parent`, depth first, each followed by its own child folders; each folder once
 * (`seen`): a folder listed under itself would have the listing go down for ever.
 */
async function below(
  client: GraphContactsClient,
  url: string,
  seen = new Set<string>(),
): Promise<FolderJson[]> {
  const out: FolderJson[] = [];
  for (const folder of await allPages(client, url)) {
    if (seen.has(folder.id))
      throw new SyncError("unknown", "The Microsoft server lists a contact folder inside itself.");
    seen.add(folder.id);
    out.push(folder);
    if ((folder.childFolderCount ?? 0) > 0)
      out.push(...(await below(client, `/me/contactFolders/${enc(folder.id)}/childFolders?$top=100`, seen)));
  }
  return out;
}

const gone = (err: unknown) => err instanceof SyncError && (err.kind === "not-found" || err.kind === "auth");

/**
 * The default Contacts folder: by its well-known name `contacts` (observed, not documented), else as
 * the parent of the top-level folders or of a contact in it; null for a mailbox with neither.
 */
async function defaultFolder(
  client: GraphContactsClient,
  topLevel: FolderJson[],
): Promise<FolderJson | null> {
  try {
    return folderOf(await client.get("/me/contactFolders/contacts"));
  } catch (err) {
    if (!(err instanceof SyncError && (err.kind === "not-found" || err.kind === "unknown"))) throw err;
  }
  const parent =
    topLevel[0]?.parentFolderId ??
    answerOf(
      "Microsoft",
      "contact",
      contactParentPage,
      await client.get("/me/contacts?$top=1&$select=parentFolderId"),
    ).value[0]?.parentFolderId;
  return parent ? { id: parent, displayName: "Contacts" } : null;
}

export async function listContactFolders(
  client: GraphContactsClient,
  shared: SharedFolderRef[] = [],
): Promise<ContactFolder[]> {
  const folders = await below(client, "/me/contactFolders?$top=100");
  const root = await defaultFolder(
    client,
    folders.filter((f) => !folders.some((p) => p.id === f.parentFolderId)),
  );
  const own = root ? [root, ...folders] : folders;
  const listed: ContactFolder[] = own.map((f) => ({ id: f.id, name: f.displayName, kind: "private" }));
  for (const ref of shared) {
    try {
      const f = folderOf(await client.get(`/users/${enc(ref.owner)}/contactFolders/${enc(ref.folderId)}`));
      listed.push({ id: f.id, name: f.displayName, kind: "shared", owner: ref.owner });
    } catch (err) {
      // 403 (the share was withdrawn, or the token lacks Contacts.Read.Shared) or 404: not listed.
      if (!gone(err)) throw err;
    }
  }
  return listed;
}
