// Graph mail changes per folder (inbox, sentitems) through delta queries. A round follows
// @odata.nextLink pages verbatim until a page carries @odata.deltaLink; only then does the cursor's
// deltaLink change, so an interrupted round resumes from its nextLink and a rejected one restarts from
// the last complete round. 410 (or syncStateNotFound/resyncRequired) is cursor-rejected: the engine
// lists the folder again and the ingest de-duplicates by Message-ID (R-P-2, R-MAIL-4).
import { z } from "zod";
import { SyncError } from "../../sync/errors.js";
import { answerOf } from "../http.js";
import type { ChangedItem, ChangePage, SyncScope } from "../types.js";
import type { GraphClient } from "./client.js";

export type GraphFolder = "inbox" | "sentitems";

/** The last complete round's deltaLink, and the next page of a round under way. */
export interface GraphCursor {
  deltaLink: string | null;
  nextLink?: string;
}

/** Graph's largest delta page. */
export const GRAPH_PAGE = 999;

export const graphScopes = (): SyncScope[] =>
  (["inbox", "sentitems"] as const).map((folder) => ({
    key: `mail:${folder}`,
    kind: "mail",
    ref: { folder },
  }));

export const folderOf = (scope: SyncScope): GraphFolder => (scope.ref as { folder: GraphFolder }).folder;

const deltaPage = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1), "@removed": z.unknown().optional() })).optional(),
  "@odata.nextLink": z.string().min(1).optional(),
  "@odata.deltaLink": z.string().min(1).optional(),
});
type DeltaPage = z.infer<typeof deltaPage>;

/** The first round of a folder: ids only, mail received since `since` (the one filter delta allows). */
const initialUrl = (folder: GraphFolder, since?: Date) =>
  `/me/mailFolders/${folder}/messages/delta?$select=id${since ? `&$filter=${encodeURIComponent(`receivedDateTime ge ${since.toISOString()}`)}` : ""}`;

export async function graphListChanges(
  client: GraphClient,
  scope: SyncScope,
  cursor: unknown,
  limit: number,
  since?: Date,
): Promise<ChangePage> {
  const c = cursor as GraphCursor | null;
  const target = c?.nextLink ?? c?.deltaLink ?? initialUrl(folderOf(scope), since);
  let page: DeltaPage;
  try {
    page = answerOf(
      "Microsoft",
      "delta page",
      deltaPage,
      await client.call("GET", target, {
        // Immutable ids survive moves between folders, so a moved message keeps its key.
        headers: { prefer: `odata.maxpagesize=${Math.min(limit, GRAPH_PAGE)}, IdType="ImmutableId"` },
      }),
    );
  } catch (err) {
    if (err instanceof SyncError && err.kind === "cursor-rejected")
      throw new SyncError(
        "cursor-rejected",
        "Microsoft no longer accepts the sync position; the folder is read again.",
      );
    throw err;
  }
  const seen = new Set<string>();
  const items: ChangedItem[] = [];
  // Removals (deleted or moved out) are not unlogged; a round may replay an item.
  for (const m of page.value ?? [])
    if (!m["@removed"] && !seen.has(m.id)) {
      seen.add(m.id);
      items.push({ key: m.id, ref: { id: m.id } });
    }
  const next = page["@odata.nextLink"];
  if (next) return { items, cursor: { deltaLink: c?.deltaLink ?? null, nextLink: next }, more: true };
  const deltaLink = page["@odata.deltaLink"];
  if (!deltaLink)
    throw new SyncError("unknown", "A Microsoft delta page carried neither a next nor a delta link.");
  return { items, cursor: { deltaLink }, more: false };
}
