// GET /api/v1/events pages with a cursor, in start order: every event of the range once, none lost,
// also when several start at the same moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../server/ids.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("event pages on %s", (engine) => {
  let s: TestServer;
  let ivy: { id: string; token: string };
  let jon: { id: string; token: string };
  const expected: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ivy = await s.user("ivy@team.example");
    jon = await s.user("jon@team.example");
    const event = async (who: { token: string }, title: string, startAt: string) => {
      const end = new Date(Date.parse(startAt) + 3_600_000).toISOString();
      const r = await s.app.inject({
        method: "POST",
        url: "/api/v1/events",
        headers: { authorization: `Bearer ${who.token}` },
        payload: { title, startAt, endAt: end },
      });
      expect(r.statusCode).toBe(201);
      return r.json().id as string;
    };
    // Created out of order; four start at the same moment.
    const plan: [string, string][] = [
      ["e", "2031-01-03T09:00:00.000Z"],
      ["a", "2031-01-01T09:00:00.000Z"],
      ["s1", "2031-01-02T09:00:00.000Z"],
      ["s2", "2031-01-02T09:00:00.000Z"],
      ["g", "2031-01-05T09:00:00.000Z"],
      ["s3", "2031-01-02T09:00:00.000Z"],
      ["b", "2031-01-01T12:30:00.250Z"],
      ["s4", "2031-01-02T09:00:00.000Z"],
      ["f", "2031-01-04T09:00:00.000Z"],
    ];
    const made = new Map<string, { id: string; at: string }>();
    for (const [title, at] of plan) made.set(title, { id: await event(ivy, title, at), at });
    // Two that start a fraction of a millisecond apart, as a calendar import may store them.
    for (const [title, at] of [
      ["µ1", "2031-01-04T12:00:00.000100Z"],
      ["µ2", "2031-01-04T12:00:00.000600Z"],
    ]) {
      const id = newId();
      await s.ctx.database.query(
        "insert into events (id, title, start_at, end_at, owner_id) values ($1, $2, $3::timestamptz, $3::timestamptz + interval '1 hour', $4)",
        [id, title, at, ivy.id],
      );
      made.set(title, { id, at });
    }
    await event(jon, "not ivy's", "2031-01-02T09:00:00.000Z");
    await event(ivy, "before the range", "2030-06-01T09:00:00.000Z");
    expected.push(
      ...[...made.values()]
        .sort((x, y) => x.at.localeCompare(y.at) || x.id.localeCompare(y.id))
        .map((x) => x.id),
    );
  });
  afterAll(() => s?.close());

  const walk = async (limit: number) => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/events?from=2031-01-01T00:00:00Z&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await s.app.inject({ url, headers: { authorization: `Bearer ${ivy.token}` } });
      expect(r.statusCode).toBe(200);
      const page: { items: { id: string }[]; nextCursor: string | null } = r.json();
      pages.push(page.items.map((e) => e.id));
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(20);
    } while (cursor);
    return pages;
  };

  it("the events of a range come page by page in start order, each once, same-start ones too", async () => {
    expect(expected).toHaveLength(11);
    const pages = await walk(3);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat()).toEqual(expected);
    for (const limit of [1, 2, 4, 10, 11, 12])
      expect((await walk(limit)).flat(), `limit ${limit}`).toEqual(expected);
    expect(await walk(11)).toHaveLength(1);
  });

  it("a cursor that was not given by the server is a clear 400", async () => {
    const r = await s.app.inject({
      url: "/api/v1/events?cursor=bm90LWEtY3Vyc29y",
      headers: { authorization: `Bearer ${ivy.token}` },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toBe("The cursor is not valid: pass back nextCursor as it was given.");
  });
});
