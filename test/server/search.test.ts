// GET /api/v1/search: persons, companies and leads share the page fairly, so that many matching persons
// cannot hide the few matching companies and leads.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fairShare } from "../../server/crm/search.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("search on %s", (engine) => {
  let s: TestServer;
  let tom: { token: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    tom = await s.user("tom@team.example");
    const post = (url: string, payload: object) =>
      s.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${tom.token}` }, payload });
    for (let i = 0; i < 30; i++) {
      await post("/api/v1/persons", { firstName: `Quokka${i}`, lastName: "Person" });
      await post("/api/v1/leads", { firstName: `Wombat${i}`, lastName: "Lead" });
    }
    for (const name of ["Quokka Holdings", "Quokka Labs"]) await post("/api/v1/companies", { name });
    await post("/api/v1/leads", { firstName: "Quokka", lastName: "Lead" });
    await post("/api/v1/companies", { name: "Wombat Works" });
  });
  afterAll(() => s?.close());

  const search = async (q: string, limit?: number) => {
    const r = await s.app.inject({
      url: `/api/v1/search?q=${q}${limit ? `&limit=${limit}` : ""}`,
      headers: { authorization: `Bearer ${tom.token}` },
    });
    expect(r.statusCode).toBe(200);
    const items: { type: string; name: string }[] = r.json().items;
    const count = (type: string) => items.filter((x) => x.type === type).length;
    return { items, person: count("person"), company: count("company"), lead: count("lead") };
  };

  it("R-SB-5: thirty matching persons leave room for the two matching companies and the one lead", async () => {
    const r = await search("quokka");
    expect(r.items).toHaveLength(10);
    expect(r).toMatchObject({ person: 7, company: 2, lead: 1 });
    expect(r.items.filter((x) => x.type === "company").map((x) => x.name)).toEqual([
      "Quokka Labs",
      "Quokka Holdings",
    ]);
  });

  it("R-SB-5: the types split the page evenly, a type with few matches leaves its places to the others", async () => {
    // "a" matches every person, lead and company of this workspace.
    expect(await search("a", 10)).toMatchObject({ person: 4, company: 3, lead: 3 });
    expect(await search("a", 30)).toMatchObject({ person: 14, company: 3, lead: 13 });
    expect(await search("a", 3)).toMatchObject({ person: 1, company: 1, lead: 1 });
    expect(await search("wombat", 9)).toMatchObject({ person: 0, company: 1, lead: 8 });
  });

  it("R-SB-5: fewer matches than the limit are all shown", async () => {
    expect(await search("holdings", 50)).toMatchObject({ person: 0, company: 1, lead: 0 });
    expect((await search("quokka", 50)).items).toHaveLength(33);
  });
});

describe("fair share of a search page", () => {
  it("gives every list an equal share, the remainder to the first, and unused places to the others", () => {
    const list = (n: number) => Array.from({ length: n }, (_, i) => i);
    const sizes = (lists: number[], limit: number) =>
      fairShare(
        lists.map((n) => list(n)),
        limit,
      ).map((l) => l.length);
    expect(sizes([30, 30, 30], 10)).toEqual([4, 3, 3]);
    expect(sizes([30, 2, 1], 10)).toEqual([7, 2, 1]);
    expect(sizes([0, 30, 30], 7)).toEqual([0, 4, 3]);
    expect(sizes([1, 2, 0], 10)).toEqual([1, 2, 0]);
    expect(fairShare([["a", "b", "c"], ["x"]], 3)).toEqual([["a", "b"], ["x"]]);
  });
});
