import { json } from "../shared/http.js";
import { guardedRoute, type Route } from "../shared/router.js";
import { checkExpand, contactFolderJson, contactJson, parseContactSelect } from "./contact-json.js";
import type { ContactFolderRecord, ContactRecord, GraphContactStore } from "./contact-store.js";
import { graphError, graphItemNotFound } from "./errors.js";
import { collection, type GraphCaller, type GraphCtx } from "./graph-caller.js";
import {
  type ContactOwnerOf,
  conflict,
  contactFilter,
  contactsAccess,
  ownFolder,
  sharedFolder,
  staleChangeKey,
} from "./graph-contacts-access.js";

/**
 * Graph contacts and contact folders (§2.1–2.4): `/me/contacts` (the default folder) and
 * `/me/contactFolders/{id}/contacts` — list (paged, `$select`, `$expand` of extended properties,
 * `$filter` on an extended property or an address), create, get, PATCH and DELETE with `If-Match`
 * (412 `ErrorIrresolvableConflict`); folders, child folders and folder creation; another user's
 * folder under `/users/{id}/contactFolders/{id}` readable when shared with the caller, never writable.
 */
export type ContactStoreOf = (email: string) => GraphContactStore;

const ME = "^/v1\\.0/me";
const FOLDER = "/contactfolders(?:/([^/()]+)|\\('([^']+)'\\))";
const IN_FOLDER = `(?:${FOLDER})?`;
const USER_FOLDER = "^/v1\\.0/users/([^/]+)/contactfolders(?:/([^/()]+)|\\('([^']+)'\\))";

export function graphContactRoutes(storeOf: ContactStoreOf, ownerOf: ContactOwnerOf): Route<GraphCaller>[] {
  const store = (ctx: GraphCtx) => storeOf(ctx.account!.email);
  const folderParam = (ctx: GraphCtx) => ctx.params[0] ?? ctx.params[1];
  const userId = (ctx: GraphCtx) => ctx.account!.mailbox.userId;
  const folderJson = (s: GraphContactStore, f: ContactFolderRecord) =>
    contactFolderJson(f, s.childFolders(f.id).length);

  function findContact(ctx: GraphCtx, s: GraphContactStore, id: string): ContactRecord | undefined {
    const contact = s.contacts.get(id);
    const inFolder = folderParam(ctx);
    if (contact && inFolder !== undefined && s.folder(inFolder)?.id !== contact.folderId) return undefined;
    return contact;
  }

  function one(ctx: GraphCtx, contact: ContactRecord, context: string, status = 200): Response {
    const select = parseContactSelect(ctx.url.searchParams.get("$select"));
    if (select instanceof Response) return select;
    return json(
      {
        "@odata.context": `${ctx.url.origin}/v1.0/$metadata#${context}/$entity`,
        ...contactJson(contact, { select, url: ctx.url }),
      },
      status,
    );
  }

  function list(ctx: GraphCtx, s: GraphContactStore, folder: ContactFolderRecord, context: string): Response {
    const select = parseContactSelect(ctx.url.searchParams.get("$select"));
    if (select instanceof Response) return select;
    const problem = checkExpand(ctx.url);
    if (problem) return problem;
    const filter = contactFilter(ctx.url);
    if (filter instanceof Response) return filter;
    const contacts = [...s.contacts.values()]
      .filter((c) => c.folderId === folder.id && (!filter || filter(c)))
      .sort((a, b) => a.created - b.created);
    return collection(
      ctx,
      context,
      contacts.map((c) => contactJson(c, { select, url: ctx.url })),
    );
  }

  async function readBody(ctx: GraphCtx): Promise<Record<string, unknown> | Response> {
    const body = await ctx.request.json().catch(() => null);
    if (!body || typeof body !== "object" || Array.isArray(body))
      return graphError(400, "BadRequest", "Empty Payload. JSON content expected.");
    return body as Record<string, unknown>;
  }

  async function create(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const folder = ownFolder(s, folderParam(ctx));
    if (folder instanceof Response) return folder;
    const body = await readBody(ctx);
    if (body instanceof Response) return body;
    const made = s.create(body, folder.id);
    if (!("id" in made)) return graphError(400, made.code, made.message);
    return one(ctx, made, `users('${userId(ctx)}')/contacts`, 201);
  }

  async function update(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const contact = findContact(ctx, s, ctx.params[2]);
    if (!contact) return graphItemNotFound();
    if (staleChangeKey(ctx, s, contact)) return conflict();
    const body = await readBody(ctx);
    if (body instanceof Response) return body;
    const updated = s.update(contact.id, body);
    if (!("id" in updated)) return graphError(400, updated.code, updated.message);
    return one(ctx, updated, `users('${userId(ctx)}')/contacts`);
  }

  function remove(ctx: GraphCtx): Response {
    const s = store(ctx);
    const contact = findContact(ctx, s, ctx.params[2]);
    if (!contact) return graphItemNotFound();
    if (staleChangeKey(ctx, s, contact)) return conflict();
    s.remove(contact.id);
    return new Response(null, { status: 204 });
  }

  async function createFolder(ctx: GraphCtx): Promise<Response> {
    const s = store(ctx);
    const parent = ownFolder(s, folderParam(ctx));
    if (parent instanceof Response) return parent;
    const body = await readBody(ctx);
    if (body instanceof Response) return body;
    const name = typeof body.displayName === "string" ? body.displayName.trim() : "";
    if (!name) return graphError(400, "ErrorInvalidRequest", "The folder needs a displayName.");
    const parentId = typeof body.parentFolderId === "string" ? body.parentFolderId : parent.id;
    if (!s.folder(parentId)) return graphItemNotFound();
    if (
      s.childFolders(s.folder(parentId)!.id).some((f) => f.displayName.toLowerCase() === name.toLowerCase())
    )
      return graphError(409, "ErrorFolderExists", "A folder with the specified name already exists.");
    return json(folderJson(s, s.addFolder(name, parentId)), 201);
  }

  const route = guardedRoute<GraphCaller>(
    (path) => new RegExp(`${path}$`, "i"),
    (ctx, write) => contactsAccess(ctx, write),
  );
  const shared = (
    method: string,
    path: string,
    endpoint: string,
    handle: (
      ctx: GraphCtx,
      owner: NonNullable<ReturnType<ContactOwnerOf>>,
      folder: ContactFolderRecord,
    ) => Response,
  ): Route<GraphCaller> => ({
    method,
    path: new RegExp(`${USER_FOLDER}${path}$`, "i"),
    endpoint,
    auth: true,
    handle: (ctx) => {
      const problem = contactsAccess(ctx, method !== "GET", true);
      if (problem) return problem;
      const found = sharedFolder(ctx, ownerOf, ctx.params[0], ctx.params[1] ?? ctx.params[2]);
      if (found instanceof Response) return found;
      return handle(ctx, found.owner, found.folder);
    },
  });
  const ITEM = "/contacts/([^/]+)";
  return [
    route("GET", `${ME}/contactfolders`, "graph.contactFolders.list", false, (ctx) => {
      const s = store(ctx);
      return collection(
        ctx,
        `users('${userId(ctx)}')/contactFolders`,
        s.childFolders(s.defaultFolder.id).map((f) => folderJson(s, f)),
      );
    }),
    route("POST", `${ME}/contactfolders`, "graph.contactFolders.create", true, createFolder),
    route("GET", `${ME}${FOLDER}/childfolders`, "graph.contactFolders.children", false, (ctx) => {
      const s = store(ctx);
      const folder = ownFolder(s, folderParam(ctx));
      if (folder instanceof Response) return folder;
      return collection(
        ctx,
        `users('${userId(ctx)}')/contactFolders('${folder.id}')/childFolders`,
        s.childFolders(folder.id).map((f) => folderJson(s, f)),
      );
    }),
    route("POST", `${ME}${FOLDER}/childfolders`, "graph.contactFolders.create", true, createFolder),
    route("GET", `${ME}${FOLDER}`, "graph.contactFolders.get", false, (ctx) => {
      const s = store(ctx);
      const folder = ownFolder(s, folderParam(ctx));
      return folder instanceof Response ? folder : json(folderJson(s, folder));
    }),
    route("GET", `${ME}${IN_FOLDER}/contacts`, "graph.contacts.list", false, (ctx) => {
      const s = store(ctx);
      const folder = ownFolder(s, folderParam(ctx));
      if (folder instanceof Response) return folder;
      return list(ctx, s, folder, `users('${userId(ctx)}')/contacts`);
    }),
    route("POST", `${ME}${IN_FOLDER}/contacts`, "graph.contacts.create", true, create),
    route("GET", `${ME}${IN_FOLDER}${ITEM}`, "graph.contacts.get", false, (ctx) => {
      const s = store(ctx);
      const problem = checkExpand(ctx.url);
      if (problem) return problem;
      const contact = findContact(ctx, s, ctx.params[2]);
      return contact ? one(ctx, contact, `users('${userId(ctx)}')/contacts`) : graphItemNotFound();
    }),
    route("PATCH", `${ME}${IN_FOLDER}${ITEM}`, "graph.contacts.update", true, update),
    route("DELETE", `${ME}${IN_FOLDER}${ITEM}`, "graph.contacts.delete", true, remove),
    shared("GET", "", "graph.sharedContactFolders.get", (_ctx, owner, folder) =>
      json(contactFolderJson(folder, owner.store.childFolders(folder.id).length)),
    ),
    shared("GET", "/contacts", "graph.sharedContacts.list", (ctx, owner, folder) =>
      list(ctx, owner.store, folder, `users('${owner.userId}')/contactFolders('${folder.id}')/contacts`),
    ),
    shared("GET", ITEM, "graph.sharedContacts.get", (ctx, owner, folder) => {
      const contact = owner.store.contacts.get(ctx.params[3]);
      if (!contact || contact.folderId !== folder.id) return graphItemNotFound();
      return one(ctx, contact, `users('${owner.userId}')/contacts`);
    }),
    // Shares are read-only (the emulator serves the user's own writes under /me only).
    ...["POST", "PATCH", "DELETE"].map((method) =>
      shared(method, "(?:/contacts(?:/[^/]+)?)?", "graph.sharedContacts.write", () =>
        graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."),
      ),
    ),
  ];
}
