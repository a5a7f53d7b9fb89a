import { encodeCursor, json } from "../shared/http.js";
import type { Route } from "../shared/router.js";
import { carriedToken, type DeltaToken, deltaPageSize } from "./delta-tokens.js";
import { type GraphCaller, type GraphCtx, graphBase, mailAccess, preferences } from "./graph-caller.js";
import { folderOf } from "./graph-mail.js";
import type { GraphMailbox, GraphMessage } from "./mailbox.js";
import { applySelect, messageJson, parseSelect } from "./message-json.js";

/**
 * Message delta per folder (§1.5–1.6 applied to mail). A round starts with the initial URL and
 * follows `@odata.nextLink` pages until one carries `@odata.deltaLink`. The tokens encode the
 * folder, `$select`, id type and the mailbox generation; a token from an older generation (the
 * cursor-invalidation knob) answers 410 Gone. Links are absolute, on the request's own host, and
 * rewrite the path to `mailfolders('<id>')` (quirk 4): clients must follow them verbatim.
 */
type Token = DeltaToken & { sel: string[] | null; imm: boolean };

function link(ctx: GraphCtx, folderId: string, kind: "$skiptoken" | "$deltatoken", token: Token | null) {
  return `${graphBase(ctx.url)}/me/mailfolders('${folderId}')/messages/delta?${kind}=${token ? encodeCursor(token) : ""}`;
}

type Item = { seq: number; message: GraphMessage | null; removedId: string | null };

function initialItems(box: GraphMailbox, token: Token): Item[] {
  return [...box.messages.values()]
    .filter((m) => m.folderId === token.f && m.enteredSeq <= token.to && m.enteredSeq > token.after)
    .sort((a, b) => a.enteredSeq - b.enteredSeq)
    .map((m) => ({ seq: m.enteredSeq, message: m, removedId: null }));
}

/** Changes of the round, one per message (its latest), in change order. */
function changedItems(box: GraphMailbox, token: Token): Item[] {
  const latest = new Map<string, Item>();
  for (const entry of box.log) {
    if (entry.seq <= token.from || entry.seq > token.to || entry.folderId !== token.f) continue;
    const current = box.messages.get(entry.immutableId);
    const stillHere = entry.kind === "upsert" && current?.folderId === token.f;
    latest.delete(entry.immutableId);
    latest.set(entry.immutableId, {
      seq: entry.seq,
      message: stillHere ? current! : null,
      removedId: stillHere ? null : token.imm ? entry.immutableId : entry.restId,
    });
  }
  return [...latest.values()].filter((i) => i.seq > token.after);
}

function delta(ctx: GraphCtx): Response {
  const box = ctx.account!.mailbox;
  const q = ctx.url.searchParams;
  const folder = folderOf(ctx);
  if (folder instanceof Response) return folder;
  const carried = carriedToken<Token>(q, box, folder.id, () => link(ctx, folder.id, "$deltatoken", null));
  if (carried instanceof Response) return carried;
  let token: Token;
  if (carried) token = carried;
  else {
    const select = parseSelect(q.get("$select"));
    if (select instanceof Response) return select;
    const imm = preferences(ctx.request).get("idtype")?.toLowerCase() === "immutableid";
    token = {
      f: folder.id,
      g: box.generation,
      sel: select,
      imm,
      from: 0,
      to: box.seq,
      after: 0,
      initial: true,
    };
    if (box.quirks.emptyFirstDeltaPage) return page(ctx, folder.id, token, [], true);
  }
  const { size } = deltaPageSize(ctx.request);
  // Replays (the same item again in a round) are allowed; pages of one item could not advance.
  const replay = box.quirks.replayDeltaItems && token.after > 0 && size > 1;
  const from = replay ? { ...token, after: token.after - 1 } : token;
  const items = token.initial ? initialItems(box, from) : changedItems(box, from);
  const slice = items.slice(0, size);
  const more = items.length > size;
  const next = more ? { ...token, after: slice[slice.length - 1].seq } : token;
  const text = preferences(ctx.request).get("outlook.body-content-type") === "text";
  const value = slice.map((item) =>
    item.message
      ? {
          "@odata.type": "#microsoft.graph.message",
          ...applySelect(messageJson(box, item.message, token.imm, text), token.sel),
        }
      : { "@odata.type": "#microsoft.graph.message", id: item.removedId, "@removed": { reason: "deleted" } },
  );
  return page(ctx, folder.id, next, value, more);
}

function page(ctx: GraphCtx, folderId: string, token: Token, value: unknown[], more: boolean): Response {
  const { applied } = deltaPageSize(ctx.request);
  const body: Record<string, unknown> = {
    "@odata.context": `${graphBase(ctx.url)}/$metadata#Collection(message)`,
  };
  if (more) body["@odata.nextLink"] = link(ctx, folderId, "$skiptoken", token);
  else {
    const box = ctx.account!.mailbox;
    body["@odata.deltaLink"] = link(ctx, folderId, "$deltatoken", { ...token, n: ++box.deltaLinksIssued });
  }
  body.value = value;
  const headers: Record<string, string> = {};
  if (applied) headers["preference-applied"] = applied;
  return json(body, 200, headers);
}

export function graphDeltaRoutes(): Route<GraphCaller>[] {
  return [
    {
      method: "GET",
      path: /^\/v1\.0\/me\/mailfolders(?:\/([^/()]+)|\('([^']+)'\))\/messages\/delta$/i,
      endpoint: "graph.messages.delta",
      auth: true,
      handle: (ctx) => mailAccess(ctx) ?? delta(ctx),
    },
  ];
}
