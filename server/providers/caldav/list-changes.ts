// The changes of one calendar after a cursor (R-P-2). With sync-collection (RFC 6578) the token is the
// cursor: an empty one lists every member, a later one only what changed or was removed; a truncated
// answer (507 on the collection itself) means more pages wait behind the new token. A token the server
// no longer accepts (precondition DAV:valid-sync-token; 403 usually, 409 or 400 on some servers) is a
// SyncError "cursor-rejected": the engine lists again from no cursor, and passing the ETags it already
// holds (`known`) keeps that full listing from re-downloading anything unchanged; in an incremental
// listing they drop the echo of Concilia's own writes. Servers without sync-collection are followed by
// their ctag, then a listing of hrefs and ETags compared with the last.
import { propfind, syncCollection } from "tsdav";
import { SyncError } from "../../sync/errors.js";
import type { CaldavCalendar } from "./calendars.js";
import type { CaldavClient } from "./client.js";
import type { CaldavCursor } from "./cursor.js";
import { DavHttpError, retryAfterMs } from "./errors.js";
import { normalizeHref } from "./href.js";

export interface CaldavChange {
  /** Absolute, normalised URL of the calendar object. */
  href: string;
  /** Null for a removal, or when the server listed no ETag. */
  etag: string | null;
  removed: boolean;
}

export interface CaldavChangesPage {
  changes: CaldavChange[];
  cursor: CaldavCursor;
  /** The server cut the answer short: ask again with the new cursor. */
  more: boolean;
}

export interface ListChangesOptions {
  /**
   * href → ETag of the items already synced (from `event_links`). Items listed with the same ETag are
   * left out (in an incremental listing: Concilia's own writes); in a full listing, known items not
   * listed any more are reported removed.
   */
  known?: ReadonlyMap<string, string>;
  /** At most this many changes per page (the engine's batch); the rest come from the cursor next. */
  limit?: number;
}

type Calendar = Pick<CaldavCalendar, "url" | "syncCollection">;

export async function listCalendarChanges(
  client: CaldavClient,
  calendar: Calendar,
  stored: CaldavCursor | null,
  opts: ListChangesOptions = {},
): Promise<CaldavChangesPage> {
  const cursor = stored && stored.calendarUrl === calendar.url ? stored : null;
  if (cursor?.pending?.changes.length) return fromPending(cursor, cursor.pending, opts.limit);
  const page = calendar.syncCollection
    ? await bySyncCollection(client, calendar.url, cursor, opts)
    : await byEtagListing(client, calendar.url, cursor, opts);
  if (!opts.limit || page.changes.length <= opts.limit)
    return { ...page, cursor: { ...page.cursor, pending: null } };
  return fromPending(page.cursor, { changes: page.changes, more: page.more }, opts.limit);
}

/**
 * A page of at most `limit` changes out of what the server listed (servers answer a whole listing at
 * once unless they truncate it themselves); the rest waits in the cursor, committed with this page.
 */
function fromPending(
  cursor: CaldavCursor,
  pending: NonNullable<CaldavCursor["pending"]>,
  limit: number | undefined,
): CaldavChangesPage {
  const n = limit ?? pending.changes.length;
  const rest = pending.changes.slice(n);
  return {
    changes: pending.changes.slice(0, n),
    cursor: { ...cursor, pending: rest.length ? { changes: rest, more: pending.more } : null },
    more: rest.length > 0 || pending.more,
  };
}

async function bySyncCollection(
  client: CaldavClient,
  url: string,
  cursor: CaldavCursor | null,
  opts: ListChangesOptions,
): Promise<CaldavChangesPage> {
  const token = cursor?.mode === "sync-collection" ? cursor.syncToken : null;
  // tsdav keeps no headers of a refused answer: Retry-After is noted on the way through.
  let retryAfter: number | undefined;
  const fetch: typeof client.fetch = async (input, init) => {
    const res = await client.fetch(input, init);
    retryAfter = retryAfterMs(res);
    return res;
  };
  const responses = await syncCollection({
    url,
    props: { "d:getetag": {} },
    syncLevel: 1,
    syncToken: token ?? "",
    headers: { ...client.headers, depth: "0" },
    fetch,
  });
  const first = responses[0];
  if (responses.length === 1 && first && first.ok === false && !first.props) {
    const error = new DavHttpError(first.status ?? 0, url, String(first.raw ?? ""), retryAfter);
    if (token !== null && isTokenRejection(error))
      throw new SyncError("cursor-rejected", "The calendar no longer accepts the stored sync token.", {
        cause: error,
      });
    throw error;
  }
  const raw = first?.raw as { multistatus?: { syncToken?: unknown } } | undefined;
  const nextToken = raw?.multistatus?.syncToken;
  if (nextToken == null)
    throw new DavHttpError(207, url, "The sync-collection answer carries no sync-token.");
  let more = false;
  const listed: CaldavChange[] = [];
  for (const r of responses) {
    if (!r.href) continue;
    const href = normalizeHref(r.href, url);
    // iCloud lists the collection itself among the results; a 507 on it marks a truncated answer.
    if (href === normalizeHref(url, url)) {
      if (r.status === 507) more = true;
      continue;
    }
    if (r.status === 404) listed.push({ href, etag: null, removed: true });
    else listed.push({ href, etag: etagOf(r.props?.getetag), removed: false });
  }
  // A full listing is the first answer to no token, and the pages after it while it was truncated.
  const inFull = token === null || !!cursor?.fullListing;
  const seen = inFull ? [...(cursor?.fullListing?.seen ?? []), ...listed.map((c) => c.href)] : [];
  return {
    changes:
      inFull && opts.known
        ? againstKnown(listed, opts.known, more ? null : new Set(seen))
        : unlike(listed, opts.known),
    cursor: {
      v: 1,
      calendarUrl: url,
      mode: "sync-collection",
      syncToken: String(nextToken),
      ctag: null,
      etags: null,
      fullListing: inFull && more ? { seen } : null,
    },
    more,
  };
}

async function byEtagListing(
  client: CaldavClient,
  url: string,
  cursor: CaldavCursor | null,
  opts: ListChangesOptions,
): Promise<CaldavChangesPage> {
  const previous = cursor?.mode === "etag-listing" ? cursor : null;
  const [self] = await propfind({
    url,
    props: { "cs:getctag": {} },
    depth: "0",
    headers: client.headers,
    fetch: client.fetch,
  });
  if (!self?.ok) throw new DavHttpError(self?.status ?? 0, url, String(self?.raw ?? ""));
  const ctag = self.props?.getctag != null ? String(self.props.getctag) : null;
  if (previous && ctag !== null && previous.ctag === ctag)
    return { changes: [], cursor: previous, more: false };
  const members = await propfind({
    url,
    props: { "d:getetag": {}, "d:resourcetype": {} },
    depth: "1",
    headers: client.headers,
    fetch: client.fetch,
  });
  const etags: Record<string, string> = {};
  const listed: CaldavChange[] = [];
  const self_ = normalizeHref(url, url);
  for (const r of members) {
    if (!r.href || !r.ok) continue;
    const href = normalizeHref(r.href, url);
    if (href === self_ || r.props?.resourcetype?.collection !== undefined) continue;
    const etag = etagOf(r.props?.getetag);
    if (etag) etags[href] = etag;
    listed.push({ href, etag, removed: false });
  }
  const known = previous?.etags ? new Map(Object.entries(previous.etags)) : opts.known;
  return {
    changes: known ? againstKnown(listed, known, new Set(listed.map((c) => c.href))) : listed,
    cursor: { v: 1, calendarUrl: url, mode: "etag-listing", syncToken: null, ctag, etags },
    more: false,
  };
}

/**
 * A full listing compared with what is held: new or changed ETags, and, once `present` holds every
 * href of the complete listing, the known items that vanished.
 */
function againstKnown(
  listed: CaldavChange[],
  known: ReadonlyMap<string, string>,
  present: ReadonlySet<string> | null,
): CaldavChange[] {
  const out = dedupe(listed).filter((c) => c.removed || c.etag === null || known.get(c.href) !== c.etag);
  if (present)
    for (const href of known.keys()) if (!present.has(href)) out.push({ href, etag: null, removed: true });
  return out;
}

/**
 * An incremental listing without what is held already: an item listed with the ETag we hold is our own
 * write coming back (Concilia's PUT moves the token too) or one already read, so it is not fetched again.
 */
function unlike(listed: CaldavChange[], known: ReadonlyMap<string, string> | undefined): CaldavChange[] {
  const out = dedupe(listed);
  return known ? out.filter((c) => c.removed || c.etag === null || known.get(c.href) !== c.etag) : out;
}

/** One entry per href, the last one the server gave. */
function dedupe(changes: CaldavChange[]): CaldavChange[] {
  return [...new Map(changes.map((c) => [c.href, c])).values()];
}

function isTokenRejection(error: DavHttpError): boolean {
  if (error.precondition === "valid-sync-token") return true;
  return error.precondition === null && [400, 403, 409, 410].includes(error.status);
}

/** ETags go back byte for byte (quotes included), so only surrounding whitespace is trimmed. */
function etagOf(value: unknown): string | null {
  if (value == null || value === "") return null;
  return String(value).trim();
}
