// The real-world iCalendar files of ../shared/corpus/ical, each read the way its README entry says a
// correct parser must read it (R-CAL-6, R-ACT-5, R-P-4). The corpus is beside the repository, not in
// it: where it is missing (a plain clone) this file is not collected (vitest.config.ts) and `npm test`
// says so; test/calendar/ics.test.ts covers the same kinds of file.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectIcs } from "../../server/calendar/inspect-ics.js";
import { corpusDir, corpusPresent } from "../harness/corpus.js";

const DIR = corpusDir("ical");
const inspect = (name: string, from: string, to: string) =>
  inspectIcs(fs.readFileSync(path.join(DIR, name)), { from, to });
const starts = (r: ReturnType<typeof inspect>) => r.occurrences.map((o) => o.start);

function corpusTests() {
  it("R-P-4: every file is read without an exception, broken ones with their problems named by line", () => {
    for (const name of fs.readdirSync(DIR).filter((f) => f.endsWith(".ics"))) {
      const r = inspect(name, "2020-01-01", "2020-12-31");
      for (const p of r.problems) expect(p.line, `${name}: ${p.message}`).toBeGreaterThan(0);
    }
    const zday = inspect("libical__zday.ics", "1800-01-01", "2100-12-31");
    expect(zday.problems.length).toBeGreaterThan(0);
  });

  it('failure mode 4: a "Customized Time Zone" is applied from its VTIMEZONE: 34 Tue/Thu occurrences, the last on UNTIL', () => {
    const r = inspect("node-ical__bad_ms_tz.ics", "2020-01-01", "2020-12-31");
    expect(r.occurrences).toHaveLength(34);
    expect(r.occurrences[0]).toMatchObject({
      start: "2020-08-25T14:35:00.000Z",
      end: "2020-08-25T15:50:00.000Z",
    });
    expect(r.occurrences.at(-1)!.start).toBe("2020-12-17T15:35:00.000Z");
  });

  it("failure mode 4: a TZID with escaped commas in its VTIMEZONE matches its quoted use (Bangkok, +07:00)", () => {
    const r = inspect("node-ical__exchange-custom-tz.ics", "2019-01-01", "2019-12-31");
    expect(starts(r)).toEqual(["2019-04-30T02:00:00.000Z"]);
  });

  it("failure mode 4: Outlook's value swallowed by a quoted TZID is repaired: the Jira event starts 07:00 UTC", () => {
    const r = inspect("node-ical__ms_timezones.ics", "2020-06-09", "2020-06-09");
    const jira = r.occurrences.find((o) => o.title === "Log Yesterday's Jira time");
    expect(jira).toMatchObject({ start: "2020-06-09T07:00:00.000Z", end: "2020-06-09T07:30:00.000Z" });
    expect(r.problems.map((p) => p.line)).toEqual([152]);
  });

  it("R-CAL-6: an all-day series whose exception is keyed by a midnight date-time keeps the move (19, 24, 27 Feb)", () => {
    const r = inspect("node-ical__exchange_whole_day_moved_recurrence.ics", "2026-02-19", "2026-03-01");
    expect(r.occurrences.map((o) => [o.start, o.originalStart])).toEqual([
      ["2026-02-19", "2026-02-19"],
      ["2026-02-24", "2026-02-24"],
      ["2026-02-27", "2026-02-26"],
    ]);
  });

  it("R-CAL-6: an all-day series over the Berlin DST change stays whole days, with its moved day", () => {
    const r = inspect("node-ical__whole_day_moved_over_dst_change_berlin.ics", "2024-10-01", "2024-11-30");
    expect(r.occurrences.map((o) => [o.start, o.allDay])).toEqual([
      ["2024-10-27", true],
      ["2024-10-29", true],
      ["2024-10-30", true],
    ]);
  });

  it("R-CAL-6: counts, EXDATEs, RDATEs and moved occurrences as the sources' tests state them", () => {
    expect(starts(inspect("icaljs__recur_instances_finite.ics", "2012-01-01", "2013-12-31"))).toEqual([
      "2012-10-02T17:00:00.000Z",
      "2012-11-05T18:00:00.000Z",
      "2012-11-06T18:00:00.000Z",
      "2012-11-10T18:00:00.000Z",
      "2012-12-04T18:00:00.000Z",
    ]);
    expect(starts(inspect("icaljs__rdate_exdate.ics", "2024-01-01", "2024-12-31"))).toEqual([
      "2024-06-09T03:00:00.000Z",
      "2024-06-10T03:00:00.000Z",
      "2024-06-12T03:00:00.000Z",
    ]);
    const instances = inspect("icaljs__recur_instances.ics", "2012-01-01", "2013-04-30").occurrences;
    const originals = instances.map((o) => o.originalStart).sort();
    expect(originals.slice(0, 6)).toEqual([
      "2012-10-02T17:00:00.000Z",
      "2012-11-05T18:00:00.000Z",
      "2012-11-06T18:00:00.000Z",
      "2012-11-10T18:00:00.000Z",
      "2012-11-30T18:00:00.000Z",
      "2013-01-01T18:00:00.000Z",
    ]);
    for (const exdate of ["2012-12-04T18:00:00.000Z", "2013-02-05T18:00:00.000Z", "2013-04-02T17:00:00.000Z"])
      expect(originals).not.toContain(exdate);
    // Google birthdays: exceptions under another UID than their series still replace its occurrences.
    expect(starts(inspect("icaljs__google_birthday.ics", "2010-01-01", "2016-12-31"))).toEqual([
      "2012-12-10",
      "2013-12-10",
      "2014-12-10",
    ]);
    const daily = inspect("node-ical__daily-count-exdate-recurrence-id.ics", "2015-01-01", "2015-12-31");
    expect(daily.occurrences).toHaveLength(8);
    expect(daily.occurrences.find((o) => o.originalStart === "2015-07-07T19:00:00.000Z")!.start).toBe(
      "2015-07-09T22:00:00.000Z",
    );
    const kiev = inspect("node-ical__google-calendar-kiev-tz.ics", "2016-01-01", "2016-12-31");
    expect(kiev.occurrences.map((o) => [o.start, o.title])).toEqual([
      ["2016-08-25T11:00:00.000Z", "repeated"],
      ["2016-08-26T11:00:00.000Z", "bla bla"],
      ["2016-08-27T11:00:00.000Z", "repeated"],
      ["2016-08-28T11:00:00.000Z", "repeated"],
    ]);
    const order = inspect("node-ical__google-recurrence-order.ics", "2026-01-01", "2026-12-31");
    expect(order.occurrences.map((o) => o.title)).toEqual([
      "TEST RECURR 3",
      "TEST RECURR 3 - MODIFIED",
      "TEST RECURR 3",
    ]);
    expect(order.occurrences[1]!.start).toBe("2026-02-11T17:30:00.000Z");
    const biweekly = inspect("node-ical__biweekly-exdate-until.ics", "2017-01-01", "2017-12-31");
    expect(biweekly.occurrences.filter((o) => o.title === "Example of comma-separated exdates")).toHaveLength(
      21,
    );
    expect(inspect("libical__recur-errors.ics", "1997-01-01", "1999-12-31").occurrences).toHaveLength(
      4 + 4 + 6 + 10,
    );
    // A Vienna series without VTIMEZONE ends on its UTC UNTIL (08:00 UTC = 10:00 Vienna): 15 − 5 EXDATEs.
    const vienna = inspect(
      "py-icalendar__event_with_recurrence_exdates_on_different_lines.ics",
      "2012-01-01",
      "2012-12-31",
    );
    expect(vienna.occurrences).toHaveLength(10);
    expect(vienna.occurrences.at(-1)!.start).toBe("2012-07-03T08:00:00.000Z");
  });

  it("R-CAL-8: statuses and answers of an Apple export; an unknown PARTSTAT reads as needing action", () => {
    const r = inspect("node-ical__tentative-apple-calendar.ics", "2022-01-01", "2022-12-31");
    expect(r.occurrences.map((o) => o.status)).toEqual(["tentative", "confirmed", "cancelled", "confirmed"]);
    expect(r.occurrences[0]!.attendees[0]!.responseStatus).toBe("tentative");
    expect(r.occurrences[2]!.attendees[0]!.responseStatus).toBe("needsAction");
  });

  it("R-ACT-5: floating, UTC, zoned and date events; a date without VALUE=DATE is a date", () => {
    const r = inspect("node-ical__mixed-timezone-handling.ics", "2002-01-01", "2002-12-31");
    expect(r.occurrences).toHaveLength(5);
    expect(r.occurrences.map((o) => o.zone).sort()).toEqual(
      ["America/New_York", "UTC", "floating", null, null].sort() as (string | null)[],
    );
  });

  it("failure mode 4: a non-ASCII Windows TZID (Brasília) is read from its VTIMEZONE; a stray line after END:VCALENDAR is ignored", () => {
    const brasilia = inspect(
      "py-icalendar__issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics",
      "2017-01-01",
      "2017-12-31",
    );
    expect(brasilia).toMatchObject({ problems: [], occurrences: [{ start: "2017-05-11T16:30:00.000Z" }] });
    const podio = inspect("py-icalendar__issue_350.ics", "2022-01-01", "2022-12-31");
    expect(podio.occurrences.map((o) => [o.start, o.title])).toEqual([
      ["2022-02-22T18:30:00.000Z", 'Termin 4353 und"so"'],
    ]);
  });

  it("R-MAIL-5 for calendars: a Latin-1 file keeps its accents; a BOM is ignored", () => {
    const latin = inspect("comm-central__importLatin1.ics", "2019-01-01", "2019-01-01");
    expect(latin.occurrences).toHaveLength(4);
    expect(latin.occurrences.map((o) => o.title)).toContain("Event Två");
    expect(inspect("py-icalendar__bom_calendar.ics", "1990-01-01", "2030-12-31")).toMatchObject({
      occurrences: [],
      problems: [],
    });
  });
}

// Collected only where the corpus exists (vitest.config.ts); run by hand without it, this says why.
if (!corpusPresent("ical"))
  throw new Error(`The shared corpus is not at ${corpusDir("ical")} (set CONCILIA_CORPUS).`);
describe("iCalendar corpus", corpusTests);
