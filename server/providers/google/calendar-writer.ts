// The Google CalendarWriter (sync/calendar/outbound.ts) for one calendar (§3.6):
// - create inserts under an id derived from the CRM event's (calendar-ids.ts). A repeat after a lost
//   answer gets 409: the event is read, and taken as ours when our tag names the same CRM event.
//   `sendUpdates=all` only when reconcile says to invite (a new event made in Concilia after the
//   account was connected); history goes in with `none` (R-CAL-7, failure mode 9).
// - update patches with If-Match and `sendUpdates=none`, always (R-CAL-7). A state reconcile marks
//   cancelled (the event deleted in Concilia, R-CAL-9) is a delete instead. A 412 (or a 404/410: gone
//   meanwhile) is a "conflict": nothing is recorded, so neither side's change is lost and a deleted
//   event is not brought back (see calendar-session.ts).
// - a series' moved and changed occurrences are patches of its instances after the series is written.
// - remove deletes; 404 and 410 (already deleted) count as removed.

import type { SyncedEventState } from "../../calendar/synced-state.js";
import type { CalendarWriter } from "../../sync/calendar/outbound.js";
import { SyncError } from "../../sync/errors.js";
import { HttpSyncError } from "../http.js";
import type { GoogleCalendarClient } from "./calendar-client.js";
import { seg } from "./calendar-client.js";
import { CONCILIA_PROPERTY, type GoogleEvent } from "./calendar-event.js";
import { googleEventIdFor } from "./calendar-ids.js";
import { parentEtagOf } from "./calendar-read-map.js";
import { toGoogleEvent } from "./calendar-write-map.js";

const changedInGoogle = () =>
  new SyncError("conflict", "The event changed in Google Calendar; it is merged and written again.");
/** Google's instance id suffix: `20261214` for a date, `20261214T090000Z` for an instant. */
const instanceStamp = (originalStart: string) =>
  originalStart.length === 10
    ? originalStart.replaceAll("-", "")
    : new Date(originalStart)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d+Z$/, "Z");
const gone = (err: unknown) => err instanceof HttpSyncError && (err.status === 404 || err.status === 410);

export function googleCalendarWriter(client: GoogleCalendarClient, calendarId: string): CalendarWriter {
  const events = `/calendars/${seg(calendarId)}/events`;
  const written = (e: GoogleEvent) => ({ href: e.id, etag: e.etag ?? "", icalUid: e.iCalUID });

  async function remove(href: string, ifMatch: string | null): Promise<void> {
    try {
      await client.call("DELETE", `${events}/${seg(href)}`, {
        query: { sendUpdates: "none" },
        ifMatch: ifMatch ? parentEtagOf(ifMatch) : undefined,
      });
    } catch (err) {
      if (err instanceof HttpSyncError && err.status === 412) throw changedInGoogle();
      if (!gone(err)) throw err;
    }
  }

  /**
   * A series' moved and changed occurrences (a cancelled one is an EXDATE of the series): each is a
   * patch of its instance, named by the series id and the original start as Google names instances.
   */
  async function writeExceptions(href: string, state: SyncedEventState): Promise<void> {
    if (!state.recurrence) return;
    const zone = state.timing.allDay ? null : state.timing.timeZone;
    for (const x of state.exceptions) {
      if (x.status === "cancelled") continue;
      const body: Partial<GoogleEvent> = { status: x.status, ...(x.title ? { summary: x.title } : {}) };
      if (x.startDate && x.endDate)
        Object.assign(body, { start: { date: x.startDate }, end: { date: x.endDate } });
      else if (x.startAt && x.endAt && zone)
        Object.assign(body, {
          start: { dateTime: x.startAt, timeZone: zone },
          end: { dateTime: x.endAt, timeZone: zone },
        });
      await client.call("PATCH", `${events}/${seg(`${href}_${instanceStamp(x.originalStart)}`)}`, {
        query: { sendUpdates: "none" },
        json: body,
      });
    }
  }

  return {
    async create(_uid, eventId, state, { sendInvitations }) {
      const id = googleEventIdFor(eventId);
      try {
        const made = await client.call<GoogleEvent>("POST", events, {
          query: { sendUpdates: sendInvitations ? "all" : "none" },
          json: { id, ...toGoogleEvent(state, eventId) },
        });
        await writeExceptions(made.id, state);
        return written(made);
      } catch (err) {
        if (!(err instanceof HttpSyncError && err.status === 409)) throw err;
        const existing = await client.call<GoogleEvent>("GET", `${events}/${seg(id)}`);
        if (existing.extendedProperties?.private?.[CONCILIA_PROPERTY] !== eventId)
          throw new SyncError("unknown", "Google already holds another event under this event's id.");
        return written(existing);
      }
    },
    async update(href, ifMatch, _uid, _sequence, eventId, state) {
      if (state.status === "cancelled") {
        await remove(href, ifMatch);
        // Google keeps a deleted event, cancelled, under its id: its new etag is what will be listed.
        const after = await client.call<GoogleEvent>("GET", `${events}/${seg(href)}`).catch(() => null);
        return { href, etag: after?.etag ?? ifMatch };
      }
      try {
        const patched = await client.call<GoogleEvent>("PATCH", `${events}/${seg(href)}`, {
          query: { sendUpdates: "none" },
          ifMatch: parentEtagOf(ifMatch),
          json: toGoogleEvent(state, eventId),
        });
        await writeExceptions(href, state);
        return written(patched);
      } catch (err) {
        // Changed in Google since the etag we hold: the listing that follows merges that change into
        // the CRM event (calendar-session.ts records its etag), and the next step writes the merge.
        // 404/410: deleted in Google meanwhile; the listing brings the deletion in (R-CAL-9).
        if (err instanceof HttpSyncError && [404, 410, 412].includes(err.status)) throw changedInGoogle();
        throw err;
      }
    },
    remove,
  };
}
