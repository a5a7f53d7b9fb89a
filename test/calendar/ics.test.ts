// Reading iCalendar files (server/calendar/ics.ts, ics-occurrences.ts) as `concilia inspect-ics`
// shows them: the occurrences calendar sync would store between two dates, from hand-made files in
// test/fixtures/ical (a series with an EXDATE, a moved and a cancelled occurrence across a DST change;
// an all-day event; a Windows "Customized Time Zone"; a broken VEVENT between two good ones).
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { inspectIcs } from "../../server/calendar/inspect-ics.js";

const DIR = path.resolve(__dirname, "../fixtures/ical");
const fixture = (name: string) => fs.readFileSync(path.join(DIR, name));
const inspect = (name: string, from: string, to: string, user?: string) =>
  inspectIcs(fixture(name), { from, to, user });

describe("inspect-ics on the repository's fixtures", () => {
  it("R-CAL-6: a weekly series keeps 09:00 Madrid across DST, drops its EXDATE, shows the moved and the cancelled occurrence", () => {
    const { occurrences, problems } = inspect("recurring-with-exceptions.ics", "2026-03-01", "2026-04-30");
    expect(problems).toEqual([]);
    expect(occurrences.map((o) => [o.originalStart, o.start, o.end, o.status, o.title])).toEqual([
      [
        "2026-03-16T08:00:00.000Z",
        "2026-03-16T08:00:00.000Z",
        "2026-03-16T09:00:00.000Z",
        "confirmed",
        "Weekly pipeline review",
      ],
      // 23 March is an EXDATE; Spain moves to summer time on 29 March: 09:00 is now 07:00 UTC.
      [
        "2026-03-30T07:00:00.000Z",
        "2026-03-30T07:00:00.000Z",
        "2026-03-30T08:00:00.000Z",
        "confirmed",
        "Weekly pipeline review",
      ],
      [
        "2026-04-06T07:00:00.000Z",
        "2026-04-07T09:00:00.000Z",
        "2026-04-07T10:00:00.000Z",
        "confirmed",
        "Weekly pipeline review (Tuesday this week)",
      ],
      [
        "2026-04-13T07:00:00.000Z",
        "2026-04-13T07:00:00.000Z",
        "2026-04-13T08:00:00.000Z",
        "cancelled",
        "Weekly pipeline review",
      ],
      [
        "2026-04-20T07:00:00.000Z",
        "2026-04-20T07:00:00.000Z",
        "2026-04-20T08:00:00.000Z",
        "confirmed",
        "Weekly pipeline review",
      ],
    ]);
    expect(
      occurrences.every((o) => o.zone === "Europe/Madrid" && o.uid === "weekly-review@concilia.test"),
    ).toBe(true);
  });

  it("R-CAL-8: attendees come with their response status, the organizer with the name given", () => {
    const [first, , moved] = inspect("recurring-with-exceptions.ics", "2026-03-01", "2026-04-30").occurrences;
    expect(first!.organizer).toEqual({ email: "ana@concilia.test", name: "Ana Ruiz" });
    expect(first!.attendees).toEqual([
      { email: "ana@concilia.test", name: "Ana Ruiz", responseStatus: "accepted" },
      { email: "bo.lind@client.test", name: "Bo Lind", responseStatus: "tentative" },
      { email: "carla@client.test", name: null, responseStatus: "needsAction" },
      { email: "dan@law.test", name: "Dan, the lawyer", responseStatus: "declined" },
    ]);
    // The moved occurrence carries its own attendee list, as its exception says.
    expect(moved!.attendees.map((a) => [a.email, a.responseStatus])).toEqual([
      ["ana@concilia.test", "accepted"],
      ["bo.lind@client.test", "accepted"],
    ]);
  });

  it("R-CAL-4: --user makes the events that user does not organise read-only", () => {
    const asOrganizer = inspect(
      "recurring-with-exceptions.ics",
      "2026-03-01",
      "2026-03-20",
      "Ana@Concilia.test",
    );
    expect(asOrganizer.occurrences.map((o) => o.readOnly)).toEqual([false]);
    const asGuest = inspect("customized-time-zone.ics", "2026-03-01", "2026-03-31", "ana@concilia.test");
    expect(asGuest.occurrences.map((o) => o.readOnly)).toEqual([true, true, true]);
    expect(
      inspect("all-day.ics", "2026-05-01", "2026-05-31", "ana@concilia.test").occurrences[0]!.readOnly,
    ).toBe(false);
    expect(inspect("all-day.ics", "2026-05-01", "2026-05-31").occurrences[0]!.readOnly).toBeNull();
    // An exception that does not repeat the ORGANIZER is still the organizer's meeting.
    const text = fixture("customized-time-zone.ics")
      .toString("utf8")
      .replace(
        "END:VEVENT\r\nEND:VCALENDAR",
        [
          "END:VEVENT",
          "BEGIN:VEVENT",
          "UID:040000008200E00074C5B7101A82E00800000000C0B1F8F2A1ADDC01000000000000000010000000",
          " 8D6DF0E5B3F1A4468F5E0A5A1B2C3D4E",
          "RECURRENCE-ID;TZID=Customized Time Zone:20260310T103000",
          "DTSTART;TZID=Customized Time Zone:20260310T120000",
          "DTEND;TZID=Customized Time Zone:20260310T123000",
          "SUMMARY:Partner sync (moved)",
          "END:VEVENT",
          "END:VCALENDAR",
        ].join("\r\n"),
      );
    const moved = inspectIcs(Buffer.from(text), {
      from: "2026-03-01",
      to: "2026-03-31",
      user: "ana@concilia.test",
    });
    expect(moved.occurrences.map((o) => [o.title, o.organizer?.email, o.readOnly])).toEqual([
      ["Partner sync", "erin@partner.test", true],
      ["Partner sync (moved)", "erin@partner.test", true],
      ["Partner sync", "erin@partner.test", true],
    ]);
  });

  it("R-ACT-5: an all-day event stays dates, end exclusive, with no zone; it is listed on its last day only", () => {
    const { occurrences } = inspect("all-day.ics", "2026-05-02", "2026-05-02");
    expect(occurrences).toMatchObject([
      { allDay: true, start: "2026-05-01", end: "2026-05-03", zone: null, title: "Trade fair in Bologna" },
    ]);
    expect(inspect("all-day.ics", "2026-05-03", "2026-05-10").occurrences).toEqual([]);
    expect(inspect("all-day.ics", "2026-04-01", "2026-04-30").occurrences).toEqual([]);
  });

  it('failure mode 4: a Windows "Customized Time Zone" is read from its own rules, across the US DST change', () => {
    const { occurrences, problems } = inspect("customized-time-zone.ics", "2026-03-01", "2026-03-31");
    expect(problems).toEqual([]);
    // 10:30 in a zone at −5 until 8 March, −4 after it.
    expect(occurrences.map((o) => [o.start, o.end])).toEqual([
      ["2026-03-03T15:30:00.000Z", "2026-03-03T16:00:00.000Z"],
      ["2026-03-10T14:30:00.000Z", "2026-03-10T15:00:00.000Z"],
      ["2026-03-17T14:30:00.000Z", "2026-03-17T15:00:00.000Z"],
    ]);
    expect(occurrences[0]).toMatchObject({
      zone: "Customized Time Zone",
      title: "Partner sync",
      uid: "040000008200E00074C5B7101A82E00800000000C0B1F8F2A1ADDC010000000000000000100000008D6DF0E5B3F1A4468F5E0A5A1B2C3D4E",
      organizer: { email: "erin@partner.test", name: "Erin Park" },
      attendees: [{ email: "ana@concilia.test", name: "Ana Ruiz", responseStatus: "needsAction" }],
    });
  });

  it("R-P-4: a broken VEVENT is reported with its line and the events around it are still read", () => {
    const { occurrences, problems } = inspect("broken-between-good.ics", "2026-06-01", "2026-06-30");
    expect(occurrences.map((o) => o.title)).toEqual(["First good event", "Last good event"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(15);
    expect(problems[0]!.message).toMatch(/VEVENT at line 11 skipped: .*this line is not a property/);
  });

  it("R-P-4: a VEVENT without its END is reported and the next one is read", () => {
    const text = fixture("broken-between-good.ics")
      .toString("utf8")
      .replace("this line is not a property\r\n", "")
      .replace("SUMMARY:First good event\r\nEND:VEVENT\r\n", "SUMMARY:First good event\r\n");
    const { occurrences, problems } = inspectIcs(Buffer.from(text), { from: "2026-06-01", to: "2026-06-30" });
    expect(occurrences.map((o) => o.title)).toEqual(["Broken event", "Last good event"]);
    expect(problems).toEqual([
      { line: 4, message: "VEVENT has no END:VEVENT before the next one at line 10: skipped" },
    ]);
  });

  it("a range that is not a date is refused with a message naming the option", () => {
    expect(() => inspect("all-day.ics", "May 1st", "2026-05-31")).toThrow(/--from 'May 1st' is not a date/);
    expect(() => inspect("all-day.ics", "2026-05-31", "2026-05-01")).toThrow(/--to is before --from/);
  });

  it("`concilia inspect-ics` prints the JSON and names each problem's line on stderr", async () => {
    const file = path.join(DIR, "broken-between-good.ics");
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        path.resolve(__dirname, "../../bin/concilia.mjs"),
        "inspect-ics",
        file,
        "--from",
        "2026-06-01",
        "--to",
        "2026-06-30",
      ],
      { env: { ...process.env, CONCILIA_CORPUS: "" } },
    );
    expect(JSON.parse(stdout).occurrences).toHaveLength(2);
    expect(stderr).toContain(`${file}:15: VEVENT at line 11 skipped`);
  }, 30_000);
});
