// Outlook events read as Concilia's synced event shape and written back as Graph bodies: zones
// (Windows names, Prefer outlook.timezone or not), all-day dates, series with their exceptions and
// cancelled occurrences, attendees' answers, and the recurrence patterns both ways.
import { describe, expect, it } from "vitest";
import { meetingFields } from "../../../server/providers/graph/calendar-body.js";
import { type GraphEventJson, graphEventState } from "../../../server/providers/graph/calendar-map.js";
import { recurrenceOf, rruleOf } from "../../../server/providers/graph/calendar-recurrence.js";
import { CONCILIA_ATTENDEES, CONCILIA_ID } from "../../../server/providers/graph/calendar-tag.js";

const ME = "ana@contoso.test";
const at = (dateTime: string, timeZone = "UTC") => ({ dateTime: `${dateTime}.0000000`, timeZone });
const base: GraphEventJson = {
  id: "AAMk1",
  "@odata.etag": 'W/"ck1"',
  type: "singleInstance",
  iCalUId: "040000008200E00074C5B7101A82E008000000001",
  subject: "Kick-off",
  body: { contentType: "text", content: "Agenda" },
  location: { displayName: "Sala 2" },
  start: at("2026-12-03T09:00:00"),
  end: at("2026-12-03T10:00:00"),
  isAllDay: false,
  originalStartTimeZone: "Romance Standard Time",
  originalEndTimeZone: "Romance Standard Time",
  organizer: { emailAddress: { name: "Ana Ruiz", address: "Ana@Contoso.test" } },
  isOrganizer: true,
  attendees: [],
};

describe("Graph event mapping", () => {
  it("R-ACT-5: a Windows zone name becomes its IANA zone; times asked in UTC stay the same instants", () => {
    const { state, uid } = graphEventState(base, ME);
    expect(uid).toBe(base.iCalUId);
    expect(state).toMatchObject({
      title: "Kick-off",
      description: "Agenda",
      location: "Sala 2",
      status: "confirmed",
      organizer: { email: "ana@contoso.test", name: "Ana Ruiz" },
      timing: {
        allDay: false,
        startAt: "2026-12-03T09:00:00.000Z",
        endAt: "2026-12-03T10:00:00.000Z",
        timeZone: "Europe/Paris",
        endTimeZone: "Europe/Paris",
      },
    });
  });

  it("R-ACT-5: times given in a Windows zone (no Prefer honoured) are read on that zone's clock", () => {
    const e = {
      ...base,
      start: at("2026-12-03T01:00:00", "Pacific Standard Time"),
      end: at("2026-12-03T02:00:00", "Pacific Standard Time"),
      originalStartTimeZone: "tzone://Microsoft/Custom",
      originalEndTimeZone: null,
    };
    expect(graphEventState(e, ME).state.timing).toEqual({
      allDay: false,
      startAt: "2026-12-03T09:00:00.000Z",
      endAt: "2026-12-03T10:00:00.000Z",
      timeZone: "America/Los_Angeles",
      endTimeZone: "America/Los_Angeles",
    });
  });

  it("an all-day event keeps its dates, end exclusive, whatever zone it was made in", () => {
    const e = {
      ...base,
      isAllDay: true,
      start: at("2026-12-24T00:00:00"),
      end: at("2026-12-26T00:00:00"),
      originalStartTimeZone: "Hawaiian Standard Time",
    };
    expect(graphEventState(e, ME).state.timing).toEqual({
      allDay: true,
      startDate: "2026-12-24",
      endDate: "2026-12-26",
    });
  });

  it("R-CAL-8, R-CAL-5: attendees keep their answers; the user's own answer to a guest event is its responseStatus", () => {
    const e: GraphEventJson = {
      ...base,
      isOrganizer: false,
      organizer: { emailAddress: { name: "Marta", address: "marta@iberia.test" } },
      responseStatus: { response: "tentativelyAccepted" },
      attendees: [
        { emailAddress: { name: "Ana", address: ME }, status: { response: "none" } },
        { emailAddress: { name: "luis@x.test", address: "Luis@X.test" }, status: { response: "declined" } },
        { emailAddress: { name: "Pia", address: "pia@x.test" }, status: { response: "notResponded" } },
        { emailAddress: { name: "Rob", address: "rob@x.test" }, status: { response: "accepted" } },
      ],
    };
    expect(graphEventState(e, ME).state.attendees).toEqual([
      { email: ME, name: "Ana", responseStatus: "tentative" },
      { email: "luis@x.test", name: null, responseStatus: "declined" },
      { email: "pia@x.test", name: "Pia", responseStatus: "needsAction" },
      { email: "rob@x.test", name: "Rob", responseStatus: "accepted" },
    ]);
  });

  it("R-CAL-8: invited through a list, the user is added to the attendees with the event's own answer", () => {
    const e: GraphEventJson = {
      ...base,
      isOrganizer: false,
      organizer: { emailAddress: { name: "Marta", address: "marta@iberia.test" } },
      responseStatus: { response: "accepted" },
      attendees: [{ emailAddress: { address: "sales@contoso.test" }, status: { response: "none" } }],
    };
    expect(graphEventState(e, ME).state.attendees).toEqual([
      { email: ME, name: null, responseStatus: "accepted" },
      { email: "sales@contoso.test", name: null, responseStatus: "needsAction" },
    ]);
  });

  it("R-CAL-7: attendees kept in our property (an event written without them) are read back from it, with our id", () => {
    const stashed = [{ email: "marta@iberia.test", name: "Marta", responseStatus: "needsAction" }];
    const e = {
      ...base,
      singleValueExtendedProperties: [
        { id: CONCILIA_ID, value: "evt_1" },
        { id: CONCILIA_ATTENDEES, value: JSON.stringify(stashed) },
      ],
    };
    const read = graphEventState(e, ME);
    expect(read.conciliaId).toBe("evt_1");
    expect(read.state.attendees).toEqual(stashed);
  });

  it("R-P-4, R-CAL-7: a damaged attendees property (JSON, but not our list) leaves the event's own empty list, not a TypeError", () => {
    for (const value of ["5", '{"email":"x@y.test"}', "[1,2]", "null", "not json"]) {
      const e = {
        ...base,
        attendees: [],
        isOrganizer: true,
        singleValueExtendedProperties: [{ id: CONCILIA_ATTENDEES, value }],
      };
      expect(graphEventState(e, ME).state.attendees).toEqual([]);
    }
  });

  it("R-CAL-6: a weekly series keeps its moved, its changed and its cancelled occurrence, keyed by original start", () => {
    const master: GraphEventJson = {
      ...base,
      type: "seriesMaster",
      subject: "Weekly Iberia",
      start: at("2026-12-01T09:00:00"),
      end: at("2026-12-01T09:30:00"),
      originalStartTimeZone: "W. Europe Standard Time",
      recurrence: {
        pattern: { type: "weekly", interval: 1, daysOfWeek: ["tuesday"], firstDayOfWeek: "sunday" },
        range: {
          type: "numbered",
          startDate: "2026-12-01",
          numberOfOccurrences: 5,
          recurrenceTimeZone: "W. Europe Standard Time",
        },
      },
      cancelledOccurrences: ["OID.AAMk1.2026-12-08"],
    };
    const occurrence = (original: string, patch: Partial<GraphEventJson>): GraphEventJson => ({
      ...master,
      id: `occ-${original}`,
      type: "exception",
      seriesMasterId: master.id,
      recurrence: null,
      originalStart: `${original}Z`,
      start: at(original),
      end: at(original.replace("09:00", "09:30")),
      ...patch,
    });
    const instances = [
      { ...occurrence("2026-12-01T09:00:00", {}), type: "occurrence" as const },
      occurrence("2026-12-15T09:00:00", { start: at("2026-12-16T14:00:00"), end: at("2026-12-16T15:00:00") }),
      occurrence("2026-12-22T09:00:00", { subject: "Weekly Iberia (budget)" }),
    ];
    const { state } = graphEventState(master, ME, instances);
    expect(state.recurrence).toEqual({ rule: "FREQ=WEEKLY;BYDAY=TU;COUNT=5", rdates: [], exdates: [] });
    expect(state.exceptions).toEqual([
      {
        originalStart: "2026-12-08T09:00:00.000Z",
        status: "cancelled",
        startAt: null,
        endAt: null,
        startDate: null,
        endDate: null,
        title: null,
      },
      {
        originalStart: "2026-12-15T09:00:00.000Z",
        status: "confirmed",
        startAt: "2026-12-16T14:00:00.000Z",
        endAt: "2026-12-16T15:00:00.000Z",
        startDate: null,
        endDate: null,
        title: null,
      },
      {
        originalStart: "2026-12-22T09:00:00.000Z",
        status: "confirmed",
        startAt: null,
        endAt: null,
        startDate: null,
        endDate: null,
        title: "Weekly Iberia (budget)",
      },
    ]);
  });

  it("Graph's six recurrence patterns become RRULEs and back; an end date is inclusive on the series' clock", () => {
    const start = { allDay: false, startAt: Date.parse("2026-12-01T08:00:00Z"), zone: "Europe/Madrid" };
    const cases: [Parameters<typeof rruleOf>[0], string][] = [
      [
        { pattern: { type: "daily", interval: 2 }, range: { type: "noEnd", startDate: "2026-12-01" } },
        "FREQ=DAILY;INTERVAL=2",
      ],
      [
        {
          pattern: { type: "weekly", interval: 1, daysOfWeek: ["monday", "wednesday"] },
          range: { type: "endDate", startDate: "2026-12-01", endDate: "2027-01-31" },
        },
        "FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=20270131T080000Z",
      ],
      [
        {
          pattern: { type: "absoluteMonthly", interval: 1, dayOfMonth: 15 },
          range: { type: "numbered", startDate: "2026-12-01", numberOfOccurrences: 3 },
        },
        "FREQ=MONTHLY;BYMONTHDAY=15;COUNT=3",
      ],
      [
        {
          pattern: { type: "relativeMonthly", interval: 1, daysOfWeek: ["friday"], index: "last" },
          range: { type: "noEnd", startDate: "2026-12-01" },
        },
        "FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
      ],
      [
        {
          pattern: { type: "absoluteYearly", interval: 1, month: 3, dayOfMonth: 4 },
          range: { type: "noEnd", startDate: "2026-12-01" },
        },
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=4",
      ],
      [
        {
          pattern: {
            type: "relativeYearly",
            interval: 1,
            month: 11,
            daysOfWeek: ["thursday"],
            index: "fourth",
          },
          range: { type: "noEnd", startDate: "2026-12-01" },
        },
        "FREQ=YEARLY;BYMONTH=11;BYDAY=TH;BYSETPOS=4",
      ],
    ];
    for (const [graph, rule] of cases) {
      expect(rruleOf(graph, start)).toBe(rule);
      expect(rruleOf(recurrenceOf(rule, start, "Romance Standard Time")!, start)).toBe(rule);
    }
    expect(recurrenceOf("FREQ=HOURLY", start, "UTC")).toBeNull();
  });

  it("R-ACT-5: a timed event is written on its own clock in its zone; all-day as midnight to midnight", () => {
    const { state } = graphEventState(base, ME);
    expect(meetingFields(state)).toMatchObject({
      start: { dateTime: "2026-12-03T10:00:00.0000000", timeZone: "Europe/Paris" },
      end: { dateTime: "2026-12-03T11:00:00.0000000", timeZone: "Europe/Paris" },
      isAllDay: false,
    });
    const allDay = {
      ...state,
      timing: { allDay: true as const, startDate: "2026-12-24", endDate: "2026-12-25" },
    };
    expect(meetingFields(allDay)).toMatchObject({
      start: { dateTime: "2026-12-24T00:00:00.0000000", timeZone: "UTC" },
      end: { dateTime: "2026-12-25T00:00:00.0000000", timeZone: "UTC" },
      isAllDay: true,
    });
  });
});
