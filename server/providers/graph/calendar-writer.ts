// The Graph CalendarWriter (sync/calendar/outbound.ts): CRM events written to one Outlook calendar.
//
// - Create: POST with a transactionId derived from the CRM event and calendar, so a POST repeated
//   after a lost answer returns the first one's event (§1.7), and our ConciliaId tag (§1.8).
// - R-CAL-7: Exchange invites everyone in `attendees` when an event is saved, and Graph has no switch
//   to stop it. A new event made in Concilia is created with its attendees (the invitation is wanted);
//   history (the first sync) is created without attendees, which go into our ConciliaAttendees
//   property instead, and stays that way for good, so none of it ever mails anyone.
// - Update: only the fields that differ from what was last synced are PATCHed, with If-Match on the
//   link's changeKey and no read first: a PATCH that succeeds proves Outlook still holds what was
//   last synced, so the difference to it is the difference to Outlook. The event is read first only
//   where the read is needed: when the attendee list changed (whether the list is withheld in our
//   ConciliaAttendees property, and the answers already given, are only in Outlook's copy), when
//   nothing was recorded, when only a series' occurrences are owed (their slots are found from the
//   master), and after a 412. Attendees are sent only when the list itself changed (Exchange then mails the added and removed
//   ones); any other change of a meeting the user organises mails every attendee, which Graph cannot
//   suppress (see README). A CRM event marked cancelled (deleted in Concilia, R-CAL-9) is deleted.
// - A stale If-Match (the event changed in Outlook since the last sync) is resolved here: when the
//   change in Outlook is already part of what is being written, or there is none (a spurious 412),
//   the write goes ahead on the current changeKey; otherwise it is a "conflict", as for every provider
//   (outbound.ts): the item stays owed, the listing that follows records Outlook's version with its
//   changeKey (inbound.ts) and merges its change, and the next step writes the merge.
import type { SyncedEventState } from "../../calendar/synced-state.js";
import { reconcileCalendarItem } from "../../reconcile/calendar.js";
import { sameState } from "../../reconcile/compare.js";
import type { CalendarWriter } from "../../sync/calendar/outbound.js";
import { SyncError } from "../../sync/errors.js";
import { HttpSyncError } from "../http.js";
import { type GraphBody, graphAttendees, meetingFields, tagProperties } from "./calendar-body.js";
import { CALENDAR_PREFER } from "./calendar-delta.js";
import { fetchGraphEvent } from "./calendar-fetch.js";
import { type GraphEventJson, graphEventState } from "./calendar-map.js";
import { writeOccurrences } from "./calendar-occurrences.js";
import { CONCILIA_ATTENDEES, EXPAND_TAGS, tagValue, transactionIdOf } from "./calendar-tag.js";
import type { GraphClient } from "./client.js";

/** An update that must wait for the import of the event's change in Outlook (see above). */
const changedInOutlook = () =>
  new SyncError(
    "conflict",
    "The event changed in Outlook; its change is imported before Concilia's is written.",
  );

export interface GraphWriterOptions {
  calendarId: string;
  /** The mailbox's address. */
  account: string;
  /** What was last synced for an item (event_links.last_synced), to judge a stale If-Match. */
  lastSynced(href: string): Promise<SyncedEventState | null>;
}

const HEADERS = { prefer: CALENDAR_PREFER };
const eventPath = (id: string) => `/me/events/${encodeURIComponent(id)}`;
/** A series' version carries a digest after `|` (calendar-fetch.ts); If-Match takes the etag only. */
const matchOf = (etag: string) => etag.split("|")[0];
const is412 = (err: unknown) => err instanceof HttpSyncError && err.status === 412;

type Written = { href: string; etag: string };

export function graphCalendarWriter(client: GraphClient, o: GraphWriterOptions): CalendarWriter {
  const read = async (href: string) => {
    try {
      return await client.call<GraphEventJson & { "@odata.etag": string }>(
        "GET",
        `${eventPath(href)}?$expand=${encodeURIComponent(EXPAND_TAGS)}`,
        { headers: HEADERS },
      );
    } catch (err) {
      if (err instanceof SyncError && err.kind === "not-found") return null;
      throw err;
    }
  };

  /** The PATCH that turns `current` into `state`, or null when they already agree. */
  function changes(current: GraphEventJson, state: SyncedEventState): GraphBody | null {
    const now = graphEventState(current, o.account).state;
    const want = meetingFields(state);
    const have = meetingFields(now);
    const patch: GraphBody = {};
    for (const [k, v] of Object.entries(want))
      if (JSON.stringify(v) !== JSON.stringify(have[k])) patch[k] = v;
    if (have.recurrence && !want.recurrence) patch.recurrence = null;
    const withheld = tagValue(current.singleValueExtendedProperties, CONCILIA_ATTENDEES) !== null;
    const who = (s: SyncedEventState) => JSON.stringify(s.attendees.map((a) => [a.email, a.name]));
    if (withheld) {
      if (JSON.stringify(now.attendees) !== JSON.stringify(state.attendees))
        patch.singleValueExtendedProperties = [
          { id: CONCILIA_ATTENDEES, value: JSON.stringify(state.attendees) },
        ];
    } else if (who(now) !== who(state)) {
      // Answers already given stay with the attendees that remain.
      const answers = new Map(
        (current.attendees ?? []).map((a) => [a.emailAddress?.address?.toLowerCase(), a.status]),
      );
      patch.attendees = graphAttendees(state).map((a) => {
        const status = answers.get(a.emailAddress.address);
        return status ? { ...a, status } : a;
      });
    }
    return Object.keys(patch).length ? patch : null;
  }

  /** Whether Outlook's version of the item is already part of `state` (nothing of it would be lost). */
  async function mayOverwrite(href: string, current: GraphEventJson, state: SyncedEventState) {
    const last = await o.lastSynced(href);
    const theirs = await fetchGraphEvent(client, current.id, o.account);
    if ("gone" in theirs) return true;
    if (!last || sameState(theirs.state, last)) return true;
    const actions = reconcileCalendarItem({
      crm: { kind: "present", state, changedAt: new Date().toISOString() },
      provider: {
        kind: "present",
        state: theirs.state,
        etag: theirs.etag,
        changedAt: new Date(0).toISOString(),
      },
      last: { state: last, etag: null },
      role: "organizer",
      firstSync: false,
    });
    return !actions.some((a) => a.kind === "update-in-crm");
  }

  /**
   * The PATCH without a read (see above), or null when the write needs the event read first. A 412
   * also returns null: `update` then reads the event and resolves it or reports the conflict.
   */
  async function patchBlind(href: string, ifMatch: string, state: SyncedEventState): Promise<Written | null> {
    const last = await o.lastSynced(href);
    const who = (s: SyncedEventState) => JSON.stringify(s.attendees.map((a) => [a.email, a.name]));
    if (!last || who(last) !== who(state)) return null;
    const want = meetingFields(state);
    const had = meetingFields(last);
    const patch: GraphBody = {};
    for (const [k, v] of Object.entries(want)) if (JSON.stringify(v) !== JSON.stringify(had[k])) patch[k] = v;
    if (had.recurrence && !want.recurrence) patch.recurrence = null;
    if (!Object.keys(patch).length) return null;
    try {
      const done = await client.call<GraphEventJson & { "@odata.etag": string }>("PATCH", eventPath(href), {
        json: patch,
        headers: { ...HEADERS, "if-match": matchOf(ifMatch) },
      });
      // The PATCH answers with the master, which is all the occurrences' writing needs.
      await writeOccurrences(client, done, state);
      return { href: done.id, etag: done["@odata.etag"] };
    } catch (err) {
      // Deleted in Outlook meanwhile: the import marks the CRM event cancelled (R-CAL-9).
      if (err instanceof SyncError && err.kind === "not-found") return { href, etag: ifMatch };
      if (is412(err)) return null;
      throw err;
    }
  }

  async function update(href: string, ifMatch: string, state: SyncedEventState, tries = 2): Promise<Written> {
    const current = await read(href);
    // Deleted in Outlook meanwhile: the import marks the CRM event cancelled (R-CAL-9).
    if (!current) return { href, etag: ifMatch };
    const etag = current["@odata.etag"];
    if (matchOf(ifMatch) !== etag && !(await mayOverwrite(href, current, state))) throw changedInOutlook();
    const patch = changes(current, state);
    if (!patch) {
      await writeOccurrences(client, current, state);
      return { href, etag };
    }
    try {
      const done = await client.call<GraphEventJson & { "@odata.etag": string }>("PATCH", eventPath(href), {
        json: patch,
        headers: { ...HEADERS, "if-match": etag },
      });
      await writeOccurrences(client, done, state);
      return { href: done.id, etag: done["@odata.etag"] };
    } catch (err) {
      // Changed between our read and our write, or Exchange's occasional spurious 412: read again.
      if (is412(err) && tries > 1) return update(href, ifMatch, state, tries - 1);
      throw err;
    }
  }

  async function remove(href: string, ifMatch: string | null): Promise<void> {
    const del = (headers: Record<string, string>) => client.call("DELETE", eventPath(href), { headers });
    try {
      await del(ifMatch ? { "if-match": matchOf(ifMatch) } : {});
    } catch (err) {
      if (err instanceof SyncError && err.kind === "not-found") return;
      // Deleted in Concilia wins over an edit made in Outlook since (R-CAL-9).
      if (!is412(err)) throw err;
      try {
        await del({});
      } catch (again) {
        if (!(again instanceof SyncError && again.kind === "not-found")) throw again;
      }
    }
  }

  return {
    async create(_uid, eventId, state, { sendInvitations }) {
      const created = await client.call<GraphEventJson & { "@odata.etag": string }>(
        "POST",
        `/me/calendars/${encodeURIComponent(o.calendarId)}/events`,
        {
          json: {
            ...meetingFields(state),
            ...(sendInvitations ? { attendees: graphAttendees(state) } : {}),
            transactionId: transactionIdOf(o.calendarId, eventId),
            singleValueExtendedProperties: tagProperties(eventId, state, !sendInvitations),
          },
          headers: HEADERS,
        },
      );
      await writeOccurrences(client, created, state);
      return { href: created.id, etag: created["@odata.etag"], icalUid: created.iCalUId };
    },
    async update(href, ifMatch, _uid, _sequence, _eventId, state) {
      if (state.status === "cancelled") {
        await remove(href, ifMatch);
        return { href, etag: ifMatch };
      }
      return (await patchBlind(href, ifMatch, state)) ?? update(href, ifMatch, state);
    },
    remove,
  };
}
