import { decodeCursor, encodeCursor, json } from "../shared/http.js";
import { htmlEscape, snippetOf } from "../shared/mail.js";
import { findPart, type MimePart, mimeTree } from "../shared/mime-tree.js";
import type { Route, RouteContext } from "../shared/router.js";
import { googleError, googleNotFound } from "./errors.js";
import { accessLevel, type GmailCaller } from "./gmail-account.js";
import type { GmailMessage } from "./gmail-mailbox.js";
import { gmailQuery } from "./gmail-query.js";

/** users.getProfile, users.labels.list, users.messages.list and users.messages.get (§4.1–4.3). */
type Ctx = RouteContext<GmailCaller | null>;

export const USER = "/gmail/v1/users/([^/]+)";

/** `userId` must be `me` or the caller's own address. */
export function wrongUser(ctx: Ctx): Response | null {
  const userId = ctx.params[0];
  if (userId === "me" || userId.toLowerCase() === ctx.account!.email) return null;
  return googleError(403, "forbidden", `Delegation denied for ${ctx.account!.email}`);
}

function insufficient(): Response {
  return googleError(403, "insufficientPermissions", "Request had insufficient authentication scopes.");
}

function profile(ctx: Ctx): Response {
  const box = ctx.account!.mailbox;
  const threads = new Set([...box.messages.values()].map((m) => m.threadId));
  return json({
    emailAddress: box.email,
    messagesTotal: box.messages.size,
    threadsTotal: threads.size,
    historyId: String(box.historyId),
  });
}

function labels(ctx: Ctx): Response {
  const box = ctx.account!.mailbox;
  const system = ["INBOX", "SENT", "DRAFT", "SPAM", "TRASH", "UNREAD", "STARRED", "IMPORTANT", "CHAT"].map(
    (id) => ({
      id,
      name: id,
      ...(id === "INBOX" || id === "SENT"
        ? { messageListVisibility: "hide", labelListVisibility: "labelShow" }
        : {}),
      type: "system",
    }),
  );
  const user = box.userLabels.map((l) => ({
    id: l.id,
    name: l.name,
    messageListVisibility: "show",
    labelListVisibility: "labelShow",
    type: "user",
  }));
  return json({ labels: [...system, ...user] });
}

function list(ctx: Ctx, now: number): Response {
  const q = ctx.url.searchParams;
  const box = ctx.account!.mailbox;
  const query = q.get("q");
  if (query && accessLevel(ctx.account!) !== "full") {
    return googleError(403, "forbidden", "Metadata scope does not support 'q' parameter");
  }
  const maxResults = Math.min(Math.max(Number(q.get("maxResults") ?? 100) || 100, 1), 500);
  const labelIds = q.getAll("labelIds");
  const matcher = gmailQuery(query ?? "", now);
  const includeSpamTrash = q.get("includeSpamTrash") === "true" || matcher.anywhere;
  const all = [...box.messages.values()]
    .filter((m) => includeSpamTrash || !(m.labelIds.has("SPAM") || m.labelIds.has("TRASH")))
    .filter((m) => labelIds.every((l) => m.labelIds.has(l)))
    .filter((m) => matcher.test(m))
    .sort((a, b) => b.internalDate - a.internalDate || (a.id < b.id ? 1 : -1));
  const token = q.get("pageToken");
  const offset = token ? (decodeCursor<{ o: number }>(token)?.o ?? -1) : 0;
  if (offset < 0) return googleError(400, "invalidArgument", "Invalid pageToken");
  const page = all.slice(offset, offset + maxResults);
  const body: Record<string, unknown> = {};
  // An empty result has no `messages` key at all.
  if (page.length) body.messages = page.map((m) => ({ id: m.id, threadId: m.threadId }));
  if (offset + maxResults < all.length) body.nextPageToken = encodeCursor({ o: offset + maxResults });
  body.resultSizeEstimate = all.length;
  return json(body);
}

function minimal(m: GmailMessage) {
  return {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: htmlEscape(snippetOf(m.facts.text)),
    sizeEstimate: m.raw.length,
    historyId: String(m.historyId),
    internalDate: String(m.internalDate),
  };
}

function get(ctx: Ctx): Response {
  const message = ctx.account!.mailbox.messages.get(ctx.params[1]);
  if (!message) return googleNotFound();
  const format = ctx.url.searchParams.get("format") ?? "full";
  if (!["full", "raw", "metadata", "minimal"].includes(format)) {
    return googleError(400, "invalidArgument", `Invalid value at 'format' (${format})`);
  }
  if ((format === "raw" || format === "full") && accessLevel(ctx.account!) !== "full") {
    return googleError(403, "forbidden", `Metadata scope doesn't allow format ${format.toUpperCase()}`);
  }
  const base = minimal(message);
  if (format === "minimal") return json(base);
  // base64url with `=` padding, as observed (quirk 30).
  if (format === "raw") {
    const raw = message.raw.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");
    return json({ ...base, raw });
  }
  if (format === "full") {
    const mint = ctx.account!.mailbox.mintAttachmentIds(message.id);
    return json({ ...base, payload: fullPayload(treeOf(message), mint) });
  }
  const wanted = ctx.url.searchParams.getAll("metadataHeaders").map((h) => h.toLowerCase());
  const tree = treeOf(message);
  const payload = {
    partId: "",
    mimeType: tree.mimeType,
    filename: "",
    headers: wanted.length ? tree.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : tree.headers,
    body: { size: 0 },
  };
  return json({ ...base, payload });
}

const trees = new WeakMap<GmailMessage, MimePart>();

function treeOf(message: GmailMessage): MimePart {
  let tree = trees.get(message);
  if (!tree) {
    tree = mimeTree(message.raw);
    trees.set(message, tree);
  }
  return tree;
}

const base64url = (bytes: Buffer) => bytes.toString("base64").replace(/\+/g, "-").replace(/\//g, "_");

/** The parsed MIME tree of `format=full`: inline data for text parts, an attachmentId for files. */
function fullPayload(part: MimePart, mint: (partId: string) => string): Record<string, unknown> {
  const attachment = part.parts.length === 0 && (part.filename !== "" || part.disposition === "attachment");
  const body = part.parts.length
    ? { size: 0 }
    : attachment
      ? { attachmentId: mint(part.partId), size: part.body.length }
      : { size: part.body.length, data: base64url(part.body) };
  const out: Record<string, unknown> = {
    partId: part.partId,
    mimeType: part.mimeType,
    filename: part.filename,
    headers: part.headers,
    body,
  };
  if (part.parts.length) out.parts = part.parts.map((p) => fullPayload(p, mint));
  return out;
}

function attachment(ctx: Ctx): Response {
  const box = ctx.account!.mailbox;
  const message = box.messages.get(ctx.params[1]);
  const ref = box.attachment(ctx.params[2]);
  if (!message || !ref || ref.messageId !== message.id) {
    return googleError(400, "invalidArgument", "Invalid attachment token");
  }
  const part = findPart(treeOf(message), ref.partId)!;
  return json({ size: part.body.length, data: base64url(part.body) });
}

function guarded(handle: (ctx: Ctx) => Response) {
  return (ctx: Ctx) =>
    wrongUser(ctx) ?? (accessLevel(ctx.account!) === "none" ? insufficient() : handle(ctx));
}

export function gmailMessageRoutes(now: () => number): Route<GmailCaller>[] {
  const route = (method: string, path: string, endpoint: string, handle: (ctx: Ctx) => Response) => ({
    method,
    path: new RegExp(`^${USER}${path}$`),
    endpoint,
    auth: true,
    handle: guarded(handle),
  });
  return [
    route("GET", "/profile", "gmail.users.getProfile", profile),
    route("GET", "/labels", "gmail.users.labels.list", labels),
    route("GET", "/messages", "gmail.users.messages.list", (ctx) => list(ctx, now())),
    route("GET", "/messages/([^/]+)", "gmail.users.messages.get", get),
    route("GET", "/messages/([^/]+)/attachments/([^/]+)", "gmail.users.messages.attachments.get", attachment),
  ];
}
