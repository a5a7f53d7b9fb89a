// CalDAV calendars (iCloud, Yahoo) in the sync engine: one `calendar:<url>` scope per calendar the user
// selected (R-CON-9), changes listed with the calendar's cursor, objects fetched by multiget and each
// one imported through sync/calendar/inbound.ts; before the target calendar is listed, the user's CRM
// items owed to it are pushed (sync/calendar/outbound.ts: the outbox, or everything at the first push),
// so their echo is in that same listing. iCloud and Yahoo also sync mail over IMAP: `withCaldavCalendars`
// adds these scopes to their mail session. An Other CalDAV server ("caldav") is the same calendars over
// an empty mail session, from the URL and username stored on the connection.
import { and, eq } from "drizzle-orm";
import type { ConnectionCalendar } from "../../../shared/api/connections.js";
import { storedRuleWarning } from "../../calendar/rule-bounds.js";
import { storeListedCalendars } from "../../connections/calendars.js";
import { SECRET } from "../../connections/connections.js";
import { eventLinks } from "../../db/schema.js";
import { getSecret } from "../../secrets/store.js";
import { importCalendarItem } from "../../sync/calendar/inbound.js";
import { logRefused, pushCrmEvents } from "../../sync/calendar/outbound.js";
import { SyncError } from "../../sync/errors.js";
import { connectionOwner } from "../../sync/mail-writer.js";
import {
  type FetchedItem,
  type ProviderContext,
  type ProviderSession,
  registerProvider,
  type SyncScope,
} from "../../sync/provider.js";
import { parseAllowance } from "../private-hosts.js";
import type { CaldavCalendar } from "./calendars.js";
import type { CaldavAccount, CaldavClient } from "./client.js";
import { parseCaldavCursor } from "./cursor.js";
import { connectCaldavCached, forgetDiscovery, listCalendarsCached } from "./discovery-cache.js";
import { CaldavConflict, classifyCaldavError } from "./errors.js";
import { fetchCalendarObjects } from "./fetch.js";
import { listCalendarChanges } from "./list-changes.js";
import { parseCalendarObject } from "./map.js";
import { type CaldavProfileId, serverUrlFor } from "./profiles.js";
import { createEvent, deleteEvent, readObject, updateEvent } from "./write.js";

const syncsCalendar = (ctx: ProviderContext) => ctx.connection.syncs !== "email";
/**
 * Failures after which discovery runs again: refused credentials (401), a home or calendar that is
 * gone (404, 410), and anything unexpected (a redirect to where the account moved, a server that
 * answers differently now).
 */
const DISCOVERY_MAY_HAVE_MOVED = new Set<SyncError["kind"]>(["auth", "not-found", "unknown"]);
/** Where CRM events go: the chosen calendar, else the primary one (R-CON-9). */
const targetOf = (ctx: ProviderContext, calendars: ConnectionCalendar[]) =>
  ctx.connection.targetCalendarId ?? calendars.find((c) => c.primary)?.id ?? null;
const calendarOf = (scope: SyncScope) => scope.ref as Pick<CaldavCalendar, "url" | "syncCollection">;

async function accountOf(ctx: ProviderContext): Promise<CaldavAccount> {
  const { connection, config } = ctx;
  const secret = await getSecret(ctx, connection.id, SECRET.appPassword);
  if (!secret) throw new SyncError("auth", "This account's password is missing: connect it again.");
  // An Other CalDAV server keeps its own URL and username; iCloud and Yahoo use their profile's.
  const own = connection.caldavServer;
  return {
    serverUrl: own?.url ?? config.CALDAV_URL ?? serverUrlFor(connection.provider as CaldavProfileId),
    username: own?.username ?? connection.imapServer?.username ?? connection.accountAddress,
    password: secret.value,
  };
}

/**
 * An object the calendar server neither gave nor confirmed deleted: a failed try of that item (kept in
 * the failed items, tried again at the next step), or the whole step's failure when the server refused
 * the account itself or asked to wait.
 */
function unconfirmed(cause: Error | undefined): SyncError {
  const classified = cause ? classifyCaldavError(cause) : null;
  if (classified && (classified.kind === "auth" || classified.kind === "throttled")) throw classified;
  return new SyncError(
    "temporary",
    "The calendar server left this object out of its answer and did not confirm it was deleted.",
    cause ? { cause } : undefined,
  );
}

/** A write refused on If-Match (412) is the engine's "conflict": the inbound leg reconciles it. */
const asConflict = async <R>(f: () => Promise<R>): Promise<R> => {
  try {
    return await f();
  } catch (err) {
    throw err instanceof CaldavConflict ? new SyncError("conflict", err.message, { cause: err }) : err;
  }
};

/** The mail session of an iCloud or Yahoo connection, with its selected calendars added. */
export async function withCaldavCalendars(
  ctx: ProviderContext,
  mail: ProviderSession,
): Promise<ProviderSession> {
  let client: CaldavClient | null = null;
  /** The calendars as last listed and stored; the connection's own copy until the first listing. */
  let listedCalendars = ctx.connection.calendars;
  let account: CaldavAccount | null = null;
  const dav = async () => {
    if (client) return client;
    account ??= await accountOf(ctx);
    const allowPrivate = parseAllowance(ctx.config.CONCILIA_ALLOW_PRIVATE_HOSTS);
    client = await connectCaldavCached(account, { allowPrivate, signal: ctx.signal });
    return client;
  };
  const guarded = async <R>(f: () => Promise<R>): Promise<R> => {
    try {
      return await f();
    } catch (err) {
      const failure = err instanceof SyncError ? err : classifyCaldavError(err);
      // A step cut at its time budget, a busy or unreachable server, a lost race: where discovery
      // led is still right, and walking it again would cost every following step four requests.
      if (account && !ctx.signal.aborted && DISCOVERY_MAY_HAVE_MOVED.has(failure.kind))
        forgetDiscovery(account);
      throw failure;
    }
  };
  const owner = await connectionOwner(ctx.db, ctx.connection);
  const pushTo = async (calendarUrl: string) => {
    const client = await dav();
    const place = {
      connectionId: ctx.connection.id,
      calendarId: calendarUrl,
      connectedAt: ctx.connection.createdAt,
    };
    const pushed = await pushCrmEvents(ctx.db, owner, place, {
      // CalDAV servers schedule (invite) on their own for a new object with attendees, unless each
      // attendee says SCHEDULE-AGENT=CLIENT: so history goes in inviting no one (R-CAL-7).
      create: (uid, conciliaId, state, { sendInvitations }) =>
        createEvent(
          client,
          calendarUrl,
          { uid, sequence: 0, conciliaId, state },
          sendInvitations ? "server" : "client",
        ),
      update: (href, ifMatch, uid, sequence, conciliaId, state) =>
        asConflict(() => updateEvent(client, href, ifMatch, { uid, sequence, conciliaId, state })),
      remove: (href, ifMatch) =>
        asConflict(async () => {
          const etag = ifMatch ?? (await readObject(client, href))?.etag;
          if (etag) await deleteEvent(client, href, etag);
        }),
    });
    logRefused(ctx, pushed);
  };
  return {
    ...mail,
    listScopes: async () => {
      const scopes = await mail.listScopes();
      if (!syncsCalendar(ctx)) return scopes;
      const calendars = await guarded(async () => {
        const client = await dav();
        return listCalendarsCached(account as CaldavAccount, client);
      });
      // Each listing is kept for the settings view (R-CON-9: the first preselects the primary calendar),
      // with each calendar's zone for the sidebars' zone warning (R-ACT-5).
      const listed = calendars
        .filter((c) => c.supportsEvents)
        .map((c) => ({ id: c.url, name: c.name, primary: c.primary, timeZone: c.timeZone }));
      const stored = await ctx.db.transaction((tx) => storeListedCalendars(tx, ctx.connection.id, listed));
      listedCalendars = stored;
      const selected = new Set(stored.filter((c) => c.selected).map((c) => c.id));
      const followed = calendars.filter((c) => selected.has(c.url) && c.supportsEvents);
      return [
        ...scopes,
        ...followed.map((c) => ({
          key: `calendar:${c.url}`,
          kind: "calendar" as const,
          ref: { url: c.url, syncCollection: c.syncCollection },
        })),
      ];
    },
    listChanges: (scope, cursor, limit) => {
      if (scope.kind !== "calendar") return mail.listChanges(scope, cursor, limit);
      return guarded(async () => {
        const calendar = calendarOf(scope);
        const stored = parseCaldavCursor(cursor);
        // CRM events go out once per listing, not again for each page of its pending changes.
        if (calendar.url === targetOf(ctx, listedCalendars) && !stored?.pending?.changes.length)
          await pushTo(calendar.url).catch((err) => {
            // An event changed on both sides (412): the listing below must still run, or that one
            // event would stop every other change of the calendar from syncing. Its conflict is left
            // to the reconcile; the write is tried again at the next step.
            const conflict =
              err instanceof CaldavConflict || (err instanceof SyncError && err.kind === "conflict");
            if (!conflict) throw err;
            ctx.log.info({ connection: ctx.connection.id }, "calendar write refused (412): listing goes on");
          });
        const links = await ctx.db
          .select({ href: eventLinks.providerId, etag: eventLinks.etag })
          .from(eventLinks)
          .where(
            and(eq(eventLinks.connectionId, ctx.connection.id), eq(eventLinks.calendarId, calendar.url)),
          );
        const known = new Map(links.flatMap((l) => (l.etag ? [[l.href, l.etag] as const] : [])));
        const page = await listCalendarChanges(await dav(), calendar, stored, { known, limit });
        const items = page.changes.map((c) => ({ key: c.href, ref: { removed: c.removed } }));
        return { items, cursor: page.cursor, more: page.more };
      });
    },
    fetch: (scope, items) => {
      if (scope.kind !== "calendar") return mail.fetch(scope, items);
      return guarded(async () => {
        const calendar = calendarOf(scope).url;
        const removed = (i: { ref?: unknown }) => (i.ref as { removed?: boolean } | undefined)?.removed;
        const wanted = items.filter((i) => !removed(i)).map((i) => i.key);
        const got = await fetchCalendarObjects(await dav(), calendar, wanted);
        const byHref = new Map(got.map((o) => [o.href, o]));
        return items.map((i): FetchedItem => {
          const o = byHref.get(i.key);
          // R-CAL-9: only a removal the listing reported, or a 404 for the object itself, cancels the
          // CRM event; an object the server neither gave nor confirmed gone is tried again next step.
          if (removed(i) || (o && "gone" in o))
            return { key: i.key, raw: Buffer.alloc(0), meta: { calendar, gone: true } };
          if (!o || "unconfirmed" in o) return { key: i.key, ref: i.ref, error: unconfirmed(o?.error) };
          return { key: i.key, raw: Buffer.from(o.ics), meta: { calendar, etag: o.etag } };
        });
      });
    },
    write: async (tx, item) => {
      const calendar = item.meta?.calendar;
      if (typeof calendar !== "string") return mail.write(tx, item);
      const place = { connectionId: ctx.connection.id, calendarId: calendar, providerId: item.key };
      if (item.meta?.gone) return importCalendarItem(tx, owner, place, { gone: true });
      const [event] = parseCalendarObject(item.raw.toString("utf8"));
      if (!event) return { skipped: "no event in the calendar object" };
      const etag = typeof item.meta?.etag === "string" ? item.meta.etag : null;
      const warning = storedRuleWarning(event.state.recurrence?.rule);
      if (warning) ctx.log.warn({ connection: ctx.connection.id, item: item.key }, warning);
      return importCalendarItem(tx, owner, place, { ...event, etag });
    },
    identify: (item) =>
      typeof item.meta?.calendar === "string" ? item.key : (mail.identify?.(item) ?? null),
  };
}

/** An Other CalDAV server account: calendars only, no mail session underneath. */
const noMail: ProviderSession = {
  listScopes: async () => [],
  listChanges: async () => ({ items: [], cursor: null, more: false }),
  fetch: async () => [],
  write: async () => ({ skipped: "an Other CalDAV server account has no mail" }),
};

registerProvider({ name: "caldav", open: (ctx) => withCaldavCalendars(ctx, noMail) });
