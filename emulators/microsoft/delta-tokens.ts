import { decodeCursor } from "../shared/http.js";
import { graphError } from "./errors.js";
import { preferences } from "./graph-caller.js";

/**
 * What Graph's delta rounds share, for messages and contacts (§1.5–1.6): page sizes, the tokens links
 * carry (folder, store generation, the round's window and keyset position) and their refusal.
 */
export type DeltaToken = {
  f: string;
  g: number;
  /** Changes after `from` up to `to` belong to this round; `after` is the keyset position. */
  from: number;
  to: number;
  after: number;
  initial: boolean;
  /** Which deltaLink this is, for the size-bounded token cache (`quirks.deltaTokenCache`). */
  n?: number;
};

/** A store whose changes delta rounds read: a mailbox or an address book. */
export interface DeltaStore {
  seq: number;
  generation: number;
  deltaLinksIssued: number;
  quirks: { cursorRejection?: string; deltaTokenCache?: number };
}

const DEFAULT_PAGE = 10;
const MAX_PAGE = 999;

/** `Prefer: odata.maxpagesize`, capped, and the `Preference-Applied` that says so. */
export function deltaPageSize(request: Request): { size: number; applied: string | null } {
  const asked = Number(preferences(request).get("odata.maxpagesize"));
  if (!Number.isFinite(asked) || asked <= 0) return { size: DEFAULT_PAGE, applied: null };
  const size = Math.min(Math.floor(asked), MAX_PAGE);
  return { size, applied: `odata.maxpagesize=${size}` };
}

/** 410 for a token the store no longer knows; `location` starts a fresh round. */
export function deltaGone(store: DeltaStore, location: string): Response {
  const code = store.quirks.cursorRejection ?? "SyncStateNotFound";
  const message =
    code === "resyncRequired"
      ? "Resync required. Replace any local cached copies with the ones returned by a fresh delta query."
      : `The sync state generation is not found; generation=${store.generation};`;
  return graphError(410, code, message, { location });
}

/**
 * The token a request carries for `folderId`: a `$skiptoken` as it is (the round's next page), a
 * `$deltatoken` as the next round's first page; null when it carries none; else the error answer.
 */
export function carriedToken<T extends DeltaToken>(
  q: URLSearchParams,
  store: DeltaStore,
  folderId: string,
  restart: () => string,
): T | Response | null {
  const skip = q.get("$skiptoken");
  const deltaToken = q.get("$deltatoken");
  const carried = skip ?? deltaToken;
  if (!carried) return null;
  const decoded = decodeCursor<T>(carried);
  if (!decoded || decoded.f !== folderId) return graphError(400, "BadRequest", "Invalid delta token.");
  if (decoded.g !== store.generation) return deltaGone(store, restart());
  const cache = store.quirks.deltaTokenCache;
  if (deltaToken && cache !== undefined && (decoded.n ?? 0) <= store.deltaLinksIssued - cache)
    return deltaGone(store, restart());
  return skip ? decoded : { ...decoded, from: decoded.to, to: store.seq, after: 0, initial: false };
}
