// R-P-4 for iCalendar: mutated real files and broken VTIMEZONE, RRULE and RECURRENCE-ID lines, lines cut
// short. The file reader reports problems by line and never throws; the CalDAV object reader either
// maps the object or refuses it with IcsParseError (the item fails alone, nothing is written); the
// occurrences of whatever was read are computed without a throw or an endless expansion.
import fc from "fast-check";
import { parseIcs } from "../../server/calendar/ics.js";
import { icsOccurrences } from "../../server/calendar/ics-occurrences.js";
import { IcsParseError, parseCalendarObject } from "../../server/providers/caldav/map.js";
import { badIcs } from "./generators.js";
import { type FuzzTally, startCase } from "./provider-answers.js";

const FROM = new Date("2026-01-01T00:00:00Z");
const TO = new Date("2027-01-01T00:00:00Z");

export async function fuzzIcs(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  const tally = (o: string) => {
    t.outcomes[o] = (t.outcomes[o] ?? 0) + 1;
  };
  fc.assert(
    fc.property(badIcs, (text) => {
      t.cases++;
      const done = startCase(t);
      try {
        icsCase(text);
      } finally {
        done();
      }
    }),
    { numRuns: runs, seed },
  );
  return t;

  function icsCase(text: string) {
    const parsed = parseIcs(text);
    for (const p of parsed.problems)
      if (!Number.isInteger(p.line) || p.line < 1 || typeof p.message !== "string" || !p.message)
        throw new Error(`a problem without line or words: ${JSON.stringify(p)}`);
    const { occurrences } = icsOccurrences(parsed, FROM, TO, "ana@concilia.test");
    for (const o of occurrences)
      if (typeof o.start !== "string" || typeof o.end !== "string")
        throw new Error(`an occurrence without start or end: ${JSON.stringify(o)}`);
    tally(parsed.problems.length ? "read with problems" : "read");
    try {
      const events = parseCalendarObject(text);
      for (const e of events) JSON.stringify(e.state);
      tally("CalDAV object mapped");
    } catch (err) {
      if (!(err instanceof IcsParseError)) throw err;
      tally("CalDAV object refused");
    }
  }
}
