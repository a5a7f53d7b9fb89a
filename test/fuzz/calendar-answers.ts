// R-P-4 for the calendar providers' answers: the Google Calendar and Outlook (Graph) calendar readers
// fed malformed, truncated and wrongly-shaped answers (calendar lists, event pages with sync tokens
// and next links, events, instances, Google's multipart batches and Graph's $batch), through the
// functions the sync sessions call. A listing ends in a well-formed page or a classified SyncError; a
// fetch answers every item, read or with a SyncError, and what it read maps to an event as the
// session's write maps it; no listing follows the same page for ever.
import fc from "fast-check";
import { googleEventShape } from "../../server/providers/google/calendar-answers.js";
import { itemsOf, listGoogleCalendarChanges } from "../../server/providers/google/calendar-changes.js";
import { GoogleCalendarClient } from "../../server/providers/google/calendar-client.js";
import { type FetchedGoogleEvent, fetchGoogleEvents } from "../../server/providers/google/calendar-fetch.js";
import { listedCalendar, listGoogleCalendars } from "../../server/providers/google/calendar-list.js";
import { mapGoogleEvent } from "../../server/providers/google/calendar-read-map.js";
import { graphEventShape } from "../../server/providers/graph/calendar-answers.js";
import { type DeltaUnit, listGraphCalendarBatch } from "../../server/providers/graph/calendar-changes.js";
import { fetchGraphEvents } from "../../server/providers/graph/calendar-fetch.js";
import { listGraphCalendars } from "../../server/providers/graph/calendar-list.js";
import { type GraphEventJson, graphEventState } from "../../server/providers/graph/calendar-map.js";
import { GraphClient } from "../../server/providers/graph/client.js";
import { forgetKeptPages } from "../../server/providers/kept-pages.js";
import type { ChangedItem, FetchedItem } from "../../server/providers/types.js";
import { anyJson, nearly } from "./generators.js";
import {
  type Answer,
  answer,
  checkFetched,
  checkPage,
  type FuzzTally,
  googleBatch,
  googleBatchAnswer,
  jsonText,
  noWait,
  outcome,
  playing,
  statuses,
} from "./provider-answers.js";

/** Requests one case may make: a reader that keeps asking for the same page never ends. */
const MOST_REQUESTS = 300;

/** `fetch` counting its calls; past MOST_REQUESTS it fails every call, and `endless()` says so. */
export function bounded(fetch: typeof globalThis.fetch) {
  let n = 0;
  const f = (async (url: string | URL, init?: RequestInit) => {
    if (++n > MOST_REQUESTS) throw new Error("too many requests");
    return fetch(url, init);
  }) as typeof globalThis.fetch;
  return {
    fetch: f,
    check: () => {
      if (n > MOST_REQUESTS) throw new Error(`more than ${MOST_REQUESTS} requests: a listing going round`);
    },
  };
}

/** Runs `body` on a bounded fetch; a case that made endless requests fails, whatever it ended in. */
export async function boundedOutcome(
  t: FuzzTally,
  fetch: typeof globalThis.fetch,
  body: (fetch: typeof globalThis.fetch) => Promise<string>,
) {
  const b = bounded(fetch);
  try {
    await outcome(t, () => body(b.fetch));
  } finally {
    b.check();
  }
}

// ---------------------------------------------------------------- Google Calendar

const gWhen = (h: number) => ({ dateTime: `2026-01-05T${String(h).padStart(2, "0")}:00:00+01:00` });
const gSingle = {
  id: "e1",
  etag: '"1"',
  status: "confirmed",
  iCalUID: "e1@google.com",
  sequence: 0,
  summary: "Call with Ana",
  start: gWhen(10),
  end: gWhen(11),
  organizer: { email: "ana@acme.test", self: true },
  attendees: [{ email: "bo@client.test", responseStatus: "accepted" }],
  extendedProperties: { private: { conciliaId: "c1" } },
};
const gParent = {
  ...gSingle,
  id: "s1",
  etag: '"2"',
  start: { dateTime: "2026-01-05T09:00:00", timeZone: "Europe/Paris" },
  end: { dateTime: "2026-01-05T09:30:00", timeZone: "Europe/Paris" },
  recurrence: ["RRULE:FREQ=WEEKLY;COUNT=10"],
};
const gInstance = {
  ...gParent,
  id: "s1_20260112T080000Z",
  recurrence: undefined,
  recurringEventId: "s1",
  originalStartTime: { dateTime: "2026-01-12T09:00:00+01:00" },
  start: gWhen(14),
  end: gWhen(15),
};
const gCancelled = { id: "s1_20260119T080000Z", status: "cancelled", recurringEventId: "s1" };
const gTombstone = { id: "gone1", status: "cancelled" };
const gAllDay = {
  id: "d1",
  etag: '"3"',
  summary: "Offsite",
  start: { date: "2026-02-02" },
  end: { date: "2026-02-04" },
};

/** Mostly as the provider sends them, else nearly so: a page of events is not all broken. */
export const mostlyRight = (...shapes: Record<string, unknown>[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...shapes) },
    { weight: 2, arbitrary: fc.oneof(...shapes.map(nearly)) },
  );
/** An answer of 200 with `value`, or of any status with `value` perhaps cut short or not JSON. */
export const mostlyOk = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    value.map((v) => ({ status: 200, body: JSON.stringify(v) ?? "", contentType: "application/json" })),
    answer(value),
  );

const googleEvent = mostlyRight(gSingle, gParent, gInstance, gCancelled, gTombstone, gAllDay);
const googleEventsPage = fc
  .record({
    items: fc.array(googleEvent, { maxLength: 8 }),
    timeZone: fc.constantFrom("Europe/Paris", "UTC", "America/New_York", "Mars/Olympus"),
    end: fc.constantFrom<Record<string, string>>({ nextPageToken: "p2" }, { nextSyncToken: "s2" }),
  })
  .chain(({ items, timeZone, end }) => mostlyRight({ items, timeZone, ...end }));
const googleCalendarList = mostlyRight({
  items: [
    { id: "ana@acme.test", summary: "Ana", primary: true, accessRole: "owner", timeZone: "Europe/Paris" },
    { id: "team@group.calendar.google.com", summary: "Team", accessRole: "reader" },
  ],
  nextPageToken: "c2",
});

const googleCursors = fc.constantFrom(
  null,
  { phase: "sync", syncToken: "s1" },
  { phase: "full", timeMin: "2025-01-01T00:00:00.000Z", pageToken: "p1" },
  { phase: "sync", syncToken: "s1", skip: 1 },
);

const googleClient = (fetch: typeof globalThis.fetch) =>
  new GoogleCalendarClient({
    baseUrl: "https://google.test",
    accessToken: async () => "t",
    fetch,
    retry: noWait,
  });

const ANA = { email: "ana@acme.test", name: "Ana" };

/** What the session's write does with a fetched Google item: an event and instances that map. */
function checkGoogleItems(fetched: FetchedItem[]) {
  for (const f of fetched) {
    if ("error" in f || f.meta?.gone) continue;
    const read = JSON.parse(f.raw.toString("utf8")) as FetchedGoogleEvent;
    mapGoogleEvent(read.event, read.instances, { self: ANA, calendarZone: read.zone });
  }
}

/** A listed item as calendar-changes.ts refers to it: gone, an event as listed, or a series to read. */
const googleRef = fc.oneof(
  fc.constant({ gone: true }),
  fc.constant({ series: true, zone: "Europe/Paris" }),
  fc.constant({ series: true, zone: "Europe/Paris" }),
  // An event as the listing hands it on: checked, and a series' instance referring to its series.
  googleEvent.map((event) => {
    const listed = googleEventShape.safeParse(event);
    return listed.success ? itemsOf([listed.data], "UTC")[0].ref : { gone: true };
  }),
);

export async function fuzzGoogleCalendarAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  await fc.assert(
    fc.asyncProperty(
      mostlyOk(googleEventsPage),
      mostlyOk(googleCalendarList),
      fc.array(mostlyOk(fc.oneof(googleEventsPage, googleCalendarList, googleEvent, anyJson)), {
        maxLength: 3,
      }),
      googleCursors,
      fc.constantFrom(1, 50, 2500),
      fc.boolean(),
      async (events, calendarList, more, cursor, limit, calendars) =>
        boundedOutcome(t, playing([calendars ? calendarList : events, ...more]), async (fetch) => {
          forgetKeptPages();
          const client = googleClient(fetch);
          if (calendars) {
            for (const c of await listGoogleCalendars(client)) {
              const l = listedCalendar(c);
              if (typeof l.id !== "string" || typeof l.name !== "string")
                throw new Error(`a bad calendar: ${JSON.stringify(c)}`);
            }
            return "calendars";
          }
          const since = new Date("2025-06-01T00:00:00Z");
          const page = await listGoogleCalendarChanges(
            client,
            "conn",
            "ana@acme.test",
            cursor as never,
            limit,
            since,
          );
          checkPage(page);
          // What the session then does with the page: fetch and map its items.
          const fetched = await fetchGoogleEvents(client, "ana@acme.test", page.items);
          const held = checkFetched(page.items, fetched);
          checkGoogleItems(fetched);
          return `page, ${held}`;
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9_]{1,12}$/), googleRef), { minLength: 1, maxLength: 30 }),
      fc.array(answer(fc.oneof(googleEvent, googleEventsPage, anyJson)), { minLength: 1, maxLength: 4 }),
      googleBatch(jsonText(fc.oneof(googleEvent, googleEventsPage)), "refused"),
      async (refs, answers, spec) =>
        boundedOutcome(t, playing(answers, googleBatchAnswer(spec)), async (fetch) => {
          const items: ChangedItem[] = [...new Map(refs).entries()].map(([key, ref]) => ({ key, ref }));
          const fetched = await fetchGoogleEvents(googleClient(fetch), "ana@acme.test", items);
          const held = checkFetched(items, fetched);
          checkGoogleItems(fetched);
          return held;
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  return t;
}

// ---------------------------------------------------------------- Graph calendar

const mWhen = (d: string, h: number) => ({
  dateTime: `${d}T${String(h).padStart(2, "0")}:00:00.0000000`,
  timeZone: "UTC",
});
const mSingle = {
  id: "g1",
  "@odata.etag": 'W/"1"',
  changeKey: "1",
  type: "singleInstance",
  iCalUId: "u1",
  subject: "Call with Ana",
  body: { contentType: "text", content: "Agenda" },
  location: { displayName: "Room 1" },
  start: mWhen("2026-01-05", 10),
  end: mWhen("2026-01-05", 11),
  isAllDay: false,
  originalStartTimeZone: "W. Europe Standard Time",
  originalEndTimeZone: "W. Europe Standard Time",
  organizer: { emailAddress: { name: "Ana", address: "ana@acme.test" } },
  isOrganizer: true,
  showAs: "busy",
  responseStatus: { response: "organizer" },
  attendees: [{ emailAddress: { address: "bo@client.test", name: "Bo" }, status: { response: "accepted" } }],
};
const mMaster = {
  ...mSingle,
  id: "s1",
  type: "seriesMaster",
  "@odata.etag": 'W/"2"',
  recurrence: {
    pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday"], firstDayOfWeek: "sunday" },
    range: { type: "numbered", startDate: "2026-01-05", numberOfOccurrences: 10, recurrenceTimeZone: "UTC" },
  },
  cancelledOccurrences: ["OID.s1.2026-01-19"],
};
const mException = {
  ...mSingle,
  id: "s1.x",
  type: "exception",
  seriesMasterId: "s1",
  originalStart: "2026-01-12T10:00:00Z",
  start: mWhen("2026-01-12", 14),
  end: mWhen("2026-01-12", 15),
};
const mOccurrence = {
  ...mException,
  id: "s1.o",
  type: "occurrence",
  start: mWhen("2026-01-26", 10),
  end: mWhen("2026-01-26", 11),
};
const mRemoved = { id: "r1", "@removed": { reason: "deleted" } };
const mAllDay = {
  ...mSingle,
  id: "d1",
  isAllDay: true,
  start: mWhen("2026-02-02", 0),
  end: mWhen("2026-02-04", 0),
};

const graphEvent = mostlyRight(mSingle, mMaster, mException, mOccurrence, mAllDay, {
  ...mSingle,
  transactionId: "crm-1",
});
const graphRow = fc.oneof(graphEvent, mostlyRight(mRemoved));
const graphDeltaPage = fc
  .record({
    value: fc.array(graphRow, { maxLength: 8 }),
    end: fc.constantFrom<Record<string, string>>(
      { "@odata.nextLink": "https://graph.test/v1.0/me/calendars/c1/calendarView/delta?$skiptoken=n" },
      { "@odata.deltaLink": "https://graph.test/v1.0/me/calendars/c1/calendarView/delta?$deltatoken=d" },
    ),
  })
  .chain(({ value, end }) => mostlyRight({ value, ...end }));
const graphInstances = fc
  .array(mostlyRight(mException, mOccurrence), { maxLength: 6 })
  .chain((value) => mostlyRight({ value }));
const graphCalendarList = mostlyRight({
  value: [
    { id: "c1", name: "Calendar", isDefaultCalendar: true, canEdit: true },
    { id: "c2", name: "Shared", canEdit: false },
  ],
  "@odata.nextLink": "https://graph.test/v1.0/me/calendars?$skip=2",
});

/** A Graph $batch answer to the ids asked: responses with random statuses and bodies, or any JSON. */
type GraphBatchSpec = {
  style: string;
  parts: { status: number; body: unknown; keep: boolean }[];
  other: unknown;
};
export const graphBatchOf = (body: fc.Arbitrary<unknown>): fc.Arbitrary<GraphBatchSpec> =>
  fc.record({
    style: fc.constantFrom("parts", "parts", "parts", "other", "refused"),
    parts: fc.array(fc.record({ status: statuses, body, keep: fc.boolean() }), { maxLength: 40 }),
    other: anyJson,
  });
export function graphBatchAnswer(spec: GraphBatchSpec) {
  return (request: string): Answer => {
    if (spec.style === "other")
      return { status: 200, body: JSON.stringify(spec.other) ?? "", contentType: "application/json" };
    if (spec.style === "refused") return { status: 503, body: "", contentType: "application/json" };
    const ids = (JSON.parse(request) as { requests: { id: string }[] }).requests.map((r) => r.id);
    const responses = ids
      .map((id, n) => ({ id, ...(spec.parts[n] ?? { status: 200, body: {}, keep: true }) }))
      .filter((p) => p.keep)
      .map(({ id, status, body }) => ({ id, status, headers: { "content-type": "application/json" }, body }));
    return { status: 200, body: JSON.stringify({ responses }), contentType: "application/json" };
  };
}

const graphClient = (fetch: typeof globalThis.fetch) =>
  new GraphClient({ baseUrl: "https://graph.test/v1.0", accessToken: async () => "t", fetch, retry: noWait });

const ACCOUNT = "ana@acme.test";

/** Units as the session resolves them with no links yet: a listed event of another client as listed. */
const resolve = (units: DeltaUnit[]): ChangedItem[] =>
  units.flatMap(({ key, row }) => {
    if (row.removed) return [];
    return [row.event && !row.event.transactionId ? { key, ref: { event: row.event } } : { key }];
  });

/** Items read as the session reads them: a listed event mapped as listed, the others read in full. */
async function readGraphItems(client: GraphClient, items: ChangedItem[]): Promise<FetchedItem[]> {
  const listed = (i: ChangedItem) => (i.ref as { event?: GraphEventJson } | undefined)?.event;
  const read = await fetchGraphEvents(
    client,
    items.filter((i) => !listed(i)),
    ACCOUNT,
    (i, got) => ({ key: i.key, raw: Buffer.from(JSON.stringify(got)) }),
    Date.parse("2026-01-10T00:00:00Z"),
    new Map([["s1", Date.parse("2026-01-05T10:00:00Z")]]),
  );
  const byKey = new Map(read.map((f) => [f.key, f]));
  return items.map((i) => {
    const e = listed(i);
    return e
      ? { key: i.key, raw: Buffer.from(JSON.stringify(graphEventState(e, ACCOUNT))) }
      : byKey.get(i.key)!;
  });
}

export async function fuzzGraphCalendarAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  await fc.assert(
    fc.asyncProperty(
      mostlyOk(graphDeltaPage),
      fc.array(mostlyOk(fc.oneof(graphEvent, graphInstances, graphCalendarList, anyJson)), { maxLength: 4 }),
      graphBatchOf(fc.oneof(graphEvent, graphInstances, anyJson)),
      fc.constantFrom(
        null,
        { deltaLink: "https://graph.test/d" },
        { deltaLink: null, nextLink: "https://graph.test/n", windowAt: Date.parse("2026-01-01T00:00:00Z") },
      ),
      fc.constantFrom(1, 50, 999),
      fc.boolean(),
      async (delta, answers, spec, cursor, limit, calendars) =>
        boundedOutcome(t, playing([delta, ...answers], graphBatchAnswer(spec)), async (fetch) => {
          forgetKeptPages();
          const client = graphClient(fetch);
          if (calendars) {
            for (const c of await listGraphCalendars(
              graphClient(playing(answers.length ? answers : [delta])),
            ))
              if (typeof c.id !== "string" || typeof c.name !== "string")
                throw new Error(`a bad calendar: ${JSON.stringify(c)}`);
            return "calendars";
          }
          const batch = await listGraphCalendarBatch(client, "conn", "c1", cursor, limit, resolve, (items) =>
            readGraphItems(client, items),
          );
          checkPage(batch);
          for (const [key, f] of batch.read) checkFetched([{ key }], [f]);
          return "page";
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.stringMatching(/^[a-z0-9.]{1,12}$/), fc.option(graphEvent, { nil: undefined })), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.array(answer(fc.oneof(graphEvent, graphInstances, anyJson)), { minLength: 1, maxLength: 4 }),
      graphBatchOf(fc.oneof(graphEvent, graphEvent, graphInstances, anyJson)),
      async (refs, answers, spec) =>
        boundedOutcome(t, playing(answers, graphBatchAnswer(spec)), async (fetch) => {
          // A listed event as the delta listing hands it on: checked, else read in full.
          const items: ChangedItem[] = [...new Map(refs).entries()].map(([key, event]) => {
            const listed = graphEventShape.safeParse(event);
            return listed.success ? { key, ref: { event: listed.data } } : { key };
          });
          return checkFetched(items, await readGraphItems(graphClient(fetch), items));
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  return t;
}
