// R-P-4: bad input anywhere gets a clear error and loses nothing already stored. fast-check runs each
// property on 500 generated cases here (FUZZ_RUNS overrides) and on 10,000 in `npm run bench -- fuzz`;
// a failure prints its seed and counterexample, and `FUZZ_SEED=<seed>` replays it. The server's doors
// get their 500 cases on PostgreSQL (raw mail: 500 in-process through parse and rendering, 150 through
// the endpoint and the database); the embedded engine (the same SQL, slower per request) runs 150 of
// each, to keep the suite's time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines } from "../harness/app.js";
import { fuzzGoogleCalendarAnswers, fuzzGraphCalendarAnswers } from "./calendar-answers.js";
import { fuzzIcs } from "./calendar-input.js";
import { fuzzGraphContactsAnswers } from "./contacts-answers.js";
import { codeIn, fuzzMailParse } from "./mail-input.js";
import { fuzzCaldavAnswers, fuzzGmailAnswers, fuzzGraphAnswers } from "./provider-answers.js";
import { fuzzApi, fuzzMailIngest, fuzzPush } from "./server-inputs.js";
import { type FuzzWorld, startFuzzWorld } from "./world.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const TIMEOUT = 120_000;
const FEWER = Math.min(RUNS, Number(process.env.FUZZ_RUNS_EMBEDDED ?? 150));
const SERVER_RUNS = { postgres: RUNS, pglite: FEWER };

describe("the MIME property's check for code in a rendered body", () => {
  it("R-P-4, R-MAIL-5: finds scripts, handlers and javascript: URLs, entities or not, and not the words inside a relative URL", () => {
    // Seed 731608425: quoted-printable left undecoded, `=3D"javascript:…"` became a relative URL.
    expect(codeIn('<a href="3D&quot;javascript:alert(3)&quot;" rel="noopener">bad link</a>')).toBeNull();
    expect(codeIn("<p>javascript: in a sentence</p> &lt;script&gt;")).toBeNull();
    expect(codeIn('<a href=" &#106;avascript:alert(1)">x</a>')).toMatch(/href running javascript:/);
    expect(codeIn("<a HREF=JaVaScRiPt&colon;x>")).toMatch(/HREF running/);
    expect(codeIn("<img src=x onerror=alert(1)>")).toBe("the handler onerror");
    expect(codeIn("<div><script>alert(2)</script></div>")).toBe("a script element");
  });
});

describe("R-P-4 fuzzed provider answers and calendar files", () => {
  it(
    "R-P-4: Gmail lists and batches of any shape end in a page, items each fetched or failed, or a classified SyncError",
    async () => {
      expect((await fuzzGmailAnswers(RUNS, SEED)).cases).toBeGreaterThanOrEqual(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: Graph delta pages and $batch answers of any shape end in a page, items each fetched or failed, or a classified SyncError",
    async () => {
      expect((await fuzzGraphAnswers(RUNS, SEED)).cases).toBeGreaterThanOrEqual(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: CalDAV multistatus answers of any shape end in changes on the calendar's server, objects for every href, or a classified SyncError",
    async () => {
      expect((await fuzzCaldavAnswers(RUNS, SEED)).cases).toBe(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: Google Calendar lists, event pages, instances and batches of any shape end in a page whose items are each read and mapped or failed, or a classified SyncError",
    async () => {
      expect((await fuzzGoogleCalendarAnswers(RUNS, SEED)).cases).toBeGreaterThanOrEqual(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: Outlook calendar lists, calendarView delta pages, events, instances and $batch answers of any shape end in a page whose items are each read and mapped or failed, or a classified SyncError",
    async () => {
      expect((await fuzzGraphCalendarAnswers(RUNS, SEED)).cases).toBeGreaterThanOrEqual(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: Exchange contact delta pages, $batch reads of our properties, folders and master categories of any shape end in contacts with their fields, or a classified SyncError",
    async () => {
      expect((await fuzzGraphContactsAnswers(RUNS, SEED)).cases).toBe(RUNS);
    },
    TIMEOUT,
  );
  it(
    "R-P-4, R-MAIL-5: broken MIME (mutated fixtures, broken boundaries, bad encodings and charsets, huge headers, nested multiparts) parses into parts with name, type and bytes and a body without code, or is refused with a 4xx that says why",
    async () => {
      const t = await fuzzMailParse(RUNS, SEED);
      expect(t.cases).toBe(RUNS);
      expect(t.outcomes.parsed).toBeGreaterThan(RUNS / 4);
    },
    TIMEOUT,
  );
  it(
    "R-P-4: broken iCalendar (cut lines, bad VTIMEZONE, RRULE, RECURRENCE-ID) is read with problems by line, or refused as IcsParseError",
    async () => {
      const t = await fuzzIcs(RUNS, SEED);
      expect(t.cases).toBe(RUNS);
      expect(t.outcomes["CalDAV object mapped"]).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

describe.each(engines)("R-P-4 fuzzed input at the server's doors on %s", (engine) => {
  let w: FuzzWorld;
  const runs = SERVER_RUNS[engine];
  beforeAll(async () => {
    w = await startFuzzWorld(engine);
  }, TIMEOUT);
  afterAll(() => w?.s.close());

  it(
    "R-P-4, R-MAIL-5: broken MIME (mutated fixtures, broken boundaries, bad encodings and charsets, huge headers, nested multiparts) is logged or refused as problem+json; nothing stored is lost",
    async () => {
      const t = await fuzzMailIngest(w.s, w.tokens.member, runs, SEED);
      expect(t.cases).toBe(runs);
      // Some of the broken mail is still mail: it is logged, not only refused.
      expect(Object.keys(t.outcomes)).toEqual(expect.arrayContaining(["422"]));
    },
    TIMEOUT,
  );

  it(
    "R-P-4, R-P-2: pushes with malformed JSON, wrong shapes, huge bodies and wrong or missing secrets are refused as problem+json and ask for no sync",
    async () => {
      const t = await fuzzPush(w.s, runs, SEED);
      expect(t.cases).toBe(runs);
      expect(t.outcomes["403"]).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it(
    "R-P-4: every API operation of the OpenAPI document, with generated paths, queries and bodies, answers below 500, refuses as problem+json and changes nothing when it refuses",
    async () => {
      const t = await fuzzApi(w.s, w.tokens, w.ids, runs, SEED);
      expect(t.cases).toBe(runs);
      expect(t.operations).toBeGreaterThan(50);
      expect(t.outcomes["400"]).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});
