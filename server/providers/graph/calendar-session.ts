// Outlook calendars in the sync engine, for Microsoft connections that sync "calendar" or "both":
// one `calendar:<id>` scope per calendar the user selected (R-CON-9; the listing, read at most every
// five minutes, is stored, the default calendar preselected), listed through calendarView delta in
// Graph's pages of 999 handed out a batch at a time (calendar-changes.ts), each changed item read in
// full (calendar-fetch.ts, 20 to a $batch across the page) and imported through
// sync/calendar/inbound.ts. Before the target calendar is listed, the user's CRM events are pushed to
// it (sync/calendar/outbound.ts with calendar-writer.ts), so their echo is in that same listing and is
// recognised by its etag (R-P-3).
// A delta row whose etag is the one recorded for its item is not even read again. Series are read
// and keyed by their master. A removed id we never linked may be a cancelled occurrence: a removed
// row carries only its id, so its series is the linked series whose id the occurrence's id extends
// (an occurrence's id is its master's plus the slot, as the emulator makes them; not documented for
// Graph), and only that series is read again. When the id extends none, every linked series is read
// again, as the one way not to miss the cancellation, unless the id is the echo of an event (or of
// an occurrence of a series) Concilia deleted lately, as recorded in the database by whichever
// worker deleted it (calendar-own-removals.ts; looked up once per delta page).

import { and, eq } from "drizzle-orm";
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { mergeCalendars, storeListedCalendars } from "../../connections/calendars.js";
import { missingScopes } from "../../connections/oauth-providers.js";
import { eventLinks } from "../../db/schema.js";
import { importCalendarItem } from "../../sync/calendar/inbound.js";
import { type CalendarWriter, logRefused, pushCrmEvents } from "../../sync/calendar/outbound.js";
import { connectionOwner } from "../../sync/mail-writer.js";
import type {
  ChangedItem,
  FetchedItem,
  ProviderContext,
  ProviderSession,
  SyncScope,
} from "../../sync/provider.js";
import { currentCalendars } from "../calendar-list-refresh.js";
import { type DeltaUnit, type GraphCalendarPosition, listGraphCalendarBatch } from "./calendar-changes.js";
import { fetchGraphEvents } from "./calendar-fetch.js";
import { listGraphCalendars } from "./calendar-list.js";
import { type GraphEventJson, graphEventState } from "./calendar-map.js";
import { ownRemovalsAmong, recordOwnRemovals } from "./calendar-own-removals.js";
import { keepGraphCalendarSubscriptions } from "./calendar-subscriptions.js";
import { graphCalendarWriter } from "./calendar-writer.js";
import type { GraphClient } from "./client.js";

/** The connection syncs its calendar and Microsoft's consent covers it (a mail-only consent does not). */
export const syncsCalendar = (ctx: ProviderContext) =>
  ctx.connection.syncs !== "email" &&
  missingScopes("microsoft", ctx.connection.grantedScopes, "calendar").length === 0;
const calendarOf = (scope: SyncScope) => (scope.ref as { calendarId: string }).calendarId;

export async function withGraphCalendars(
  ctx: ProviderContext,
  mail: ProviderSession,
  client: GraphClient,
): Promise<ProviderSession> {
  const owner = await connectionOwner(ctx.db, ctx.connection);
  const account = ctx.connection.accountAddress.toLowerCase();
  let target = ctx.connection.targetCalendarId;

  const linksOf = (calendarId: string) =>
    ctx.db
      .select({ providerId: eventLinks.providerId, etag: eventLinks.etag, lastSynced: eventLinks.lastSynced })
      .from(eventLinks)
      .where(and(eq(eventLinks.connectionId, ctx.connection.id), eq(eventLinks.calendarId, calendarId)));

  async function pushTo(calendarId: string) {
    const written = graphCalendarWriter(client, {
      calendarId,
      account,
      lastSynced: async (href) =>
        (await linksOf(calendarId)).find((l) => l.providerId === href)?.lastSynced ?? null,
    });
    // Our deletes, once Graph has answered them, recorded with their links' transaction, so that
    // the delta's removed rows for them are known as our own echo by every worker.
    let deleted: string[] = [];
    const writer: CalendarWriter = {
      ...written,
      async update(href, ifMatch, uid, sequence, eventId, state) {
        const done = await written.update(href, ifMatch, uid, sequence, eventId, state);
        if (state.status === "cancelled") deleted.push(href);
        return done;
      },
      async remove(href, ifMatch) {
        await written.remove(href, ifMatch);
        deleted.push(href);
      },
      async recordWrites(tx) {
        const ids = deleted;
        deleted = [];
        await recordOwnRemovals(tx, ctx.connection.id, ids);
      },
    };
    const place = { connectionId: ctx.connection.id, calendarId, connectedAt: ctx.connection.createdAt };
    logRefused(ctx, await pushCrmEvents(ctx.db, owner, place, writer));
  }

  /**
   * The delta units as the engine's items, by what the calendar's links say of them; `echoesOf`
   * finds, among a page's removed ids that no link names, the echoes of our own deletes.
   */
  async function resolver(calendarId: string) {
    const links = await linksOf(calendarId);
    const known = new Map(links.map((l) => [l.providerId, l]));
    const series = links
      .filter((l) => (l.lastSynced as SyncedEventState | null)?.recurrence)
      .map((l) => l.providerId);
    const echoesOf = (removed: string[]) =>
      ownRemovalsAmong(
        ctx.db,
        ctx.connection.id,
        removed.filter((id) => !known.has(id)),
      );
    const resolve = (units: DeltaUnit[], echoes: ReadonlySet<string>) => {
      const items = new Map<string, ChangedItem>();
      for (const { key, row: r } of units) {
        if (r.removed) {
          if (known.has(r.id)) items.set(r.id, { key: r.id, ref: { removed: true } });
          else if (echoes.has(r.id)) continue;
          else {
            const master = series.find((id) => r.id.length > id.length && r.id.startsWith(id));
            for (const id of master ? [master] : series) if (!items.has(id)) items.set(id, { key: id });
          }
          continue;
        }
        // Our own write, or a change already imported: nothing to read.
        if (r.type === "singleInstance" && r.etag && known.get(key)?.etag === r.etag) continue;
        // A single event no API client made (Concilia always sets a transactionId) is its listed row:
        // it carries none of our tags, so there is nothing more to read.
        const listed = r.event && !r.event.transactionId ? { event: r.event } : undefined;
        items.set(key, listed ? { key, ref: listed } : { key });
      }
      return [...items.values()];
    };
    return { resolve, echoesOf };
  }

  const listedEvent = (i: ChangedItem) => (i.ref as { event?: GraphEventJson } | undefined)?.event;

  /** The linked series' first starts as last synced (UTC ms), so their instances come with their masters. */
  async function seriesStarts(calendarId: string) {
    const starts = new Map<string, number>();
    for (const l of await linksOf(calendarId)) {
      const state = l.lastSynced as SyncedEventState | null;
      if (!state?.recurrence) continue;
      const t = state.timing;
      starts.set(l.providerId, Date.parse(t.allDay ? `${t.startDate}T00:00:00Z` : t.startAt));
    }
    return starts;
  }

  /** Items read as the import takes them: a listed event as listed, the others read in full. */
  async function readItems(calendar: string, items: ChangedItem[]): Promise<FetchedItem[]> {
    const asListed = (i: ChangedItem, e: GraphEventJson) => ({
      key: i.key,
      raw: Buffer.from(
        JSON.stringify({ ...graphEventState(e, account), etag: e["@odata.etag"] ?? null, sequence: 0 }),
      ),
      meta: { calendar, providerId: e.id },
    });
    const toRead = items.filter((i) => !listedEvent(i));
    const starts = toRead.length ? await seriesStarts(calendar) : new Map<string, number>();
    const read = await fetchGraphEvents(
      client,
      toRead,
      account,
      (i, got): FetchedItem => {
        if ("gone" in got) return { key: i.key, raw: Buffer.alloc(0), meta: { calendar, gone: true } };
        const { id, ...item } = got;
        return {
          key: i.key,
          raw: Buffer.from(JSON.stringify({ ...item, sequence: 0 })),
          meta: { calendar, providerId: id },
        };
      },
      Date.now(),
      starts,
    );
    const byKey = new Map(read.map((f) => [f.key, f]));
    return items.map((i) => {
      const e = listedEvent(i);
      return e ? asListed(i, e) : byKey.get(i.key)!;
    });
  }

  /** The reads made while listing the batch being stored, handed to the engine by fetch. */
  let handed = new Map<string, FetchedItem>();

  return {
    ...mail,
    listScopes: async () => {
      const scopes = await mail.listScopes();
      if (!syncsCalendar(ctx)) return scopes;
      const listing = await currentCalendars(
        ctx,
        () => listGraphCalendars(client),
        (tx, read) =>
          storeListedCalendars(
            tx,
            ctx.connection.id,
            read.map(({ canEdit: _, ...c }) => c),
          ),
      );
      const calendars = mergeCalendars(
        ctx.connection.calendars,
        listing.map(({ canEdit: _, ...c }) => c),
      );
      if (target && !calendars.some((c) => c.id === target)) target = null;
      target ??= listing.find((c) => c.primary && c.canEdit)?.id ?? null;
      const followed = calendars.filter((c) => c.selected).map((c) => c.id);
      await keepGraphCalendarSubscriptions(ctx, client, followed);
      return [
        ...scopes,
        ...followed.map((calendarId) => ({
          key: `calendar:${calendarId}`,
          kind: "calendar" as const,
          ref: { calendarId },
        })),
      ];
    },
    listChanges: async (scope, cursor, limit) => {
      if (scope.kind !== "calendar") return mail.listChanges(scope, cursor, limit);
      const calendarId = calendarOf(scope);
      const c = cursor as GraphCalendarPosition | null;
      // Pushed at the start of each round, so the round lists our writes with their recorded etags.
      if (calendarId === target && !c?.nextLink && !c?.skip) await pushTo(calendarId);
      const { resolve, echoesOf } = await resolver(calendarId);
      const batch = await listGraphCalendarBatch(
        client,
        ctx.connection.id,
        calendarId,
        c,
        limit,
        resolve,
        (items) => readItems(calendarId, items),
        echoesOf,
      );
      handed = batch.read;
      return { items: batch.items, cursor: batch.cursor, more: batch.more };
    },
    fetch: async (scope, items) => {
      if (scope.kind !== "calendar") return mail.fetch(scope, items);
      const ready = handed;
      handed = new Map();
      const rest = items.filter((i) => !ready.has(i.key));
      const read = new Map(
        (rest.length ? await readItems(calendarOf(scope), rest) : []).map((f) => [f.key, f]),
      );
      return items.map((i) => ready.get(i.key) ?? read.get(i.key)!);
    },
    write: async (tx, item) => {
      const calendar = item.meta?.calendar;
      if (typeof calendar !== "string") return mail.write(tx, item);
      const providerId = typeof item.meta?.providerId === "string" ? item.meta.providerId : item.key;
      const place = { connectionId: ctx.connection.id, calendarId: calendar, providerId };
      if (item.meta?.gone) return importCalendarItem(tx, owner, place, { gone: true });
      return importCalendarItem(tx, owner, place, JSON.parse(item.raw.toString("utf8")));
    },
    identify: (item) =>
      typeof item.meta?.calendar === "string" ? item.key : (mail.identify?.(item) ?? null),
  };
}
