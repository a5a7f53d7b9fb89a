import { json } from "../shared/http.js";
import { attachmentsOf, type MimePart, mimeTree } from "../shared/mime-tree.js";
import type { Route } from "../shared/router.js";
import { graphItemNotFound } from "./errors.js";
import { type GraphCaller, type GraphCtx, graphBase, mailAccess } from "./graph-caller.js";
import type { GraphMessage } from "./mailbox.js";
import { graphInstant } from "./message-json.js";

/**
 * Message attachments (§1.14): files come as `#microsoft.graph.fileAttachment` with base64
 * `contentBytes`; an attached message is an `itemAttachment`, which has no bytes (the caller must
 * expand `item` or read the parent's `$value`). Inline images are listed too, with `isInline`.
 */
const trees = new WeakMap<GraphMessage, MimePart>();

function parts(message: GraphMessage): MimePart[] {
  let tree = trees.get(message);
  if (!tree) {
    tree = mimeTree(message.raw);
    trees.set(message, tree);
  }
  return attachmentsOf(tree);
}

const attachmentId = (part: MimePart) =>
  `AAMkAGVmMDEzAAABEgAQ${Buffer.from(part.partId).toString("base64url")}`;

function attachmentJson(message: GraphMessage, part: MimePart) {
  const item = part.mimeType === "message/rfc822";
  return {
    "@odata.type": item ? "#microsoft.graph.itemAttachment" : "#microsoft.graph.fileAttachment",
    ...(item ? {} : { "@odata.mediaContentType": part.mimeType }),
    id: attachmentId(part),
    lastModifiedDateTime: graphInstant(message.modified),
    name: part.filename || "Untitled attachment",
    contentType: part.mimeType,
    size: part.body.length,
    isInline: part.disposition === "inline" || (part.disposition === null && part.contentId !== null),
    ...(item
      ? {}
      : {
          contentId: part.contentId?.replace(/^<|>$/g, "") ?? null,
          contentLocation: null,
          contentBytes: part.body.toString("base64"),
        }),
  };
}

function list(ctx: GraphCtx): Response {
  const message = ctx.account!.mailbox.find(ctx.params[0]);
  if (!message) return graphItemNotFound();
  return json({
    "@odata.context": `${graphBase(ctx.url)}/$metadata#users('${ctx.account!.mailbox.userId}')/messages('${ctx.params[0]}')/attachments`,
    value: parts(message).map((p) => attachmentJson(message, p)),
  });
}

function get(ctx: GraphCtx): Response {
  const message = ctx.account!.mailbox.find(ctx.params[0]);
  const part = message ? parts(message).find((p) => attachmentId(p) === ctx.params[1]) : undefined;
  if (!message || !part) return graphItemNotFound();
  return json(attachmentJson(message, part));
}

export function graphAttachmentRoutes(): Route<GraphCaller>[] {
  const base = "^/v1\\.0/me/(?:mailfolders/[^/]+/)?messages/([^/]+)/attachments";
  return [
    {
      method: "GET",
      path: new RegExp(`${base}$`, "i"),
      endpoint: "graph.messages.attachments.list",
      auth: true,
      handle: (ctx) => mailAccess(ctx) ?? list(ctx),
    },
    {
      method: "GET",
      path: new RegExp(`${base}/([^/]+)$`, "i"),
      endpoint: "graph.messages.attachments.get",
      auth: true,
      handle: (ctx) => mailAccess(ctx) ?? get(ctx),
    },
  ];
}
