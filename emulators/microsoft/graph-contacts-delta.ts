import { encodeCursor, json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import { contactFolderJson, contactJson, parseContactSelect } from "./contact-json.js";
import type { ContactRecord, GraphContactStore } from "./contact-store.js";
import { carriedToken, type DeltaToken, deltaPageSize } from "./delta-tokens.js";
import { type GraphCaller, type GraphCtx, graphBase } from "./graph-caller.js";
import type { ContactStoreOf } from "./graph-contacts.js";
import { contactsAccess, ownFolder } from "./graph-contacts-access.js";

/**
 * Contact delta per folder and folder delta (§2.3, with the model of §1.5–1.6): a round follows
 * `@odata.nextLink` pages until one carries `@odata.deltaLink`; tokens carry the folder, `$select`
 * and the store's generation, so an invalidated or evicted token answers 410 `SyncStateNotFound`
 * with a `Location` that starts over. Links are absolute, on the request's host, and rewrite the
 * path to `contactfolders('<id>')` (quirk 4). Deletions and moves out come as `@removed`. Delta
 * returns whole contacts but never expands extended properties [UNV]: a client reads those per item.
 */
type Token = DeltaToken & { sel: string[] | null };

const contactsLink = (ctx: GraphCtx, folderId: string, kind: string, token: Token | null) =>
  `${graphBase(ctx.url)}/me/contactfolders('${folderId}')/contacts/delta?${kind}=${token ? encodeCursor(token) : ""}`;
const foldersLink = (ctx: GraphCtx, kind: string, token: Token | null) =>
  `${graphBase(ctx.url)}/me/contactfolders/delta?${kind}=${token ? encodeCursor(token) : ""}`;

/** The token a request carries, a fresh one, or the error answer. */
function tokenOf(
  ctx: GraphCtx,
  store: GraphContactStore,
  folderId: string,
  restart: string,
): Token | Response {
  const q = ctx.url.searchParams;
  const carried = carriedToken<Token>(q, store, folderId, () => restart);
  if (carried) return carried;
  const select = parseContactSelect(q.get("$select"));
  if (select instanceof Response) return select;
  return { f: folderId, g: store.generation, sel: select, from: 0, to: store.seq, after: 0, initial: true };
}

type Item = { seq: number; contact: ContactRecord | null; id: string };

function contactItems(store: GraphContactStore, token: Token): Item[] {
  if (token.initial)
    return [...store.contacts.values()]
      .filter((c) => c.folderId === token.f && c.enteredSeq <= token.to && c.enteredSeq > token.after)
      .sort((a, b) => a.enteredSeq - b.enteredSeq)
      .map((c) => ({ seq: c.enteredSeq, contact: c, id: c.id }));
  const latest = new Map<string, Item>();
  for (const e of store.log) {
    if (e.seq <= token.from || e.seq > token.to || e.folderId !== token.f) continue;
    const current = store.contacts.get(e.id);
    const here = e.kind === "upsert" && current?.folderId === token.f;
    latest.delete(e.id);
    latest.set(e.id, { seq: e.seq, contact: here ? current! : null, id: e.id });
  }
  return [...latest.values()].filter((i) => i.seq > token.after);
}

function page(
  ctx: GraphCtx,
  store: GraphContactStore,
  items: Item[],
  token: Token,
  render: (i: Item) => Record<string, unknown>,
  link: (kind: string, t: Token) => string,
  context: string,
): Response {
  const { size, applied } = deltaPageSize(ctx.request);
  const slice = items.slice(0, size);
  const more = items.length > size;
  const body: Record<string, unknown> = { "@odata.context": `${graphBase(ctx.url)}/$metadata#${context}` };
  if (more) body["@odata.nextLink"] = link("$skiptoken", { ...token, after: slice[slice.length - 1].seq });
  else body["@odata.deltaLink"] = link("$deltatoken", { ...token, n: ++store.deltaLinksIssued });
  body.value = slice.map(render);
  return json(body, 200, applied ? { "preference-applied": applied } : {});
}

function contactDelta(ctx: GraphCtx, store: GraphContactStore): Response {
  const folder = ownFolder(store, ctx.params[0] ?? ctx.params[1]);
  if (folder instanceof Response) return folder;
  const token = tokenOf(ctx, store, folder.id, contactsLink(ctx, folder.id, "$deltatoken", null));
  if (token instanceof Response) return token;
  const q = ctx.url.searchParams;
  if (store.quirks.emptyFirstDeltaPage && !q.has("$skiptoken") && !q.has("$deltatoken")) {
    // Observed (quirk 5): a first page with nothing but a nextLink.
    return json({
      "@odata.context": `${graphBase(ctx.url)}/$metadata#Collection(contact)`,
      "@odata.nextLink": contactsLink(ctx, folder.id, "$skiptoken", token),
      value: [],
    });
  }
  const type = { "@odata.type": "#microsoft.graph.contact" };
  return page(
    ctx,
    store,
    contactItems(store, token),
    token,
    (i) =>
      i.contact
        ? { ...type, ...contactJson(i.contact, { select: token.sel }) }
        : { ...type, id: i.id, "@removed": { reason: "deleted" } },
    (kind, t) => contactsLink(ctx, folder.id, kind, t),
    "Collection(contact)",
  );
}

function folderDelta(ctx: GraphCtx, store: GraphContactStore): Response {
  const token = tokenOf(ctx, store, "*", foldersLink(ctx, "$deltatoken", null));
  if (token instanceof Response) return token;
  const latest = new Map<string, Item>();
  for (const e of store.folderLog) {
    if (e.seq <= token.from || e.seq > token.to) continue;
    latest.delete(e.id);
    latest.set(e.id, { seq: e.seq, contact: null, id: e.id });
  }
  const items = [...latest.values()].filter((i) => i.seq > token.after);
  return page(
    ctx,
    store,
    items,
    token,
    (i) => {
      const folder = store.folders.get(i.id);
      return folder
        ? {
            "@odata.type": "#microsoft.graph.contactFolder",
            ...contactFolderJson(folder, store.childFolders(folder.id).length),
          }
        : { "@odata.type": "#microsoft.graph.contactFolder", id: i.id, "@removed": { reason: "deleted" } };
    },
    (kind, t) => foldersLink(ctx, kind, t),
    "Collection(contactFolder)",
  );
}

export function graphContactDeltaRoutes(storeOf: ContactStoreOf): Route<GraphCaller>[] {
  const route = (
    path: RegExp,
    endpoint: string,
    handle: (ctx: GraphCtx, s: GraphContactStore) => Response,
  ) => ({
    method: "GET",
    path,
    endpoint,
    auth: true,
    handle: (ctx: GraphCtx) => contactsAccess(ctx, false) ?? handle(ctx, storeOf(ctx.account!.email)),
  });
  return [
    route(/^\/v1\.0\/me\/contactfolders\/delta$/i, "graph.contactFolders.delta", folderDelta),
    route(
      /^\/v1\.0\/me(?:\/contactfolders(?:\/([^/()]+)|\('([^']+)'\)))?\/contacts\/delta$/i,
      "graph.contacts.delta",
      contactDelta,
    ),
  ];
}
