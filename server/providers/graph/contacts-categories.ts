// Outlook master categories (provider contracts §2.6, R-X-3, R-X-4). Graph cannot rename one (PATCH
// changes only the colour) and answers a duplicate name with an error (409 ErrorAlreadyExists in the
// emulator; the real code is undocumented), so "create" means "make sure it exists": a refused or
// repeated create returns the category already there under that name.
import type { MasterCategory } from "../../sync/contacts/port.js";
import { SyncError } from "../../sync/errors.js";
import { answerOf, HttpSyncError } from "../http.js";
import { categoriesPage } from "./contacts-answers.js";
import { ambiguous, type GraphContactsClient } from "./contacts-client.js";

const PATH = "/me/outlook/masterCategories";

export async function listCategories(client: GraphContactsClient): Promise<MasterCategory[]> {
  const page = answerOf("Microsoft", "category list", categoriesPage, await client.get(PATH));
  return page.value.map(({ id, displayName, color }) => ({ id, displayName, color }));
}

const named = (all: MasterCategory[], name: string) =>
  all.find((c) => c.displayName === name) ??
  all.find((c) => c.displayName.toLowerCase() === name.toLowerCase());

export async function createCategory(
  client: GraphContactsClient,
  displayName: string,
  color: string,
): Promise<MasterCategory> {
  try {
    const made = await client.write<MasterCategory>("POST", PATH, { displayName, color });
    return { id: made.id, displayName: made.displayName, color: made.color };
  } catch (err) {
    const refused = err instanceof HttpSyncError && err.status === 409;
    if (!refused && !ambiguous(err)) throw err;
    const existing = named(await listCategories(client), displayName);
    if (existing) return existing;
    if (!ambiguous(err)) throw err;
    return createCategory(client, displayName, color);
  }
}

export async function deleteCategory(client: GraphContactsClient, id: string): Promise<void> {
  try {
    await client.write("DELETE", `${PATH}/${encodeURIComponent(id)}`);
  } catch (err) {
    // Already gone (a repeat after a lost answer, or the user deleted it): done.
    if (err instanceof SyncError && err.kind === "not-found") return;
    throw err;
  }
}
