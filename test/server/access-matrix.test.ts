// R-1 (SPEC §1): who may do what with a person, company, lead or deal. A grant is read access; writing,
// giving away, merging, deleting and sharing are for the owner or an admin. A record the user cannot see
// answers 404; one he can see but not write answers 403 with a problem+json saying why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";
import { type Actor, actors, makeActors } from "./actors.js";

type Type = "person" | "company" | "lead" | "deal";
const path: Record<Type, string> = { person: "persons", company: "companies", lead: "leads", deal: "deals" };

/** The answer each actor gets, in the order owner, grantee, other, admin. */
const matrix: Record<string, [number, number, number, number]> = {
  read: [200, 200, 404, 200],
  update: [200, 403, 404, 200],
  "change owner": [200, 403, 404, 200],
  delete: [204, 403, 404, 204],
  "list grants": [200, 403, 404, 200],
  share: [200, 403, 404, 200],
  "stop sharing": [204, 403, 404, 204],
};

describe.each(engines)("R-1 access matrix on %s", (engine) => {
  let s: TestServer;
  const who = {} as Record<Actor, { id: string; token: string; email: string }>;
  let company: string;
  beforeAll(async () => {
    s = await startTestServer({ engine });
    Object.assign(who, await makeActors(s));
    company = (await call("owner", "POST", "/api/v1/companies", { name: "Deal Holder" })).body.id;
  });
  afterAll(() => s?.close());

  const call = (actor: Actor, method: string, url: string, payload?: unknown) =>
    callAs(s, who[actor].token, method, url, payload);

  const created: Record<Type, () => object> = {
    person: () => ({ firstName: "Pia", lastName: "Matrix", emails: [`pia.${Math.random()}@x.example`] }),
    company: () => ({ name: "Matrix Co" }),
    lead: () => ({ firstName: "Leo", lastName: "Matrix" }),
    deal: () => ({ name: "Matrix deal", companyId: company }),
  };
  const change: Record<Type, object> = {
    person: { title: "Changed" },
    company: { name: "Changed Co" },
    lead: { title: "Changed" },
    deal: { name: "Changed deal" },
  };

  /** A fresh record of the owner, shared with the grantee through the API. */
  async function record(type: Type): Promise<string> {
    const r = await call("owner", "POST", `/api/v1/${path[type]}`, created[type]());
    expect(r.status).toBe(201);
    const g = await call("owner", "POST", `/api/v1/${path[type]}/${r.body.id}/grants`, {
      email: "GUS@team.example",
    });
    expect(g.status).toBe(200);
    return r.body.id;
  }

  const get = (actor: Actor, type: Type, id: string) => call(actor, "GET", `/api/v1/${path[type]}/${id}`);

  function expectForbidden(r: Awaited<ReturnType<typeof call>>) {
    expect(r.type).toContain("application/problem+json");
    expect(r.body).toMatchObject({ status: 403, title: "Forbidden" });
    expect(r.body.detail).toMatch(/was shared with you to read: only its owner or an admin can/);
  }

  /** Runs one action for every actor on a fresh record, checks the answer and what was (not) stored. */
  async function each(
    type: Type,
    action: string,
    act: (actor: Actor, id: string) => Promise<Awaited<ReturnType<typeof call>>>,
    after?: (actor: Actor, id: string, status: number) => Promise<void>,
  ) {
    const answers: number[] = [];
    for (const actor of actors) {
      const id = await record(type);
      const r = await act(actor, id);
      answers.push(r.status);
      if (r.status === 403) expectForbidden(r);
      if (r.status === 404) expect(r.type).toContain("application/problem+json");
      await after?.(actor, id, r.status);
    }
    expect(answers, `${type} × ${action}`).toEqual(matrix[action]);
  }

  describe.each(["person", "company", "lead", "deal"] as Type[])("%s", (type) => {
    const url = (id: string) => `/api/v1/${path[type]}/${id}`;

    it(`R-1: read — owner, grantee and admin see the ${type}, another user gets 404`, async () => {
      await each(type, "read", (actor, id) => get(actor, type, id));
      const mine = await record(type);
      const list = async (actor: Actor) =>
        (await call(actor, "GET", `/api/v1/${path[type]}?limit=200`)).body.items.map(
          (x: { id: string }) => x.id,
        );
      expect(await list("grantee")).toContain(mine);
      expect(await list("other")).not.toContain(mine);
    });

    it(`R-1: update — a grantee cannot change the ${type} (403), nothing is stored`, async () => {
      await each(
        type,
        "update",
        (actor, id) => call(actor, "PATCH", url(id), change[type]),
        async (_actor, id, status) => {
          const now = (await get("owner", type, id)).body;
          const [field, value] = Object.entries(change[type])[0];
          if (status === 200) expect(now[field]).toBe(value);
          else expect(now[field]).not.toBe(value);
        },
      );
    });

    it(`R-1: change owner — a grantee cannot take the ${type} over; the owner and an admin give it away`, async () => {
      // Each actor tries to make the record his; the owner gives it to the grantee.
      const newOwner = (actor: Actor) => who[actor === "owner" ? "grantee" : actor];
      await each(
        type,
        "change owner",
        (actor, id) => call(actor, "PATCH", url(id), { ownerId: newOwner(actor).id }),
        async (actor, id, status) => {
          const now = await get("admin", type, id);
          expect(now.body.owner.email).toBe(status === 200 ? newOwner(actor).email : who.owner.email);
          // The owner still sees what he still owns.
          if (status !== 200) expect((await get("owner", type, id)).status).toBe(200);
          // The grantee who received it owns it now, and needs no grant.
          if (actor === "owner") {
            const grants = await call("grantee", "GET", `${url(id)}/grants`);
            expect(grants).toMatchObject({ status: 200, body: { items: [] } });
            expect((await call("grantee", "PATCH", url(id), change[type])).status).toBe(200);
          }
        },
      );
    });

    it(`R-1: delete — only the owner or an admin deletes the ${type}`, async () => {
      await each(
        type,
        "delete",
        (actor, id) => call(actor, "DELETE", url(id)),
        async (_actor, id, status) => {
          expect((await get("admin", type, id)).status).toBe(status === 204 ? 404 : 200);
        },
      );
    });

    it(`R-1: sharing the ${type} — listing, sharing and withdrawing grants are for the owner or an admin`, async () => {
      await each(type, "list grants", async (actor, id) => {
        const r = await call(actor, "GET", `${url(id)}/grants`);
        if (r.status === 200)
          expect(r.body.items).toEqual([
            {
              user: { id: who.grantee.id, name: "gus", email: "gus@team.example" },
              createdAt: expect.any(String),
            },
          ]);
        return r;
      });
      await each(
        type,
        "share",
        (actor, id) => call(actor, "POST", `${url(id)}/grants`, { userId: who.other.id }),
        async (_actor, id, status) => {
          expect((await get("other", type, id)).status).toBe(status === 200 ? 200 : 404);
        },
      );
      await each(
        type,
        "stop sharing",
        (actor, id) => call(actor, "DELETE", `${url(id)}/grants/${who.grantee.id}`),
        async (_actor, id, status) => {
          expect((await get("grantee", type, id)).status).toBe(status === 204 ? 404 : 200);
        },
      );
    });
  });

  it("R-1: merge — only the owner of both persons or an admin merges; a grantee gets 403 and both stay", async () => {
    const answers: number[] = [];
    for (const actor of actors) {
      const target = await record("person");
      const source = await record("person");
      const r = await call(actor, "POST", "/api/v1/persons/merge", { targetId: target, sourceId: source });
      answers.push(r.status);
      if (r.status === 403) expectForbidden(r);
      expect((await get("owner", "person", source)).status).toBe(r.status === 200 ? 404 : 200);
      expect((await get("owner", "person", target)).status).toBe(200);
    }
    expect(answers).toEqual([200, 403, 404, 200]);

    // Owning one side is not enough: the grantee's own person cannot swallow one only shared with him.
    const shared = await record("person");
    const his = (await call("grantee", "POST", "/api/v1/persons", { firstName: "Gus's" })).body.id;
    const r = await call("grantee", "POST", "/api/v1/persons/merge", { targetId: his, sourceId: shared });
    expect(r.status).toBe(403);
    expectForbidden(r);
    expect((await get("owner", "person", shared)).status).toBe(200);
  });

  it("R-1: an admin merging persons of two owners leaves the source's owner able to read the result", async () => {
    const target = (await call("other", "POST", "/api/v1/persons", { firstName: "Otto's" })).body.id;
    const source = (await call("owner", "POST", "/api/v1/persons", { firstName: "Olivia's" })).body.id;
    expect(
      (await call("admin", "POST", "/api/v1/persons/merge", { targetId: target, sourceId: source })).status,
    ).toBe(200);
    expect((await get("owner", "person", target)).status).toBe(200);
    expect((await call("owner", "PATCH", `/api/v1/persons/${target}`, { title: "x" })).status).toBe(403);
  });

  it("R-1: a grant is read access: the grantee who tries to take a person over does not lock its owner out", async () => {
    const id = await record("person");
    expect(
      (await call("grantee", "PATCH", `/api/v1/persons/${id}`, { ownerId: who.grantee.id })).status,
    ).toBe(403);
    const mine = (await call("owner", "GET", "/api/v1/persons?q=matrix&limit=200")).body.items;
    expect(mine.find((x: { id: string }) => x.id === id)?.owner.email).toBe("olivia@team.example");
  });

  it("R-1: sharing names a real user other than the owner, with a clear 400; sharing twice changes nothing", async () => {
    const id = await record("lead");
    const unknown = await call("owner", "POST", `/api/v1/leads/${id}/grants`, {
      email: "nobody@team.example",
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ path: "body.email", message: "unknown user" }]);
    const self = await call("owner", "POST", `/api/v1/leads/${id}/grants`, { userId: who.owner.id });
    expect(self.body.errors).toEqual([{ path: "body.userId", message: "is the owner" }]);
    const both = await call("owner", "POST", `/api/v1/leads/${id}/grants`, {
      userId: who.other.id,
      email: "otto@team.example",
    });
    expect(both.body.errors).toEqual([{ path: "body.userId", message: "give either userId or email" }]);
    const again = await call("owner", "POST", `/api/v1/leads/${id}/grants`, { userId: who.grantee.id });
    expect(again.status).toBe(200);
    expect((await call("owner", "GET", `/api/v1/leads/${id}/grants`)).body.items).toHaveLength(1);
    const none = await call("owner", "DELETE", `/api/v1/leads/${id}/grants/${who.other.id}`);
    expect(none.status).toBe(404);
  });

  it("R-1: a deleted person no longer matches its address, and a person whose deal hangs on it alone is kept (409)", async () => {
    const p = await call("owner", "POST", "/api/v1/persons", {
      firstName: "Gone",
      emails: ["gone@x.example"],
    });
    const kept = await call("owner", "POST", "/api/v1/persons", { firstName: "Kept" });
    await call("owner", "POST", "/api/v1/deals", { name: "Only Kept", personId: kept.body.id });
    const refused = await call("owner", "DELETE", `/api/v1/persons/${kept.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/1 deal\(s\) linked to nothing else/);
    expect((await get("owner", "person", kept.body.id)).status).toBe(200);

    expect((await call("owner", "DELETE", `/api/v1/persons/${p.body.id}`)).status).toBe(204);
    const ctx = await call("owner", "GET", "/api/v1/context?address=gone@x.example");
    expect(ctx.body.participants[0].status).toBe("unknown");
  });

  it("the OpenAPI document lists sharing and deleting for every record type", async () => {
    const doc = (await s.app.inject({ url: "/api/v1/openapi.json" })).json();
    for (const p of Object.values(path)) {
      expect(Object.keys(doc.paths[`/api/v1/${p}/{id}`])).toEqual(["get", "patch", "delete"]);
      expect(Object.keys(doc.paths[`/api/v1/${p}/{id}/grants`])).toEqual(["get", "post"]);
      expect(Object.keys(doc.paths[`/api/v1/${p}/{id}/grants/{userId}`])).toEqual(["delete"]);
      const body = doc.paths[`/api/v1/${p}/{id}/grants`].post.requestBody.content["application/json"].schema;
      expect(Object.keys(body.properties)).toEqual(["userId", "email"]);
    }
  });
});
