// Google calendars in the sync engine, built like the CalDAV ones (caldav/sync-provider.ts): the account's
// calendars are listed and stored (R-CON-9, the primary one preselected; read again every few minutes,
// providers/calendar-list-refresh.ts), one `calendar:<id>` scope per
// selected calendar; changes are listed with the calendar's sync token and each series or event is
// imported through sync/calendar/inbound.ts. Before the target calendar is listed, the user's CRM
// events are pushed to it through sync/calendar/outbound.ts with the Google writer, so their echo is in
// that same listing and is recognised by the etag recorded for it (R-P-3). Watch channels for push are
// kept alive at the start of each step (calendar-watch-upkeep.ts).
import { storedRuleWarning } from "../../calendar/rule-bounds.js";
import { mergeCalendars, storeListedCalendars } from "../../connections/calendars.js";
import { missingScopes } from "../../connections/oauth-providers.js";
import { importCalendarItem } from "../../sync/calendar/inbound.js";
import { logRefused, pushCrmEvents } from "../../sync/calendar/outbound.js";
import { connectionOwner } from "../../sync/mail-writer.js";
import type { ProviderContext, ProviderSession, SyncScope } from "../../sync/provider.js";
import { currentCalendars } from "../calendar-list-refresh.js";
import { backfillStart } from "../mail-session.js";
import type { GoogleCalendarCursor } from "./calendar-changes.js";
import { listGoogleCalendarChanges } from "./calendar-changes.js";
import type { GoogleCalendarClient } from "./calendar-client.js";
import { type FetchedGoogleEvent, fetchGoogleEvents } from "./calendar-fetch.js";
import { type GoogleCalendarEntry, listedCalendar, listGoogleCalendars, writable } from "./calendar-list.js";
import { mapGoogleEvent } from "./calendar-read-map.js";
import { keepCalendarChannels } from "./calendar-watch-upkeep.js";
import { googleCalendarWriter } from "./calendar-writer.js";

/** The connection syncs its calendar and Google's consent covers it (a Gmail-only consent does not). */
export const syncsCalendar = (ctx: ProviderContext) =>
  ctx.connection.syncs !== "email" &&
  missingScopes("google", ctx.connection.grantedScopes, "calendar").length === 0;

const calendarOf = (scope: SyncScope) => (scope.ref as { id: string }).id;

/** Where CRM events go: the chosen calendar, else the primary one (R-CON-9). */
function targetOf(ctx: ProviderContext, calendars: GoogleCalendarEntry[]): string | null {
  const chosen = ctx.connection.targetCalendarId;
  const target = calendars.find((c) => (chosen ? c.id === chosen : c.primary));
  return target && writable(target) ? target.id : null;
}

/** The Gmail session of a Google connection, with its selected calendars added. */
export async function withGoogleCalendars(
  ctx: ProviderContext,
  mail: ProviderSession,
  client: GoogleCalendarClient,
): Promise<ProviderSession> {
  if (!syncsCalendar(ctx)) return mail;
  const owner = await connectionOwner(ctx.db, ctx.connection);
  let target: string | null = null;
  return {
    ...mail,
    listScopes: async () => {
      const scopes = await mail.listScopes();
      const calendars = await currentCalendars(
        ctx,
        // Kept with what the session needs of each: its access role decides where CRM events may go.
        async () =>
          (await listGoogleCalendars(client)).map(
            ({ id, summary, summaryOverride, primary, accessRole }) => ({
              id,
              summary,
              summaryOverride,
              primary,
              accessRole,
            }),
          ),
        (tx, read) => storeListedCalendars(tx, ctx.connection.id, read.map(listedCalendar)),
      );
      const listed = calendars.map(listedCalendar);
      const selected = new Set(
        mergeCalendars(ctx.connection.calendars, listed)
          .filter((c) => c.selected)
          .map((c) => c.id),
      );
      const followed = calendars.filter((c) => selected.has(c.id));
      target = targetOf(ctx, followed);
      await keepCalendarChannels(
        ctx,
        client,
        followed.map((c) => c.id),
      );
      return [
        ...scopes,
        ...followed.map((c) => ({ key: `calendar:${c.id}`, kind: "calendar" as const, ref: { id: c.id } })),
      ];
    },
    listChanges: async (scope, cursor, limit) => {
      if (scope.kind !== "calendar") return mail.listChanges(scope, cursor, limit);
      const calendarId = calendarOf(scope);
      if (calendarId === target) {
        const place = { connectionId: ctx.connection.id, calendarId, connectedAt: ctx.connection.createdAt };
        const pushed = await pushCrmEvents(ctx.db, owner, place, googleCalendarWriter(client, calendarId));
        logRefused(ctx, pushed);
      }
      return listGoogleCalendarChanges(
        client,
        ctx.connection.id,
        calendarId,
        cursor as GoogleCalendarCursor | null,
        limit,
        backfillStart(ctx.connection),
      );
    },
    fetch: (scope, items) =>
      scope.kind === "calendar"
        ? fetchGoogleEvents(client, calendarOf(scope), items)
        : mail.fetch(scope, items),
    write: async (tx, item) => {
      const calendarId = item.meta?.calendar;
      if (typeof calendarId !== "string") return mail.write(tx, item);
      const place = { connectionId: ctx.connection.id, calendarId, providerId: item.key };
      if (item.meta?.gone) return importCalendarItem(tx, owner, place, { gone: true });
      const read = JSON.parse(item.raw.toString("utf8")) as FetchedGoogleEvent;
      const mapped = mapGoogleEvent(read.event, read.instances, {
        self: { email: owner.email, name: owner.name || null },
        calendarZone: read.zone,
      });
      const warning = "state" in mapped ? storedRuleWarning(mapped.state.recurrence?.rule) : null;
      if (warning) ctx.log.warn({ connection: ctx.connection.id, item: item.key }, warning);
      return importCalendarItem(tx, owner, place, mapped);
    },
    identify: (item) =>
      typeof item.meta?.calendar === "string" ? item.key : (mail.identify?.(item) ?? null),
  };
}
