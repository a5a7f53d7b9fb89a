import { decodeCursor, encodeCursor, json } from "../shared/http.js";
import { htmlEscape, snippetOf } from "../shared/mail.js";
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

/** The header block of the raw message, unfolded, values as written. */
function headersOf(raw: Buffer): { name: string; value: string }[] {
  const text = raw.toString("utf8");
  const end = text.search(/\r?\n\r?\n/);
  const block = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  return block
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(":");
      return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
    })
    .filter((h) => h.name);
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
  const wanted = ctx.url.searchParams.getAll("metadataHeaders").map((h) => h.toLowerCase());
  const headers = headersOf(message.raw);
  const contentType = headers.find((h) => h.name.toLowerCase() === "content-type")?.value ?? "text/plain";
  const payload = {
    partId: "",
    mimeType: contentType.split(";")[0].trim().toLowerCase(),
    filename: "",
    headers:
      format === "metadata" && wanted.length
        ? headers.filter((h) => wanted.includes(h.name.toLowerCase()))
        : headers,
    body: { size: 0 },
  };
  return json({ ...base, payload });
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
  ];
}
