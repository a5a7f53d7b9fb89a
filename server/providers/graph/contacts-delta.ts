// Contact changes of one private folder through delta (provider contracts §2.3): a round follows
// @odata.nextLink pages verbatim until one carries @odata.deltaLink, which becomes the cursor only then,
// so an interrupted round resumes from its nextLink. Delta gives whole contacts but not their extended
// properties, so the changed ones are read again with ours expanded, 20 per $batch; an item deleted in
// between is reported removed. Deletions only unlink (R-X-7): that is the driver's business.

import type { ContactChange, ContactPage } from "../../sync/contacts/port.js";
import { SyncError } from "../../sync/errors.js";
import { answerOf, httpError, isRetryable } from "../http.js";
import { GRAPH_BATCH } from "./client.js";
import { contactDeltaPage, graphContactShape } from "./contacts-answers.js";
import { contactsError, type GraphContactsClient } from "./contacts-client.js";
import { expandOurs } from "./contacts-extended.js";
import { CONTACT_SELECT, contactFromGraph, type GraphContactJson } from "./contacts-map.js";

export interface ContactCursor {
  deltaLink: string | null;
  nextLink?: string;
}

const GRAPH_PAGE = 999;

type Expanded = Map<string, GraphContactJson | "gone">;

/** Our extended properties of `ids`, by $batch; throttled items are asked again after the longest wait. */
async function readExtended(
  client: GraphContactsClient,
  ids: string[],
  extraFields: string[],
): Promise<Expanded> {
  const out: Expanded = new Map();
  const expand = encodeURIComponent(expandOurs(extraFields));
  for (let i = 0; i < ids.length; i += GRAPH_BATCH) {
    let pending = ids.slice(i, i + GRAPH_BATCH);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const answers = await client.batch(
        pending.map((id, n) => ({
          id: String(n),
          url: `/me/contacts/${encodeURIComponent(id)}?$select=${CONTACT_SELECT}&$expand=${expand}`,
        })),
      );
      const again: string[] = [];
      let wait = 0;
      for (const [n, id] of pending.entries()) {
        const answer = answers.get(String(n));
        if (answer?.status === 200)
          out.set(id, answerOf("Microsoft", "contact", graphContactShape, answer.body));
        else if (answer?.status === 404) out.set(id, "gone");
        else {
          const err = contactsError(
            answer
              ? httpError("Microsoft", answer.status, answer.headers ?? {}, JSON.stringify(answer.body ?? ""))
              : new SyncError("temporary", "The Microsoft batch answer left out a contact."),
          );
          if (!isRetryable(err)) throw err;
          again.push(id);
          wait = Math.max(wait, err.retryAfterMs ?? client.retry.backoffMs * 2 ** attempt);
        }
      }
      if (again.length && (attempt >= client.retry.maxRetries || wait > client.retry.maxWaitMs))
        throw new SyncError("throttled", "Microsoft asked to slow down.", wait);
      if (again.length) await client.retry.sleep(wait);
      pending = again;
    }
  }
  return out;
}

export async function listContactChanges(
  client: GraphContactsClient,
  folderId: string,
  cursor: unknown,
  pageSize: number,
  extraFields: string[],
): Promise<ContactPage> {
  const c = cursor as ContactCursor | null;
  const target =
    c?.nextLink ??
    c?.deltaLink ??
    `/me/contactFolders/${encodeURIComponent(folderId)}/contacts/delta?$select=${CONTACT_SELECT}`;
  const page = answerOf(
    "Microsoft",
    "contact delta page",
    contactDeltaPage,
    await client.get(target, {
      prefer: `odata.maxpagesize=${Math.max(1, Math.min(pageSize, GRAPH_PAGE))}`,
    }),
  );
  // A round may replay an item: its last appearance in the page wins.
  const latest = new Map<string, { id: string; "@removed"?: unknown }>();
  for (const item of page.value ?? []) {
    latest.delete(item.id);
    latest.set(item.id, item);
  }
  const changedIds = [...latest.values()].filter((i) => !i["@removed"]).map((i) => i.id);
  const expanded = await readExtended(client, changedIds, extraFields);
  const changes: ContactChange[] = [...latest.values()].map((item) => {
    const full = expanded.get(item.id);
    if (item["@removed"] || full === "gone") return { kind: "removed", id: item.id };
    // Read again in full above: a changed item is always there.
    return { kind: "changed", contact: contactFromGraph(full ?? (item as GraphContactJson), folderId) };
  });
  const next = page["@odata.nextLink"];
  if (next) return { changes, cursor: { deltaLink: c?.deltaLink ?? null, nextLink: next }, more: true };
  const deltaLink = page["@odata.deltaLink"];
  if (!deltaLink)
    throw new SyncError("unknown", "A Microsoft delta page carried neither a next nor a delta link.");
  return { changes, cursor: { deltaLink }, more: false };
}
