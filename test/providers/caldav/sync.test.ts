// Reading and writing a real Radicale calendar: conditional writes (R-P-3), sync-collection changes and
// the full re-listing after a rejected token (R-P-2), and calendar objects that round-trip exactly
// (R-CAL-6 series with their exceptions, all-day dates, attendees' answers for R-CAL-8).
import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import type { SyncedEventState } from "../../../server/calendar/synced-state.js";
import { CaldavConflict, classifyCaldavError } from "../../../server/providers/caldav/errors.js";
import { fetchCalendarObjects } from "../../../server/providers/caldav/fetch.js";
import { listCalendarChanges } from "../../../server/providers/caldav/list-changes.js";
import {
  type CaldavEvent,
  parseCalendarObject,
  toCalendarObject,
} from "../../../server/providers/caldav/map.js";
import { createEvent, deleteEvent, readObject, updateEvent } from "../../../server/providers/caldav/write.js";
import { SyncError } from "../../../server/sync/errors.js";
import { newCalendarUser, type TestCalendarUser } from "../../harness/caldav.js";

let user: TestCalendarUser;
let calendar: { url: string; syncCollection: boolean };
beforeEach(async () => {
  user = await newCalendarUser();
  calendar = { url: user.calendarUrl, syncCollection: true };
});

function single(title: string, overrides: Partial<SyncedEventState> = {}): CaldavEvent {
  return {
    uid: `${randomUUID()}@concilia`,
    sequence: 0,
    conciliaId: `evt_${title.replace(/\W/g, "")}`,
    state: {
      title,
      description: null,
      location: null,
      status: "confirmed",
      timing: {
        allDay: false,
        startAt: "2026-03-04T08:00:00.000Z",
        endAt: "2026-03-04T09:00:00.000Z",
        timeZone: "Europe/Madrid",
        endTimeZone: "Europe/Madrid",
      },
      organizer: { email: "me@concilia.example", name: "Me" },
      attendees: [],
      recurrence: null,
      exceptions: [],
      ...overrides,
    },
  };
}

/** Every object in the calendar, by a full listing. */
async function allHrefs(): Promise<string[]> {
  const page = await listCalendarChanges(user.client, calendar, null);
  return page.changes.map((c) => c.href).sort();
}

async function readBack(href: string): Promise<CaldavEvent[]> {
  const [got] = await fetchCalendarObjects(user.client, calendar.url, [href]);
  if (!("ics" in got)) throw new Error(`${href} is gone`);
  return parseCalendarObject(got.ics);
}

describe("CalDAV writes (R-P-3)", () => {
  it("R-P-3: creating the same event twice (a retried create) leaves one resource and answers its etag", async () => {
    const event = single("Demo");
    const first = await createEvent(user.client, calendar.url, event);
    expect(first.created).toBe(true);
    expect(first.etag).toMatch(/\S/);
    const again = await createEvent(user.client, calendar.url, event);
    expect(again).toEqual({ href: first.href, etag: first.etag, created: false });
    expect(await allHrefs()).toEqual([first.href]);
  });

  it("R-P-3: creating an event whose UID another client stored under another name answers that object", async () => {
    const event = single("Made elsewhere");
    const elsewhere = `${calendar.url}other-name.ics`;
    const put = await user.client.fetch(elsewhere, {
      method: "PUT",
      headers: { ...user.client.headers, "content-type": "text/calendar; charset=utf-8" },
      body: toCalendarObject(event),
    });
    expect(put.status).toBe(201);
    const w = await createEvent(user.client, calendar.url, event);
    expect(w).toMatchObject({ href: elsewhere, created: false });
    expect(await allHrefs()).toEqual([elsewhere]);
  });

  it("R-P-3: an update with a stale etag is a conflict and the calendar keeps the newer version", async () => {
    const event = single("Demo");
    const created = await createEvent(user.client, calendar.url, event);
    const renamed = { ...event, sequence: 1, state: { ...event.state, title: "Renamed in the calendar" } };
    const updated = await updateEvent(user.client, created.href, created.etag, renamed);
    expect(updated.etag).not.toBe(created.etag);
    const stale = { ...event, sequence: 1, state: { ...event.state, title: "Concilia's edit" } };
    const err = await updateEvent(user.client, created.href, created.etag, stale).catch((e) => e);
    expect(err).toBeInstanceOf(CaldavConflict);
    expect((await readBack(created.href))[0].state.title).toBe("Renamed in the calendar");
    // A delete with the stale etag is refused the same way; with the current one it goes.
    await expect(deleteEvent(user.client, created.href, created.etag)).rejects.toBeInstanceOf(CaldavConflict);
    await deleteEvent(user.client, created.href, updated.etag);
    expect(await readObject(user.client, created.href)).toBeNull();
    // Deleting what is gone already is done.
    await deleteEvent(user.client, created.href, updated.etag);
  });
});

describe("CalDAV invitations (R-CAL-7)", () => {
  it("R-CAL-7: a new event leaves invitations to the server; an edit marks attendees SCHEDULE-AGENT=CLIENT", async () => {
    const event = single("Kick-off", {
      attendees: [{ email: "ana@client.example", name: "Ana Ruiz", responseStatus: "needsAction" }],
    });
    const created = await createEvent(user.client, calendar.url, event);
    const afterCreate = (await readObject(user.client, created.href))!.ics;
    expect(afterCreate).toMatch(/ATTENDEE/);
    expect(afterCreate).not.toMatch(/SCHEDULE-AGENT/);
    const moved = { ...event, sequence: 1, state: { ...event.state, location: "Room 2" } };
    const updated = await updateEvent(user.client, created.href, created.etag, moved);
    const afterUpdate = (await readObject(user.client, updated.href))!.ics.replace(/\r\n[ \t]/g, "");
    expect(afterUpdate).toMatch(/ATTENDEE;[^\r\n]*SCHEDULE-AGENT=CLIENT[^\r\n]*:mailto:ana@client\.example/);
    expect((await readBack(updated.href))[0].state).toEqual(moved.state);
  });
});

describe("CalDAV changes (R-P-2)", () => {
  it("R-P-2: after the first listing, sync-collection returns only the changed item, then its removal", async () => {
    const a = await createEvent(user.client, calendar.url, single("A"));
    const b = await createEvent(user.client, calendar.url, single("B"));
    const first = await listCalendarChanges(user.client, calendar, null);
    expect(first.changes.map((c) => c.href).sort()).toEqual([a.href, b.href].sort());
    expect(first.cursor).toMatchObject({ mode: "sync-collection", calendarUrl: calendar.url });
    expect(first.cursor.syncToken).toMatch(/\S/);
    expect(first.more).toBe(false);

    const nothing = await listCalendarChanges(user.client, calendar, first.cursor);
    expect(nothing.changes).toEqual([]);

    const bEvent = (await readBack(b.href))[0];
    const b2 = await updateEvent(user.client, b.href, b.etag, {
      ...bEvent,
      state: { ...bEvent.state, title: "B moved" },
    });
    const second = await listCalendarChanges(user.client, calendar, first.cursor);
    expect(second.changes).toEqual([{ href: b.href, etag: b2.etag, removed: false }]);

    await deleteEvent(user.client, a.href, a.etag);
    const third = await listCalendarChanges(user.client, calendar, second.cursor);
    expect(third.changes).toEqual([{ href: a.href, etag: null, removed: true }]);
  });

  it("R-P-3: an incremental listing leaves out what Concilia holds at that ETag (its own writes), not what changed since", async () => {
    const first = await listCalendarChanges(user.client, calendar, null);
    const ours = await createEvent(user.client, calendar.url, single("Ours"));
    const theirs = await createEvent(user.client, calendar.url, single("Theirs"));
    const known = new Map([
      [ours.href, ours.etag],
      [theirs.href, theirs.etag],
    ]);
    const t = (await readBack(theirs.href))[0];
    const theirs2 = await updateEvent(user.client, theirs.href, theirs.etag, {
      ...t,
      state: { ...t.state, title: "Theirs, edited elsewhere" },
    });
    const next = await listCalendarChanges(user.client, calendar, first.cursor, { known });
    expect(next.changes).toEqual([{ href: theirs.href, etag: theirs2.etag, removed: false }]);
    // Without what is held, both are listed as before.
    const all = await listCalendarChanges(user.client, calendar, first.cursor);
    expect(all.changes.map((c) => c.href).sort()).toEqual([ours.href, theirs.href].sort());
  });

  it("R-P-2: a listing longer than the page limit comes in pages, the rest kept in the cursor, nothing twice or lost", async () => {
    const made: string[] = [];
    for (const t of ["A", "B", "C", "D", "E"])
      made.push((await createEvent(user.client, calendar.url, single(t))).href);
    const seen: string[] = [];
    let cursor = null;
    const mores: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const page = await listCalendarChanges(user.client, calendar, cursor, { limit: 2 });
      expect(page.changes.length).toBeLessThanOrEqual(2);
      seen.push(...page.changes.map((c) => c.href));
      mores.push(page.more);
      cursor = page.cursor;
      if (!page.more) break;
    }
    expect(mores).toEqual([true, true, false]);
    expect(seen.sort()).toEqual([...made].sort());
    // The token saved with the first page already covered the rest: next comes only what is new.
    const f = await createEvent(user.client, calendar.url, single("F"));
    const next = await listCalendarChanges(user.client, calendar, cursor, { limit: 2 });
    expect(next.changes.map((c) => c.href)).toEqual([f.href]);
    expect(next.more).toBe(false);
  });

  it("R-P-2: a rejected sync token is cursor-rejected, and the full re-listing has no duplicates and skips unchanged etags", async () => {
    const hrefs: string[] = [];
    const known = new Map<string, string>();
    for (const t of ["A", "B", "C"]) {
      const w = await createEvent(user.client, calendar.url, single(t));
      hrefs.push(w.href);
      known.set(w.href, w.etag);
    }
    const first = await listCalendarChanges(user.client, calendar, null);
    const bogus = {
      ...first.cursor,
      syncToken:
        "http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000",
    };
    const err = await listCalendarChanges(user.client, calendar, bogus).catch((e) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect(err.kind).toBe("cursor-rejected");
    expect(classifyCaldavError(err).kind).toBe("cursor-rejected");

    // Meanwhile one item changed and one was removed in the calendar.
    const c = (await readBack(hrefs[2]))[0];
    const c2 = await updateEvent(user.client, hrefs[2], known.get(hrefs[2])!, {
      ...c,
      state: { ...c.state, title: "C changed" },
    });
    await deleteEvent(user.client, hrefs[0], known.get(hrefs[0])!);

    const full = await listCalendarChanges(user.client, calendar, null, { known });
    const listed = full.changes.map((ch) => ch.href);
    expect(new Set(listed).size).toBe(listed.length);
    expect(full.changes.sort((x, y) => x.href.localeCompare(y.href))).toEqual(
      [
        { href: hrefs[0], etag: null, removed: true },
        { href: hrefs[2], etag: c2.etag, removed: false },
      ].sort((x, y) => x.href.localeCompare(y.href)),
    );
    // And the new token works incrementally again.
    expect((await listCalendarChanges(user.client, calendar, full.cursor)).changes).toEqual([]);
  });

  it("R-P-2: a server without sync-collection is followed by ctag and an etag listing", async () => {
    const plain = { url: calendar.url, syncCollection: false };
    const a = await createEvent(user.client, calendar.url, single("A"));
    const first = await listCalendarChanges(user.client, plain, null);
    expect(first.cursor.mode).toBe("etag-listing");
    expect(first.changes).toEqual([{ href: a.href, etag: a.etag, removed: false }]);
    expect((await listCalendarChanges(user.client, plain, first.cursor)).changes).toEqual([]);
    const b = await createEvent(user.client, calendar.url, single("B"));
    await deleteEvent(user.client, a.href, a.etag);
    const next = await listCalendarChanges(user.client, plain, first.cursor);
    expect(next.changes.sort((x, y) => x.href.localeCompare(y.href))).toEqual(
      [
        { href: a.href, etag: null, removed: true },
        { href: b.href, etag: b.etag, removed: false },
      ].sort((x, y) => x.href.localeCompare(y.href)),
    );
  });

  it("R-P-2: calendar-multiget fetches in batches and reports an item removed meanwhile as gone", async () => {
    const written = [];
    for (const t of ["A", "B", "C", "D", "E"])
      written.push(await createEvent(user.client, calendar.url, single(t)));
    await deleteEvent(user.client, written[3].href, written[3].etag);
    const got = await fetchCalendarObjects(
      user.client,
      calendar.url,
      written.map((w) => w.href),
      2,
    );
    expect(got.map((g) => g.href)).toEqual(written.map((w) => w.href));
    expect(got[3]).toEqual({ href: written[3].href, gone: true });
    const titles = got.flatMap((g) =>
      "ics" in g ? parseCalendarObject(g.ics).map((e) => e.state.title) : [],
    );
    expect(titles).toEqual(["A", "B", "C", "E"]);
    expect(got[0]).toMatchObject({ etag: written[0].etag });
  });
});

describe("CalDAV calendar objects round-trip", () => {
  it("R-CAL-6: a weekly series with an EXDATE, a moved occurrence and a cancelled one reads back exactly", async () => {
    const series = single("Weekly review", {
      description: "Pipeline, line by line",
      location: "Room 4",
      timing: {
        allDay: false,
        // Tuesdays 09:00 in Madrid, across the end of daylight saving (25 October 2026).
        startAt: "2026-10-06T07:00:00.000Z",
        endAt: "2026-10-06T08:00:00.000Z",
        timeZone: "Europe/Madrid",
        endTimeZone: "Europe/Madrid",
      },
      recurrence: { rule: "FREQ=WEEKLY;COUNT=8;BYDAY=TU", rdates: [], exdates: ["2026-10-13T07:00:00.000Z"] },
      attendees: [
        { email: "ana@client.example", name: "Ana Ruiz", responseStatus: "accepted" },
        { email: "bo@client.example", name: null, responseStatus: "needsAction" },
        { email: "cy@client.example", name: null, responseStatus: "tentative" },
      ],
      exceptions: [
        {
          // 20 October 09:00 moved to 11:00 and renamed.
          originalStart: "2026-10-20T07:00:00.000Z",
          status: "confirmed",
          startAt: "2026-10-20T09:00:00.000Z",
          endAt: "2026-10-20T10:00:00.000Z",
          startDate: null,
          endDate: null,
          title: "Weekly review (late)",
        },
        {
          // 3 November 09:00 is after the change to winter time: 08:00 UTC.
          originalStart: "2026-11-03T08:00:00.000Z",
          status: "cancelled",
          startAt: null,
          endAt: null,
          startDate: null,
          endDate: null,
          title: null,
        },
      ],
    });
    const w = await createEvent(user.client, calendar.url, series);
    const [back] = await readBack(w.href);
    expect(back.uid).toBe(series.uid);
    expect(back.conciliaId).toBe(series.conciliaId);
    expect(back.state).toEqual(series.state);

    const raw = (await readObject(user.client, w.href))!.ics;
    expect(raw).toMatch(/DTSTART;TZID=Europe\/Madrid:20261006T090000/);
    expect(raw).toMatch(/EXDATE;TZID=Europe\/Madrid:20261013T090000/);
    expect(raw).toMatch(/RECURRENCE-ID;TZID=Europe\/Madrid:20261020T090000/);
    expect(raw).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Madrid/);
    expect(raw.match(/BEGIN:VEVENT/g)).toHaveLength(3);
  });

  it("R-CAL-6: an all-day event stays a date, with DTEND exclusive", async () => {
    const event = single("Trade fair", {
      timing: { allDay: true, startDate: "2026-12-03", endDate: "2026-12-05" },
    });
    const w = await createEvent(user.client, calendar.url, event);
    const raw = (await readObject(user.client, w.href))!.ics;
    expect(raw).toMatch(/DTSTART;VALUE=DATE:20261203/);
    expect(raw).toMatch(/DTEND;VALUE=DATE:20261205/);
    const [back] = await readBack(w.href);
    expect(back.state.timing).toEqual({ allDay: true, startDate: "2026-12-03", endDate: "2026-12-05" });
    expect(back.state).toEqual(event.state);
  });

  it("R-CAL-8: an event written by another client is read with its organizer, answers and sequence", async () => {
    const uid = `${randomUUID()}@other.example`;
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "PRODID:-//Other//EN",
      "BEGIN:VEVENT",
      `UID:${uid}`,
      "DTSTAMP:20260301T100000Z",
      "DTSTART:20260304T150000Z",
      "DURATION:PT30M",
      "SEQUENCE:3",
      "STATUS:TENTATIVE",
      "SUMMARY:Call with Ana",
      "ORGANIZER;CN=Ana Ruiz:mailto:Ana@Client.example",
      "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Me:mailto:me@concilia.example",
      "ATTENDEE;PARTSTAT=DECLINED:mailto:bo@client.example",
      "END:VEVENT",
      "END:VCALENDAR",
      "",
    ].join("\r\n");
    const href = `${calendar.url}${encodeURIComponent(uid)}.ics`;
    const res = await user.client.fetch(href, {
      method: "PUT",
      headers: { ...user.client.headers, "content-type": "text/calendar; charset=utf-8" },
      body: ics,
    });
    expect(res.status).toBe(201);
    const [back] = await readBack(href);
    expect(back).toMatchObject({ uid, sequence: 3, conciliaId: null });
    expect(back.state).toMatchObject({
      title: "Call with Ana",
      status: "tentative",
      organizer: { email: "ana@client.example", name: "Ana Ruiz" },
      attendees: [
        { email: "bo@client.example", name: null, responseStatus: "declined" },
        { email: "me@concilia.example", name: "Me", responseStatus: "needsAction" },
      ],
      timing: {
        allDay: false,
        startAt: "2026-03-04T15:00:00.000Z",
        endAt: "2026-03-04T15:30:00.000Z",
        timeZone: "UTC",
      },
    });
  });
});
