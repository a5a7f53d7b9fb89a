// One Outlook calendar's changes in calendarView delta pages of 999 rows (Graph's largest, §1.4),
// whatever the engine's batch: the page is kept in the worker's memory (kept-pages.ts) and handed to
// the engine a batch at a time, each batch's cursor being the page's own cursor with the number of
// its units already given and the page's fingerprint (page-position.ts), so the cursor committed with
// a batch says exactly where the next one starts; a worker without the page (or with another copy of
// it than the cursor's) lists it again with the same cursor. Only the batch that ends a page moves the cursor on to the next link (or the deltaLink).
//
// A unit is what a page lists once: an event, a series (its occurrences and exceptions, keyed by
// their master), or a removed id; the session turns units into the engine's items with what it has
// linked (`resolve`), and with the page's removed ids that echo its own deletes, looked up once per
// page listed (`echoesOf`) and kept with it (a round's first page is always listed anew, after the
// CRM's deletes pushed at its start). Items that must be read (series, events another API client
// made) are read together, 20 to a $batch, rather than per engine batch: a batch that needs reads
// also reads the page's next ones up to full $batches, and keeps them with the page for the batches
// that follow.
// A read is handed to the engine with its item, in the batch whose cursor commits with it, so each
// item is still read, stored and committed once; reads the worker lost are made again.
import type { ChangedItem, FetchedItem } from "../../sync/provider.js";
import { KeptPages } from "../kept-pages.js";
import { batchOfPage, fingerprint, type InPage } from "../page-position.js";
import {
  type CalendarDeltaRow,
  deltaPageOf,
  GRAPH_CALENDAR_PAGE,
  type GraphCalendarCursor,
  listGraphCalendarChanges,
} from "./calendar-delta.js";
import { GRAPH_BATCH, type GraphClient } from "./client.js";

/** A calendar's position: the delta cursor of the page being stored, and where inside it. */
export type GraphCalendarPosition = GraphCalendarCursor & InPage;

/** What a delta page lists once: an event, a series (by its master's id) or a removed id. */
export interface DeltaUnit {
  key: string;
  row: CalendarDeltaRow;
}

/** The page's units in the order first listed; a unit listed again keeps its latest row. */
export function unitsOf(rows: CalendarDeltaRow[]): DeltaUnit[] {
  const byKey = new Map<string, CalendarDeltaRow>();
  for (const r of rows) {
    const series = !r.removed && (r.type === "occurrence" || r.type === "exception");
    byKey.set(series ? (r.seriesMasterId ?? r.id) : r.id, r);
  }
  return [...byKey].map(([key, row]) => ({ key, row }));
}

interface KeptDeltaPage {
  units: DeltaUnit[];
  print: string;
  /** The delta cursor after the page. */
  cursor: GraphCalendarCursor;
  more: boolean;
  /** Items of later batches already read, by key. */
  reads: Map<string, FetchedItem>;
  /** The page's removed ids that echo the connection's own deletes. */
  echoes: ReadonlySet<string>;
}

const kept = new KeptPages<KeptDeltaPage>();

/** An item is read unless it carries its listed event (a removed one is read too: it may have moved out). */
const needsRead = (i: ChangedItem) => !(i.ref as { event?: unknown } | undefined)?.event;

const distinct = (items: ChangedItem[]) => [...new Map(items.map((i) => [i.key, i])).values()];

export interface GraphCalendarBatch {
  items: ChangedItem[];
  cursor: GraphCalendarPosition;
  more: boolean;
  /** The batch's items already read, by key: what fetch hands the engine for them. */
  read: Map<string, FetchedItem>;
}

/**
 * The next `limit` units of the calendar after `cursor` as items, with the reads they need made.
 * `holder` (the connection) keeps pages apart.
 */
export async function listGraphCalendarBatch(
  client: GraphClient,
  holder: string,
  calendarId: string,
  cursor: GraphCalendarPosition | null,
  limit: number,
  resolve: (units: DeltaUnit[], echoes: ReadonlySet<string>) => ChangedItem[],
  readItems: (items: ChangedItem[]) => Promise<FetchedItem[]>,
  echoesOf: (removedIds: string[]) => Promise<ReadonlySet<string>> = async () => new Set(),
  now = Date.now(),
): Promise<GraphCalendarBatch> {
  const { skip, page: seen, ...c } = cursor ?? { deltaLink: null };
  const at = deltaPageOf(calendarId, c, now);
  const key = JSON.stringify([holder, calendarId, at.url]);
  // Only a cursor inside a page finds it kept: a page's first batch lists it anew, so a round's
  // first page comes after the CRM's writes pushed at its start, and no read kept from before them
  // is handed out. A kept page other than the one the cursor was cut from (another worker listed it
  // again meanwhile, with other contents) is listed anew too: given from its start instead, two
  // workers taking turns would each start the page over and never finish it.
  let page = skip ? kept.get(key) : undefined;
  if (page?.print !== seen) page = undefined;
  if (!page) {
    const listed = await listGraphCalendarChanges(client, calendarId, c, GRAPH_CALENDAR_PAGE, now);
    const units = unitsOf(listed.rows);
    page = {
      units,
      print: fingerprint(listed.rows.map((r) => [r.id, r.etag, r.removed])),
      cursor: listed.cursor,
      more: listed.more,
      reads: new Map(),
      echoes: await echoesOf(units.filter((u) => u.row.removed).map((u) => u.key)),
    };
    kept.keep(key, page);
  }
  const batch = batchOfPage(page.units, page.print, { skip, page: seen }, limit);
  const { echoes } = page;
  const items = distinct(resolve(batch.items, echoes));
  const unread = items.filter((i) => needsRead(i) && !page.reads.has(i.key));
  const read = new Map<string, FetchedItem>();
  if (unread.length) {
    // Full $batches: the page's next items to read come along.
    const room = Math.ceil(unread.length / GRAPH_BATCH) * GRAPH_BATCH - unread.length;
    const mine = new Set(items.map((i) => i.key));
    const ahead = distinct(resolve(page.units.slice(batch.from + batch.items.length), echoes))
      .filter((i) => needsRead(i) && !mine.has(i.key) && !page.reads.has(i.key))
      .slice(0, room);
    for (const got of await readItems([...unread, ...ahead])) {
      if (mine.has(got.key)) read.set(got.key, got);
      else if (!("error" in got)) page.reads.set(got.key, got);
    }
  }
  for (const i of items) {
    const ready = page.reads.get(i.key);
    if (!ready) continue;
    read.set(i.key, ready);
    page.reads.delete(i.key);
  }
  if (batch.next) return { items, cursor: { ...c, windowAt: at.windowAt, ...batch.next }, more: true, read };
  kept.drop(key);
  return { items, cursor: page.cursor, more: page.more, read };
}
