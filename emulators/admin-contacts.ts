import { HttpResponse, http, type RequestHandler } from "msw";
import { z } from "zod";
import { accountIn, accountRoutes, attempt, noContent } from "./admin-http.js";
import { contactJson } from "./microsoft/contact-json.js";
import type { GraphContactStore } from "./microsoft/contact-store.js";

/**
 * The contacts part of the Microsoft emulator's admin route (served runs, the dev playground):
 * seed folders (optionally shared with another user), contacts and master categories; act as the
 * user in Outlook between two syncs (edit a contact's fields or categories, delete it, rename a
 * master category keeping its id or replacing it, delete one); read the ground truth back.
 * Invalidating the delta tokens is the account action `invalidateCursors`.
 */
export type ContactsControllable = {
  accounts(): string[];
  contacts(email: string): GraphContactStore;
};

/** Every folder, contact (as Graph JSON with all its extended properties) and master category. */
export function contactSnapshot(store: GraphContactStore) {
  return {
    defaultFolderId: store.defaultFolder.id,
    folders: [...store.folders.values()].map((f) => ({
      id: f.id,
      displayName: f.displayName,
      parentFolderId: f.parentFolderId,
      sharedWith: [...f.sharedWith],
    })),
    contacts: [...store.contacts.values()].map((c) => ({
      ...contactJson(c),
      singleValueExtendedProperties: [...c.extended.values()],
    })),
    categories: store.categories.map((c) => ({ ...c })),
  };
}

const folderSchema = z.object({
  displayName: z.string().min(1),
  parentId: z.string().optional(),
  sharedWith: z.array(z.string()).optional(),
});
const contactSchema = z.object({
  contact: z.record(z.string(), z.unknown()),
  folderId: z.string().optional(),
});
const editSchema = z.object({ changes: z.record(z.string(), z.unknown()) });
const categorySchema = z.object({ displayName: z.string().min(1), color: z.string().optional() });
const renameSchema = z.object({
  displayName: z.string().min(1),
  mode: z.enum(["keep-id", "replace"]),
  relabelItems: z.boolean().optional(),
});

export function contactAdminHandlers(target: ContactsControllable): RequestHandler[] {
  const { plain, withBody } = accountRoutes((email) => {
    const key = accountIn(target.accounts(), email);
    return key ? target.contacts(key) : null;
  });
  const base = "/__emulator/accounts/:email";
  return [
    http.post(
      `${base}/contact-folders`,
      withBody(folderSchema, (store, body) =>
        attempt(() => {
          const folder = store.addFolder(body.displayName, body.parentId);
          for (const user of body.sharedWith ?? []) store.share(folder.id, user);
          return HttpResponse.json({ id: folder.id }, { status: 201 });
        }),
      ),
    ),
    http.post(
      `${base}/contacts`,
      withBody(contactSchema, (store, body) =>
        attempt(() => {
          const c = store.seed(body.contact, body.folderId);
          return HttpResponse.json({ id: c.id, changeKey: c.changeKey }, { status: 201 });
        }),
      ),
    ),
    http.get(
      `${base}/contacts`,
      plain((store) => HttpResponse.json(contactSnapshot(store))),
    ),
    http.patch(
      `${base}/contacts/:id`,
      withBody(editSchema, (store, body, { params }) =>
        attempt(() => {
          const c = store.userEdit(String(params.id), body.changes);
          return HttpResponse.json({ id: c.id, changeKey: c.changeKey });
        }),
      ),
    ),
    http.delete(
      `${base}/contacts/:id`,
      plain((store, { params }) =>
        attempt(() => {
          store.remove(String(params.id));
          return noContent();
        }),
      ),
    ),
    http.post(
      `${base}/categories`,
      withBody(categorySchema, (store, body) =>
        attempt(() => HttpResponse.json(store.addCategory(body.displayName, body.color), { status: 201 })),
      ),
    ),
    http.patch(
      `${base}/categories/:id`,
      withBody(renameSchema, (store, body, { params }) =>
        attempt(() =>
          HttpResponse.json(
            store.renameCategory(String(params.id), body.displayName, body.mode, body.relabelItems),
          ),
        ),
      ),
    ),
    http.delete(
      `${base}/categories/:id`,
      plain((store, { params }) =>
        attempt(() => {
          store.deleteCategory(String(params.id));
          return noContent();
        }),
      ),
    ),
  ];
}
