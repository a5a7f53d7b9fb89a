import { json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import { graphError, graphItemNotFound } from "./errors.js";
import {
  type GraphCaller,
  type GraphCtx,
  graphBase,
  immutableIds,
  mailAccess,
  preferences,
} from "./graph-caller.js";
import type { GraphFolder } from "./mailbox.js";
import { applySelect, messageJson, parseSelect } from "./message-json.js";

/** /me, mail folders, messages (get, list, update, move, delete) and `$value` (§1.14). */
const FOLDER = "/v1\\.0/me/mailfolders(?:/([^/()]+)|\\('([^']+)'\\))";
const MESSAGE = "/v1\\.0/me/(?:mailfolders/[^/]+/)?messages/([^/]+)";

function folderJson(ctx: GraphCtx, f: GraphFolder) {
  const box = ctx.account!.mailbox;
  const inside = [...box.messages.values()].filter((m) => m.folderId === f.id);
  return {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: "AAMkAGVmMDEzRoot",
    childFolderCount: 0,
    unreadItemCount: inside.filter((m) => !m.isRead).length,
    totalItemCount: inside.length,
    isHidden: false,
  };
}

function me(ctx: GraphCtx): Response {
  const box = ctx.account!.mailbox;
  const [givenName, ...rest] = box.displayName.split(" ");
  return json({
    "@odata.context": `${graphBase(ctx.url)}/$metadata#users/$entity`,
    businessPhones: [],
    displayName: box.displayName,
    givenName,
    jobTitle: null,
    mail: box.email,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: "en-US",
    surname: rest.join(" ") || null,
    userPrincipalName: box.email,
    id: box.userId,
  });
}

export function folderOf(ctx: GraphCtx): GraphFolder | Response {
  const id = ctx.params[0] ?? ctx.params[1];
  return ctx.account!.mailbox.folder(id) ?? graphError(404, "ErrorInvalidIdMalformed", "Id is malformed.");
}

function listMessages(ctx: GraphCtx): Response {
  const folder = folderOf(ctx);
  if (folder instanceof Response) return folder;
  const q = ctx.url.searchParams;
  const select = parseSelect(q.get("$select"));
  if (select instanceof Response) return select;
  const top = Math.min(Number(q.get("$top") ?? 10) || 10, 1000);
  const skip = Number(q.get("$skip") ?? 0) || 0;
  const box = ctx.account!.mailbox;
  const all = [...box.messages.values()]
    .filter((m) => m.folderId === folder.id)
    .sort((a, b) => b.received - a.received);
  const imm = immutableIds(ctx.request);
  const text = preferences(ctx.request).get("outlook.body-content-type") === "text";
  const value = all.slice(skip, skip + top).map((m) => applySelect(messageJson(box, m, imm, text), select));
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${box.userId}')/mailFolders('${folder.id}')/messages`,
    value,
  };
  if (skip + top < all.length) {
    const next = new URL(ctx.url);
    next.searchParams.set("$skip", String(skip + top));
    body["@odata.nextLink"] = next.toString();
  }
  return json(body);
}

function getMessage(ctx: GraphCtx): Response {
  const box = ctx.account!.mailbox;
  const message = box.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  const select = parseSelect(ctx.url.searchParams.get("$select"));
  if (select instanceof Response) return select;
  const text = preferences(ctx.request).get("outlook.body-content-type") === "text";
  return json({
    "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${box.userId}')/messages/$entity`,
    ...applySelect(messageJson(box, message, immutableIds(ctx.request), text), select),
  });
}

/** Raw MIME, documented with `Content-Type: text/plain` (quirk 15). */
function mimeValue(ctx: GraphCtx): Response {
  const message = ctx.account!.mailbox.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  return new Response(new Uint8Array(message.raw), {
    status: 200,
    headers: { "content-type": "text/plain" },
  });
}

async function patchMessage(ctx: GraphCtx): Promise<Response> {
  const box = ctx.account!.mailbox;
  const message = box.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  const ifMatch = ctx.request.headers.get("if-match");
  if (ifMatch && ifMatch !== `W/"${message.changeKey}"`) {
    return graphError(
      412,
      "ErrorIrresolvableConflict",
      "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.",
    );
  }
  const body = (await ctx.request.json().catch(() => null)) as {
    isRead?: unknown;
    categories?: unknown;
  } | null;
  if (!body || typeof body !== "object")
    return graphError(400, "BadRequest", "Empty Payload. JSON content expected.");
  const change: { isRead?: boolean; categories?: string[] } = {};
  if (typeof body.isRead === "boolean") change.isRead = body.isRead;
  if (Array.isArray(body.categories)) change.categories = body.categories.map(String);
  const updated = box.update(message.immutableId, change);
  return json(messageJson(box, updated, immutableIds(ctx.request), false));
}

async function moveMessage(ctx: GraphCtx): Promise<Response> {
  const box = ctx.account!.mailbox;
  const message = box.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  const body = (await ctx.request.json().catch(() => null)) as { destinationId?: string } | null;
  const target = body?.destinationId ? box.folder(body.destinationId) : undefined;
  if (!target) return graphError(400, "ErrorInvalidIdMalformed", "Id is malformed.");
  const moved = box.move(message.immutableId, target.id);
  return json(messageJson(box, moved, immutableIds(ctx.request), false), 201);
}

/** DELETE moves to Deleted Items (new id); deleting from Deleted Items removes it. */
function deleteMessage(ctx: GraphCtx): Response {
  const box = ctx.account!.mailbox;
  const message = box.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  const trash = box.folder("deleteditems")!;
  if (message.folderId === trash.id) box.purge(message.immutableId);
  else box.move(message.immutableId, trash.id);
  return new Response(null, { status: 204 });
}

function guarded(handle: (ctx: GraphCtx) => Response | Promise<Response>) {
  return (ctx: GraphCtx) => mailAccess(ctx) ?? handle(ctx);
}

export function graphMailRoutes(): Route<GraphCaller>[] {
  const route = (
    method: string,
    path: string,
    endpoint: string,
    handle: (ctx: GraphCtx) => Response | Promise<Response>,
  ) => ({
    method,
    path: new RegExp(`^${path}$`, "i"),
    endpoint,
    auth: true,
    handle,
  });
  return [
    route("GET", "/v1\\.0/me", "graph.me", me),
    route(
      "GET",
      "/v1\\.0/me/mailfolders",
      "graph.mailFolders.list",
      guarded((ctx) =>
        json({
          "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${ctx.account!.mailbox.userId}')/mailFolders`,
          value: [...ctx.account!.mailbox.folders.values()].map((f) => folderJson(ctx, f)),
        }),
      ),
    ),
    route(
      "GET",
      FOLDER,
      "graph.mailFolders.get",
      guarded((ctx) => {
        const folder = folderOf(ctx);
        return folder instanceof Response ? folder : json(folderJson(ctx, folder));
      }),
    ),
    route("GET", `${FOLDER}/messages`, "graph.messages.list", guarded(listMessages)),
    route("GET", `${MESSAGE}/\\$value`, "graph.messages.value", guarded(mimeValue)),
    route("POST", `${MESSAGE}/move`, "graph.messages.move", guarded(moveMessage)),
    route("GET", MESSAGE, "graph.messages.get", guarded(getMessage)),
    route("PATCH", MESSAGE, "graph.messages.update", guarded(patchMessage)),
    route("DELETE", MESSAGE, "graph.messages.delete", guarded(deleteMessage)),
  ];
}
