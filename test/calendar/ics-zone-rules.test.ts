// R-P-4: a VTIMEZONE whose STANDARD rule repeats every second (found by the iCalendar fuzz property,
// shrunk from a mutated Outlook "Customized Time Zone" file) made ical.js expand the zone's offset
// changes second by second from 1601 to today: `concilia inspect-ics` never finished and the heap grew
// until the process died. Such rules are now dropped with a problem on their line.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { inspectIcs } from "../../server/calendar/inspect-ics.js";

const zoneWithRule = (rrule: string, dtstart = "16010101T020000") =>
  [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "BEGIN:VTIMEZONE",
    "TZID:Customized Time Zone",
    "BEGIN:STANDARD",
    `DTSTART:${dtstart}`,
    "TZOFFSETFROM:-0400",
    "TZOFFSETTO:-0500",
    rrule,
    "END:STANDARD",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",
    "UID:zone-rule",
    "DTSTAMP:20260225T120000Z",
    "DTSTART;TZID=Customized Time Zone:20260303T103000",
    "DTEND;TZID=Customized Time Zone:20260303T110000",
    "SUMMARY:Partner sync",
    "END:VEVENT",
    "END:VCALENDAR",
    "",
  ].join("\r\n");

describe("R-P-4 VTIMEZONE rules that would expand without bound", () => {
  it("R-P-4: a zone rule repeating every second is dropped with its line; `concilia inspect-ics` answers in seconds and the event is read", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "zone-rule-")), "every-second.ics");
    fs.writeFileSync(file, zoneWithRule("RRULE:FREQ=SECONDLY"));
    // A child process, so that the endless expansion of before fails the test instead of hanging it.
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        path.resolve(__dirname, "../../bin/concilia.mjs"),
        "inspect-ics",
        file,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
      ],
      { env: { ...process.env, CONCILIA_CORPUS: "" }, timeout: 25_000 },
    );
    const { occurrences } = JSON.parse(stdout);
    // The zone keeps its one observance: 10:30 at −5 is 15:30 UTC.
    expect(occurrences.map((o: { start: string; title: string }) => [o.start, o.title])).toEqual([
      ["2026-03-03T15:30:00.000Z", "Partner sync"],
    ]);
    expect(stderr).toContain(
      `${file}:9: VTIMEZONE Customized Time Zone STANDARD rule repeats SECONDLY, not yearly: ignored`,
    );
  }, 30_000);

  it("R-P-4: a yearly zone rule that changes the offset on 84 days a year from year 1 is dropped; Outlook's yearly rule is kept", () => {
    const many = inspectIcs(
      Buffer.from(
        zoneWithRule(
          "RRULE:FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7",
          "00010101T020000",
        ),
      ),
      { from: "2026-03-01", to: "2026-03-31" },
    );
    expect(many.problems).toEqual([
      {
        line: 9,
        message:
          "VTIMEZONE Customized Time Zone STANDARD rule changes the offset more than 40 times in ten years: ignored",
      },
    ]);
    expect(many.occurrences.map((o) => o.start)).toEqual(["2026-03-03T15:30:00.000Z"]);

    const outlook = inspectIcs(
      Buffer.from(zoneWithRule("RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11")),
      {
        from: "2026-03-01",
        to: "2026-03-31",
      },
    );
    expect(outlook.problems).toEqual([]);
    expect(outlook.occurrences.map((o) => o.start)).toEqual(["2026-03-03T15:30:00.000Z"]);
  });

  it("R-P-4: a zone whose rule starts at an unreadable DTSTART is left to ical.js: the event using it is reported by line, nothing throws", () => {
    const { occurrences, problems } = inspectIcs(
      Buffer.from(zoneWithRule("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "2026-03-16 09:00")),
      { from: "2026-03-01", to: "2026-03-31" },
    );
    expect(occurrences).toEqual([]);
    expect(problems).toEqual([{ line: 12, message: expect.stringMatching(/^VEVENT at line 12: /) }]);
  });
});
