// What the sidebars' record forms need from the API: a person's company given by name, and an unknown
// sender's address added to an existing person or company.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("sidebar record writes on %s", (engine) => {
  let s: TestServer;
  let ana: { id: string; token: string };
  let bob: { id: string; token: string };
  beforeAll(async () => {
    s = await startTestServer({ engine });
    ana = await s.user("ana@team.example");
    bob = await s.user("bob@team.example");
  });
  afterAll(() => s?.close());

  const call = (who: { token: string }, method: string, url: string, payload?: unknown) =>
    callAs(s, who.token, method, url, payload);
  const context = async (who: { token: string }, address: string) =>
    (await call(who, "GET", `/api/v1/context?address=${encodeURIComponent(address)}`)).body.participants[0];

  it("R-SB-2: a person created with a company name joins the visible company of that name, or a new one with the person's mail domain", async () => {
    const existing = await call(ana, "POST", "/api/v1/companies", { name: "Hortensia Flores SL" });
    const laura = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Laura",
      lastName: "Pérez",
      companyName: "hortensia flores sl",
      emails: ["laura@hortensia.example"],
    });
    expect(laura.status).toBe(201);
    expect(laura.body.company).toEqual({ id: existing.body.id, name: "Hortensia Flores SL" });

    // Bob cannot see Ana's company, so the same name gives him a company of his own.
    const pablo = await call(bob, "POST", "/api/v1/persons", {
      firstName: "Pablo",
      companyName: "Hortensia Flores SL",
      emails: ["pablo@hortensia.example"],
    });
    expect(pablo.body.company.id).not.toBe(existing.body.id);
    const created = await call(bob, "GET", `/api/v1/companies/${pablo.body.company.id}`);
    expect(created.body).toMatchObject({ name: "Hortensia Flores SL", domain: "hortensia.example" });
    expect(created.body.owner.email).toBe("bob@team.example");

    // A free-mail address says nothing about the company's domain.
    const solo = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Solo",
      companyName: "Taller Solo",
      emails: ["solo@gmail.com"],
    });
    expect((await call(ana, "GET", `/api/v1/companies/${solo.body.company.id}`)).body.domain).toBeNull();

    // A PATCH takes a company name too.
    const moved = await call(ana, "PATCH", `/api/v1/persons/${laura.body.id}`, {
      companyName: "Taller Solo",
    });
    expect(moved.body.company).toEqual({ id: solo.body.company.id, name: "Taller Solo" });
  });

  it("R-SB-2: an unknown sender's address is added to an existing person or company, which then matches it", async () => {
    const person = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta@acme.example"],
    });
    expect((await context(ana, "m.nunez@private.example")).status).toBe("unknown");
    const added = await call(ana, "POST", `/api/v1/persons/${person.body.id}/emails`, {
      email: "M.Nunez@Private.example",
    });
    expect(added.status).toBe(200);
    expect(added.body.emails).toEqual(["marta@acme.example", "m.nunez@private.example"]);
    const known = await context(ana, "m.nunez@private.example");
    expect(known.status).toBe("known");
    expect(known.record.id).toBe(person.body.id);

    const company = await call(ana, "POST", "/api/v1/companies", { name: "Acme" });
    const info = await call(ana, "POST", `/api/v1/companies/${company.body.id}/emails`, {
      email: "info@acme.example",
    });
    expect(info.body.emails).toEqual(["info@acme.example"]);
    expect((await context(ana, "info@acme.example")).record).toMatchObject({ type: "company", name: "Acme" });

    // Adding it twice changes nothing.
    const again = await call(ana, "POST", `/api/v1/companies/${company.body.id}/emails`, {
      email: "info@acme.example",
    });
    expect(again.body.emails).toEqual(["info@acme.example"]);
  });

  it("R-SB-2: an address cannot be added to a record the user may not see, nor can a non-address be added", async () => {
    const person = await call(ana, "POST", "/api/v1/persons", {
      firstName: "Privada",
      emails: ["p@ana.example"],
    });
    const refused = await call(bob, "POST", `/api/v1/persons/${person.body.id}/emails`, {
      email: "bob-was-here@example.com",
    });
    expect(refused.status).toBe(404);
    expect((await call(ana, "GET", `/api/v1/persons/${person.body.id}`)).body.emails).toEqual([
      "p@ana.example",
    ]);

    const bad = await call(ana, "POST", `/api/v1/persons/${person.body.id}/emails`, {
      email: "not an address",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe("body.email");
  });
});
