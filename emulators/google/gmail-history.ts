import { decodeCursor, encodeCursor, json } from "../shared/http.js";
import type { Route, RouteContext } from "../shared/router.js";
import { googleError, googleNotFound } from "./errors.js";
import type { GmailCaller } from "./gmail-account.js";
import type { HistoryKind, HistoryRecord } from "./gmail-mailbox.js";
import { USER, wrongUser } from "./gmail-messages.js";

/**
 * users.history.list (§4.4): records after `startHistoryId`, filtered by `historyTypes` and
 * `labelId`, paged by `maxResults` (≤ 500). A start id older than the kept history is a 404.
 * With no change, the answer is `{historyId}` with no `history` key.
 */
type Ctx = RouteContext<GmailCaller | null>;

const TYPES: HistoryKind[] = ["messageAdded", "messageDeleted", "labelAdded", "labelRemoved"];

function present(r: HistoryRecord) {
  const message = { id: r.message.id, threadId: r.message.threadId, labelIds: r.labelsAfter };
  const entry: Record<string, unknown> = { id: String(r.id), messages: [r.message] };
  if (r.kind === "messageAdded") entry.messagesAdded = [{ message }];
  if (r.kind === "messageDeleted") entry.messagesDeleted = [{ message }];
  if (r.kind === "labelAdded") entry.labelsAdded = [{ message, labelIds: r.changed }];
  if (r.kind === "labelRemoved") entry.labelsRemoved = [{ message, labelIds: r.changed }];
  return entry;
}

function history(ctx: Ctx): Response {
  const q = ctx.url.searchParams;
  const box = ctx.account!.mailbox;
  const start = q.get("startHistoryId");
  if (!start) return googleError(400, "invalidArgument", "Missing required parameter: startHistoryId");
  if (!/^\d+$/.test(start)) return googleError(400, "invalidArgument", "Invalid startHistoryId");
  const types = q.getAll("historyTypes");
  if (types.some((t) => !TYPES.includes(t as HistoryKind))) {
    return googleError(400, "invalidArgument", `Invalid value at 'history_types'`);
  }
  const labelId = q.get("labelId");
  const maxResults = Math.min(Math.max(Number(q.get("maxResults") ?? 100) || 100, 1), 500);
  const token = q.get("pageToken");
  const after = token ? decodeCursor<{ a: number }>(token)?.a : Number(start);
  if (after === undefined) return googleError(400, "invalidArgument", "Invalid pageToken");
  // A page token is only as good as its start id: pruned history answers 404 here too.
  const records = box.historySince(Number(start));
  if (!records) return googleNotFound();
  const matching = records
    .filter((r) => r.id > after)
    .filter((r) => types.length === 0 || types.includes(r.kind))
    .filter((r) => !labelId || r.labelsAfter.includes(labelId) || r.changed.includes(labelId));
  const page = matching.slice(0, maxResults);
  const body: Record<string, unknown> = {};
  if (page.length) body.history = page.map(present);
  if (matching.length > maxResults) body.nextPageToken = encodeCursor({ a: page[page.length - 1].id });
  body.historyId = String(box.historyId);
  return json(body);
}

export function gmailHistoryRoutes(): Route<GmailCaller>[] {
  return [
    {
      method: "GET",
      path: new RegExp(`^${USER}/history$`),
      endpoint: "gmail.users.history.list",
      auth: true,
      handle: (ctx) => wrongUser(ctx) ?? history(ctx),
    },
  ];
}
