// R-P-4 for provider answers: the Gmail, Graph and CalDAV readers fed malformed, truncated and
// wrongly-shaped answers (random JSON, bodies that are not JSON, batch answers with broken parts,
// multistatus XML that is not). A reader either returns a well-formed page, or throws a classified
// SyncError the engine reacts to; a fetch answers every item, fetched or with a SyncError, so nothing
// is half-written and no answer crashes the worker.
import fc from "fast-check";
import type { CaldavClient } from "../../server/providers/caldav/client.js";
import { classifyCaldavError } from "../../server/providers/caldav/errors.js";
import { fetchCalendarObjects } from "../../server/providers/caldav/fetch.js";
import { listCalendarChanges } from "../../server/providers/caldav/list-changes.js";
import { GmailClient } from "../../server/providers/google/client.js";
import { gmailFetch } from "../../server/providers/google/fetch.js";
import { gmailListChanges, gmailScopes } from "../../server/providers/google/list-changes.js";
import { GraphClient } from "../../server/providers/graph/client.js";
import { graphFetch } from "../../server/providers/graph/fetch.js";
import { graphListChanges, graphScopes } from "../../server/providers/graph/list-changes.js";
import type { ChangedItem, ChangePage, FetchedItem } from "../../server/providers/types.js";
import { SyncError } from "../../server/sync/errors.js";
import { anyJson, nastyText, nearly } from "./generators.js";

export interface FuzzTally {
  cases: number;
  outcomes: Record<string, number>;
  /** In-process properties: the slowest case (ms) and the highest heap seen after a case (MB). */
  slowestCaseMs?: number;
  peakHeapMb?: number;
}

/** Starts timing one case of an in-process property; the returned function records its time and heap in `t`. */
export function startCase(t: FuzzTally): () => void {
  const t0 = performance.now();
  return () => {
    t.slowestCaseMs = Math.max(t.slowestCaseMs ?? 0, performance.now() - t0);
    t.peakHeapMb = Math.max(t.peakHeapMb ?? 0, process.memoryUsage().heapUsed / 1e6);
  };
}
const count = (t: FuzzTally, outcome: string) => {
  t.outcomes[outcome] = (t.outcomes[outcome] ?? 0) + 1;
};

export interface Answer {
  status: number;
  body: string;
  contentType: string;
}

export const statuses = fc.constantFrom(200, 200, 200, 200, 204, 400, 401, 403, 404, 410, 429, 500, 503);
export const jsonText = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 5, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") },
    // Cut short in transit, or a proxy's HTML page.
    {
      weight: 1,
      arbitrary: fc.tuple(value, fc.nat()).map(([v, n]) => (JSON.stringify(v) ?? "").slice(0, n % 40)),
    },
    { weight: 1, arbitrary: fc.constant("<html><body>502 Bad Gateway</body></html>") },
    { weight: 1, arbitrary: nastyText },
  );
export const answer = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Answer> =>
  fc.record({ status: statuses, body: jsonText(value), contentType: fc.constant("application/json") });

/** A fetch that plays the given answers in order (the last one again when they run out). */
export function playing(answers: Answer[], batch?: (body: string) => Answer): typeof fetch {
  let n = 0;
  return (async (_url: string | URL, init: RequestInit = {}) => {
    const a =
      batch && typeof init.body === "string" ? batch(init.body) : answers[Math.min(n++, answers.length - 1)];
    return new Response(a.status === 204 ? null : a.body, {
      status: a.status,
      headers: { "content-type": a.contentType, ...(a.status === 429 ? { "retry-after": "0" } : {}) },
    });
  }) as typeof fetch;
}

export const noWait = { maxRetries: 2, backoffMs: 0, maxWaitMs: 1000, sleep: async () => {} };

export function checkPage(page: ChangePage): void {
  if (!Array.isArray(page.items)) throw new Error("items is not a list");
  for (const i of page.items)
    if (typeof i.key !== "string" || !i.key) throw new Error(`an item without a key: ${JSON.stringify(i)}`);
  if (typeof page.more !== "boolean") throw new Error("more is not a boolean");
  if (page.cursor === undefined) throw new Error("no cursor");
  JSON.stringify(page.cursor);
}

export function checkFetched(items: ChangedItem[], fetched: FetchedItem[]): string {
  if (fetched.length !== items.length) throw new Error(`${items.length} asked, ${fetched.length} answered`);
  let errors = 0;
  for (const [n, f] of fetched.entries()) {
    if (!f || f.key !== items[n].key) throw new Error(`item ${n} answered for ${f?.key}`);
    if ("error" in f) {
      if (!(f.error instanceof SyncError)) throw new Error(`item ${n} failed unclassified: ${f.error}`);
      errors++;
    } else if (!Buffer.isBuffer(f.raw)) throw new Error(`item ${n} has no bytes`);
  }
  return errors ? "items with errors" : "all fetched";
}

/** Runs `body`; a SyncError is a classified outcome, anything else thrown fails the property. */
export async function outcome(t: FuzzTally, body: () => Promise<string>): Promise<void> {
  t.cases++;
  try {
    count(t, await body());
  } catch (err) {
    if (err instanceof SyncError) count(t, `SyncError ${err.kind}`);
    else throw err;
  }
}

// ---------------------------------------------------------------- Gmail

const gmailList = nearly({ messages: [{ id: "m1" }, { id: "m2" }], nextPageToken: "p2" });
const gmailHistory = nearly({
  history: [{ messagesAdded: [{ message: { id: "m3", labelIds: ["INBOX"] } }] }],
  historyId: "99",
});
const gmailProfile = nearly({ historyId: "42", emailAddress: "ana@acme.test" });
const gmailRaw = nearly({
  id: "m1",
  raw: Buffer.from("Subject: x\r\n\r\nhi").toString("base64url"),
  labelIds: ["INBOX"],
});

/**
 * A Google batch answer (Gmail's and Calendar's share the multipart format) to the Content-IDs in the
 * request: parts with random statuses and bodies, garbage, or an odd answer (`refused`: a 503 for the
 * whole batch; `no-boundary`: a multipart type without its boundary).
 */
export type GoogleBatchSpec = {
  style: string;
  parts: { status: number; body: string; keep: boolean }[];
  garbage: string;
};
export const googleBatch = (
  body: fc.Arbitrary<string>,
  odd: "refused" | "no-boundary",
): fc.Arbitrary<GoogleBatchSpec> =>
  fc.record({
    style: fc.constantFrom("parts", "parts", "parts", "garbage", odd),
    parts: fc.array(fc.record({ status: statuses, body, keep: fc.boolean() }), { maxLength: 30 }),
    garbage: nastyText,
  });

export function googleBatchAnswer(spec: GoogleBatchSpec) {
  return (request: string): Answer => {
    if (spec.style === "garbage")
      return { status: 200, body: spec.garbage, contentType: "multipart/mixed; boundary=b" };
    if (spec.style === "refused") return { status: 503, body: spec.garbage, contentType: "text/plain" };
    const ids = [...request.matchAll(/Content-ID: <([^>]*)>/g)].map((m) => m[1]);
    const parts = ids
      .map((id, n) => ({ id, ...(spec.parts[n] ?? { status: 200, body: "{}", keep: true }) }))
      .filter((p) => p.keep)
      .map(
        (p) =>
          `--b\r\nContent-Type: application/http\r\nContent-ID: <response-${p.id}>\r\n\r\nHTTP/1.1 ${p.status} X\r\nContent-Type: application/json\r\n\r\n${p.body}\r\n`,
      );
    return {
      status: 200,
      body: `${parts.join("")}--b--\r\n`,
      contentType: spec.style === "no-boundary" ? "multipart/mixed" : "multipart/mixed; boundary=b",
    };
  };
}

const cursorsGmail = fc.constantFrom(
  null,
  { phase: "list", historyId: "40", after: 1700000000, pageToken: "p1" },
  { phase: "history", historyId: "41" },
);
export const keys = fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,12}$/), { minLength: 1, maxLength: 25 });

/** A Gmail client that gets `fetch`'s answers and never waits to retry. */
const gmailClient = (fetch: typeof globalThis.fetch) =>
  new GmailClient({ baseUrl: "https://gmail.test", accessToken: async () => "t", fetch, retry: noWait });

export async function fuzzGmailAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  await fc.assert(
    fc.asyncProperty(
      fc.array(answer(fc.oneof(gmailList, gmailHistory, gmailProfile, anyJson)), {
        minLength: 1,
        maxLength: 4,
      }),
      cursorsGmail,
      fc.constantFrom(...gmailScopes()),
      async (answers, cursor, scope) =>
        outcome(t, async () => {
          const client = gmailClient(playing(answers));
          checkPage(await gmailListChanges(client, scope, cursor, 500, new Date("2026-01-01")));
          return "page";
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  await fc.assert(
    fc.asyncProperty(keys, googleBatch(jsonText(gmailRaw), "no-boundary"), async (ids, spec) =>
      outcome(t, async () => {
        const client = gmailClient(playing([], googleBatchAnswer(spec)));
        const items = ids.map((key) => ({ key, ref: { id: key } }));
        return checkFetched(items, await gmailFetch(client, items));
      }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  return t;
}

// ---------------------------------------------------------------- Graph

const graphDelta = nearly({
  value: [{ id: "g1" }, { id: "g2", "@removed": { reason: "deleted" } }],
  "@odata.deltaLink": "https://graph.test/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=x",
});
const graphBatch = fc.oneof(
  fc
    .array(
      fc.record({
        status: statuses,
        body: fc.oneof(
          fc.string({ maxLength: 50 }).map((s) => Buffer.from(s).toString("base64")),
          anyJson,
        ),
        headers: fc.option(
          fc.dictionary(fc.constantFrom("retry-after", "content-type"), fc.string({ maxLength: 8 })),
        ),
      }),
      { maxLength: 25 },
    )
    .map((rs) => ({ responses: rs.map((r, n) => ({ id: String(n), ...r })) })),
  nearly({ responses: [] }),
  anyJson,
);

/** A Graph client that gets `fetch`'s answers and never waits to retry. */
const graphClient = (fetch: typeof globalThis.fetch) =>
  new GraphClient({ baseUrl: "https://graph.test/v1.0", accessToken: async () => "t", fetch, retry: noWait });

export async function fuzzGraphAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  await fc.assert(
    fc.asyncProperty(
      fc.array(answer(fc.oneof(graphDelta, anyJson)), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(
        null,
        { deltaLink: "https://graph.test/d" },
        { deltaLink: null, nextLink: "https://graph.test/n" },
      ),
      fc.constantFrom(...graphScopes()),
      async (answers, cursor, scope) =>
        outcome(t, async () => {
          const client = graphClient(playing(answers));
          checkPage(await graphListChanges(client, scope, cursor, 999));
          return "page";
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  await fc.assert(
    fc.asyncProperty(
      keys,
      fc.array(answer(graphBatch), { minLength: 1, maxLength: 3 }),
      async (ids, answers) =>
        outcome(t, async () => {
          const client = graphClient(playing(answers));
          const items = ids.map((key) => ({ key, ref: { id: key } }));
          return checkFetched(items, await graphFetch(client, items, "inbox"));
        }),
    ),
    { numRuns: Math.ceil(runs / 2), seed },
  );
  return t;
}

// ---------------------------------------------------------------- CalDAV

const CALENDAR = "https://dav.test/cal/ana/work/";
const xmlText = fc.oneof(
  fc.constantFrom(
    "",
    "<not xml",
    '<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"></d:multistatus>',
    '<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href></d:href></d:response><d:sync-token>t2</d:sync-token></d:multistatus>',
    '<d:multistatus xmlns:d="DAV:"><d:response><d:href>/cal/ana/work/a.ics</d:href><d:status>HTTP/1.1 200 OK</d:status></d:response><d:sync-token>3</d:sync-token></d:multistatus>',
    '<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/cal/ana/work/a.ics</d:href><d:propstat><d:prop><d:getetag>"1"</d:getetag><c:calendar-data>BEGIN:VCALENDAR</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>',
  ),
  fc
    .array(fc.tuple(nastyText, nastyText, fc.constantFrom("200", "404", "507", "abc")), { maxLength: 6 })
    .map(
      (rs) =>
        `<d:multistatus xmlns:d="DAV:">${rs
          .map(
            ([href, etag, status]) =>
              `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:getetag>${etag}</d:getetag></d:prop><d:status>HTTP/1.1 ${status} X</d:status></d:propstat></d:response>`,
          )
          .join("")}<d:sync-token>${etag0(rs)}</d:sync-token></d:multistatus>`,
    ),
  nastyText,
);
function etag0(rs: [string, string, string][]) {
  return rs[0]?.[1] ?? "";
}
const xmlAnswer = fc.record({
  status: fc.constantFrom(207, 207, 207, 200, 400, 401, 403, 404, 409, 500, 503, 507),
  body: xmlText,
  contentType: fc.constantFrom("application/xml; charset=utf-8", "text/xml", "text/html"),
});

export async function fuzzCaldavAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  const client = (answers: Answer[]): CaldavClient => ({
    rootUrl: "https://dav.test/",
    principalUrl: "https://dav.test/p/ana/",
    homeUrl: "https://dav.test/cal/ana/",
    headers: { authorization: "Basic eA==" },
    fetch: playing(answers),
  });
  await fc.assert(
    fc.asyncProperty(
      fc.array(xmlAnswer, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
      fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,8}$/), { minLength: 1, maxLength: 5 }),
      async (answers, syncCollection, names) =>
        outcome(t, async () => {
          try {
            if (syncCollection || names.length % 2) {
              const page = await listCalendarChanges(
                client(answers),
                { url: CALENDAR, syncCollection },
                null,
              );
              for (const c of page.changes)
                if (typeof c.href !== "string" || !c.href.startsWith("https://dav.test/"))
                  throw new Error(`a change outside the calendar's server: ${c.href}`);
              return "page";
            }
            const hrefs = names.map((n) => `${CALENDAR}${n}.ics`);
            const objects = await fetchCalendarObjects(client(answers), CALENDAR, hrefs);
            if (objects.length !== hrefs.length) throw new Error("an object left out");
            return "objects";
          } catch (err) {
            // What the CalDAV session does with any failure: classify it for the engine.
            throw classifyCaldavError(err);
          }
        }),
    ),
    { numRuns: runs, seed },
  );
  return t;
}
