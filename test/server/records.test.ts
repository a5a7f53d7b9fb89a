import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("CRM records API on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  let bob: { id: string; token: string };
  let boss: { id: string; token: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@team.example");
    bob = await s.user("bob@team.example");
    boss = await s.user("boss@team.example", { role: "admin" });
  });
  afterAll(() => s?.close());

  const call = (who: { token: string }, method: string, url: string, payload?: unknown) =>
    callAs(s, who.token, method, url, payload);

  it("a person is created with addresses and found again by name, email or phone, ignoring case and accents", async () => {
    const company = await call(ana, "POST", "/api/v1/companies", {
      name: "Pérez & Hijos",
      domain: "perez.example",
    });
    expect(company.status).toBe(201);
    const p = await call(ana, "POST", "/api/v1/persons", {
      firstName: "José",
      lastName: "Pérez Núñez",
      companyId: company.body.id,
      emails: ["Jose.Perez@Perez.example"],
      phones: ["+34 611 22 33 44"],
    });
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({
      name: "José Pérez Núñez",
      company: { name: "Pérez & Hijos" },
      emails: ["jose.perez@perez.example"],
      categories: { kind: "person", status: null },
      owner: { email: "ana@team.example" },
    });
    for (const q of ["jose", "PEREZ nunez", "jose.perez@perez", "611 223", "+34611223344", "hijos"]) {
      const r = await call(ana, "GET", `/api/v1/persons?q=${encodeURIComponent(q)}`);
      expect(
        r.body.items.map((x: { id: string }) => x.id),
        q,
      ).toContain(p.body.id);
    }
    const all = await call(ana, "GET", `/api/v1/search?q=${encodeURIComponent("pérez")}`);
    expect(all.body.items.map((x: { type: string }) => x.type).sort()).toEqual(["company", "person"]);
  });

  it("every query is scoped to the acting user: another member does not see, an admin does, a grant opens it", async () => {
    const p = await call(ana, "POST", "/api/v1/persons", { firstName: "Private", lastName: "Contact" });
    expect((await call(bob, "GET", `/api/v1/persons/${p.body.id}`)).status).toBe(404);
    expect((await call(bob, "GET", "/api/v1/persons?q=private")).body.items).toEqual([]);
    expect((await call(boss, "GET", `/api/v1/persons/${p.body.id}`)).status).toBe(200);
    expect((await call(bob, "PATCH", `/api/v1/persons/${p.body.id}`, { title: "x" })).status).toBe(404);
    const { grants } = await import("../../server/db/schema.js");
    await s.ctx.db.insert(grants).values({ recordType: "person", recordId: p.body.id, userId: bob.id });
    expect((await call(bob, "GET", `/api/v1/persons/${p.body.id}`)).status).toBe(200);
  });

  it("a PATCH changes only the fields it names", async () => {
    const p = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Keep",
      lastName: "Me",
      emails: ["keep@me.example"],
      phones: ["+34 1"],
      customerStatus: "current",
    });
    const r = await call(ana, "PATCH", `/api/v1/persons/${p.body.id}`, { title: "Boss" });
    expect(r.body).toMatchObject({
      title: "Boss",
      emails: ["keep@me.example"],
      phones: ["+34 1"],
      customerStatus: "current",
      firstName: "Keep",
    });
    const a = await call(ana, "POST", "/api/v1/activities", {
      type: "call",
      state: "done",
      subject: "Keep links",
      links: [{ type: "person", id: p.body.id }],
    });
    const a2 = await call(ana, "PATCH", `/api/v1/activities/${a.body.id}`, { subject: "Renamed" });
    expect(a2.body).toMatchObject({
      subject: "Renamed",
      state: "done",
      links: [{ type: "person", id: p.body.id }],
    });
  });

  it("R-1: only an admin creates a record for another owner", async () => {
    const r = await call(ana, "POST", "/api/v1/leads", { firstName: "L", ownerId: bob.id });
    expect(r.status).toBe(403);
    const ok = await call(boss, "POST", "/api/v1/leads", { firstName: "L", ownerId: bob.id });
    expect(ok.status).toBe(201);
    expect(ok.body.owner.email).toBe("bob@team.example");
  });

  it("cursor pagination walks every record once, newest first", async () => {
    const made: string[] = [];
    for (let i = 0; i < 7; i++)
      made.push(
        (await call(bob, "POST", "/api/v1/leads", { firstName: `Page${i}`, lastName: "Walk" })).body.id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call(bob, "GET", `/api/v1/leads?q=walk&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(r.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...r.body.items.map((x: { id: string }) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
    expect((await call(bob, "GET", "/api/v1/leads?cursor=%%%")).status).toBe(400);
  });

  it("R-CAT-1: deals decide the category of their person and company", async () => {
    const c = await call(ana, "POST", "/api/v1/companies", { name: "Deal Co" });
    const p = await call(ana, "POST", "/api/v1/persons", { firstName: "Dee", companyId: c.body.id });
    const d = await call(ana, "POST", "/api/v1/deals", {
      name: "First",
      personId: p.body.id,
      companyId: c.body.id,
    });
    expect(d.status).toBe(201);
    expect((await call(ana, "GET", `/api/v1/persons/${p.body.id}`)).body.categories.status).toBe(
      "current_prospect",
    );
    await call(ana, "PATCH", `/api/v1/deals/${d.body.id}`, { status: "lost" });
    expect((await call(ana, "GET", `/api/v1/companies/${c.body.id}`)).body.categories.status).toBe(
      "lost_prospect",
    );
    await call(ana, "PATCH", `/api/v1/deals/${d.body.id}`, { status: "won" });
    expect((await call(ana, "GET", `/api/v1/persons/${p.body.id}`)).body.categories.status).toBe(
      "current_customer",
    );
    await call(ana, "PATCH", `/api/v1/persons/${p.body.id}`, { customerStatus: "former" });
    expect((await call(ana, "GET", `/api/v1/persons/${p.body.id}`)).body.categories.status).toBe(
      "former_customer",
    );
    expect((await call(ana, "POST", "/api/v1/deals", { name: "Nobody's" })).status).toBe(400);
  });

  it("R-X-9: merging two persons keeps one, with both addresses, deals and activities; the other is gone", async () => {
    const a = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Marí",
      lastName: "Dup",
      emails: ["mari@one.example"],
    });
    const b = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Mari",
      lastName: "Dup",
      title: "Buyer",
      emails: ["mari@two.example", "MARI@one.example"],
      phones: ["+39 1"],
    });
    const deal = await call(ana, "POST", "/api/v1/deals", { name: "Dup deal", personId: b.body.id });
    const act = await call(ana, "POST", "/api/v1/activities", {
      type: "call",
      subject: "Call Mari",
      links: [{ type: "person", id: b.body.id }],
    });
    const m = await call(ana, "POST", "/api/v1/persons/merge", { targetId: a.body.id, sourceId: b.body.id });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ id: a.body.id, firstName: "Marí", title: "Buyer", phones: ["+39 1"] });
    expect(m.body.emails.sort()).toEqual(["mari@one.example", "mari@two.example"]);
    expect(m.body.categories.status).toBe("current_prospect");
    expect((await call(ana, "GET", `/api/v1/persons/${b.body.id}`)).status).toBe(404);
    expect((await call(ana, "GET", `/api/v1/deals/${deal.body.id}`)).body.personId).toBe(a.body.id);
    expect((await call(ana, "GET", `/api/v1/activities/${act.body.id}`)).body.links).toEqual([
      { type: "person", id: a.body.id },
    ]);
    expect(
      (await call(ana, "POST", "/api/v1/persons/merge", { targetId: a.body.id, sourceId: a.body.id })).status,
    ).toBe(400);
  });

  it("R-ACT-1: activity types are configurable, with their 'show in calendars' flag; members cannot change them", async () => {
    expect((await call(ana, "POST", "/api/v1/activity-types", { key: "demo", name: "Demo" })).status).toBe(
      403,
    );
    const t = await call(boss, "POST", "/api/v1/activity-types", {
      key: "demo",
      name: "Demo",
      showInCalendars: true,
    });
    expect(t).toMatchObject({ status: 201, body: { key: "demo", showInCalendars: true } });
    const off = await call(boss, "PATCH", "/api/v1/activity-types/demo", { showInCalendars: false });
    expect(off.body.showInCalendars).toBe(false);
    const list = await call(ana, "GET", "/api/v1/activity-types");
    expect(list.body.items.map((x: { key: string }) => x.key)).toEqual(
      expect.arrayContaining(["call", "demo", "email", "meeting", "task"]),
    );
    const a = await call(ana, "POST", "/api/v1/activities", {
      type: "demo",
      state: "planned",
      subject: "Show the product",
      startAt: "2026-12-01T10:00:00+01:00",
      endAt: "2026-12-01T11:00:00+01:00",
      timeZone: "Europe/Madrid",
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ startAt: "2026-12-01T09:00:00.000Z", readOnly: false, source: "manual" });
    expect((await call(ana, "POST", "/api/v1/activities", { type: "nope", subject: "x" })).status).toBe(400);
    expect((await call(ana, "DELETE", `/api/v1/activities/${a.body.id}`)).status).toBe(204);
  });

  it("R-CAL-5: event attendees who are CRM persons are linked, others kept by address only", async () => {
    const p = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Eve",
      emails: ["eve@client.example"],
    });
    const e = await call(ana, "POST", "/api/v1/events", {
      title: "Kick-off",
      startAt: "2026-12-02T15:00:00+01:00",
      endAt: "2026-12-02T16:00:00+01:00",
      timeZone: "Europe/Rome",
      attendees: [{ email: "EVE@client.example", name: "Eve" }, { email: "stranger@else.example" }],
    });
    expect(e.status).toBe(201);
    expect(e.body).toMatchObject({
      origin: "crm",
      readOnly: false,
      organizerEmail: "ana@team.example",
      timeZone: "Europe/Rome",
    });
    expect(e.body.attendees).toEqual(
      expect.arrayContaining([
        {
          email: "eve@client.example",
          name: "Eve",
          responseStatus: "needsAction",
          record: { type: "person", id: p.body.id },
        },
        { email: "stranger@else.example", name: null, responseStatus: "needsAction", record: null },
      ]),
    );
    const moved = await call(ana, "PATCH", `/api/v1/events/${e.body.id}`, {
      startAt: "2026-12-02T17:00:00+01:00",
    });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].path).toBe("body.endAt");
    expect(
      (
        await call(ana, "POST", "/api/v1/events", {
          title: "x",
          startAt: "2026-12-02T15:00:00Z",
          endAt: "2026-12-02T16:00:00Z",
          timeZone: "Mars/Base",
        })
      ).status,
    ).toBe(400);
  });

  it("R-CAL-4: an event imported from the calendar where the user is a guest is read-only", async () => {
    const { events } = await import("../../server/db/schema.js");
    const { newId } = await import("../../server/ids.js");
    const id = newId();
    await s.ctx.db.insert(events).values({
      id,
      title: "Their meeting",
      startAt: new Date("2026-12-03T10:00:00Z"),
      endAt: new Date("2026-12-03T11:00:00Z"),
      origin: "external",
      organizerEmail: "someone@client.example",
      ownerId: ana.id,
    });
    const got = await call(ana, "GET", `/api/v1/events/${id}`);
    expect(got.body.readOnly).toBe(true);
    const r = await call(ana, "PATCH", `/api/v1/events/${id}`, { title: "Mine now" });
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/calendar/);
    expect((await call(ana, "DELETE", `/api/v1/events/${id}`)).status).toBe(409);
  });

  describe("R-P-4: bad input gets a clear problem+json and stores nothing", () => {
    const bad = async (payload: string, contentType = "application/json", url = "/api/v1/persons") => {
      const r = await s.app.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${ana.token}`, "content-type": contentType },
        payload,
      });
      expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
      return { status: r.statusCode, body: r.json() };
    };
    const count = async () => (await call(ana, "GET", "/api/v1/persons?limit=200")).body.items.length;

    it("malformed JSON", async () => {
      const before = await count();
      const r = await bad('{"firstName": "A",');
      expect(r.status).toBe(400);
      expect(r.body.detail).toMatch(/not valid JSON/);
      expect(await count()).toBe(before);
    });
    it("wrong types, with the field path", async () => {
      const r = await bad(JSON.stringify({ firstName: 42, emails: ["ok@x.example", "not-an-email"] }));
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual(
        expect.arrayContaining([
          { path: "body.firstName", message: "must be string" },
          { path: "body.emails.1", message: "must be an email address" },
        ]),
      );
    });
    it("an empty companyId, on create or change, names no company", async () => {
      const before = await count();
      const r = await bad(JSON.stringify({ lastName: "Vacía", companyId: "" }));
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ path: "body.companyId", message: "unknown company" }]);
      expect(await count()).toBe(before);
      const made = await call(ana, "POST", "/api/v1/persons", { lastName: "Sin empresa" });
      const changed = await call(ana, "PATCH", `/api/v1/persons/${made.body.id}`, { companyId: "" });
      expect(changed.status).toBe(400);
      expect(changed.body.errors).toEqual([{ path: "body.companyId", message: "unknown company" }]);
    });
    it("unknown fields", async () => {
      const r = await bad(JSON.stringify({ firstName: "A", favouriteColour: "blue" }));
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toEqual({ path: "body", message: "has unknown field(s): favouriteColour" });
    });
    it("a person or a lead with neither a name nor an email address, stored in neither list", async () => {
      for (const url of ["/api/v1/persons", "/api/v1/leads"]) {
        const kind = url.endsWith("persons") ? "person" : "lead";
        const before = (await call(ana, "GET", `${url}?limit=200`)).body.items.length;
        const r = await bad(
          JSON.stringify({ firstName: "", lastName: "", emails: [] }),
          "application/json",
          url,
        );
        expect(r.status).toBe(400);
        expect(r.body.detail).toBe(`A ${kind} needs a name or an email address.`);
        expect(r.body.errors).toEqual([
          { path: "body.lastName", message: "give a first name, a last name or an email" },
        ]);
        expect((await call(ana, "GET", `${url}?limit=200`)).body.items.length).toBe(before);
      }
    });
    it("oversized bodies", async () => {
      const r = await bad(
        JSON.stringify({ firstName: "A", customFields: { big: "x".repeat(2 * 1024 * 1024) } }),
      );
      expect(r.status).toBe(413);
    });
    it("wrong media type", async () => {
      const r = await bad("firstName=A", "text/plain");
      expect(r.status).toBe(415);
    });
    it("no or bad token", async () => {
      const r = await s.app.inject({ url: "/api/v1/persons" });
      expect(r.statusCode).toBe(401);
      const r2 = await s.app.inject({
        url: "/api/v1/persons",
        headers: { authorization: "Bearer cnc_forged" },
      });
      expect(r2.statusCode).toBe(401);
      expect(r2.json().detail).toMatch(/unknown, expired or revoked/);
    });
    it("the server keeps serving afterwards", async () => {
      expect(
        (await call(ana, "POST", "/api/v1/persons", { firstName: "Still", lastName: "Working" })).status,
      ).toBe(201);
    });
  });

  it("the OpenAPI document is generated from the validating schemas", async () => {
    const r = await s.app.inject({ url: "/api/v1/openapi.json" });
    const doc = r.json();
    expect(doc.openapi).toBe("3.1.0");
    const post = doc.paths["/api/v1/persons"].post;
    expect(post.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/PersonInput");
    const input = doc.components.schemas.PersonInput;
    expect(input.properties.emails.items.format).toBe("email");
    expect(input.additionalProperties).toBe(false);
    expect(doc.paths["/api/v1/context"].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      "address",
      "messageId",
    ]);
  });
});
