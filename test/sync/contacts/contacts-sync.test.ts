// Exchange contact sync through the sync engine, against an in-memory address book that keeps the
// ContactsPort contract (changeKeys, If-Match, delta cursors, categories): what the user then sees in
// Outlook and in the CRM's persons API.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exchangeIntegrations, persons } from "../../../server/db/schema.js";
import { type PushPosition, pushCrmContacts } from "../../../server/sync/contacts/outbound.js";
import { integrationOf } from "../../../server/sync/contacts/settings.js";
import { connectionOwner } from "../../../server/sync/mail-writer.js";
import { categoryNames } from "../../../shared/categories.js";
import { engines, startTestServer, type TestServer } from "../../harness/app.js";
import { api } from "../mail-e2e.js";
import { exchangeAccount, getPerson, listPersons, person } from "./harness.js";

const es = categoryNames.es;
const MARTA = "marta.nunez@acme-iberia.example";

describe.each(engines)("Exchange contact sync on %s", (engine) => {
  let s: TestServer;
  let n = 0;
  const newUser = (role: "member" | "admin" = "member") =>
    s.user(`u${++n}-${role}@acme.test`, { name: `User ${n}`, role });

  beforeAll(async () => {
    s = await startTestServer({ engine, work: false });
  });
  afterAll(async () => s?.close());

  it("R-X-3 / R-X-4: the seven categories are made in the language chosen at activation; a renamed one is made again", async () => {
    const ana = await newUser();
    const x = await exchangeAccount(s, ana, { language: "es" });
    x.book.categories.push({ id: "mine", displayName: "Golf", color: "preset2" });
    await x.sync();
    expect(x.book.categories.map((c) => c.displayName).sort()).toEqual(["Golf", ...Object.values(es)].sort());
    const person = x.book.categories.find((c) => c.displayName === es.person)!;
    x.book.userRenameCategory(person.id, "Mis personas");
    await x.sync();
    const names = x.book.categories.map((c) => c.displayName);
    expect(names).toContain(es.person);
    expect(names).not.toContain("Mis personas");
    expect(names).toContain("Golf");
  });

  it("R-X-2 / R-X-10 / R-X-3 / R-X-5: a first sync matches by email, imports the chosen category only, and creates in Exchange the CRM contacts it lacks", async () => {
    const ana = await newUser();
    const marta = await person(s, ana, {
      firstName: "Marta",
      lastName: "Núñez",
      emails: [MARTA],
      title: "Compras",
    });
    const luca = await person(s, ana, {
      firstName: "Luca",
      lastName: "Rossi",
      emails: ["luca@globex.example"],
    });
    const x = await exchangeAccount(s, ana);
    const inOutlook = x.book.userCreate(
      "contacts",
      { givenName: "Marta", surname: "Núñez", emails: [MARTA.toUpperCase()], mobilePhone: "+34 600 111 222" },
      ["Clientes"],
    );
    x.book.userCreate(
      "clients",
      { givenName: "Jorge", surname: "Vidal", emails: ["jorge@vidal.example"], companyName: "Vidal SA" },
      ["Clientes", "VIP"],
    );
    x.book.userCreate(
      "contacts",
      { givenName: "Primo", surname: "Lejano", emails: ["primo@family.example"] },
      ["Familia"],
    );
    x.book.userCreate(
      "shared-sales",
      { givenName: "Shared", surname: "Only", emails: ["shared@x.example"] },
      ["Clientes"],
    );
    await x.sync();

    const persons = await listPersons(s, ana);
    expect(persons.map((p) => p.firstName).sort()).toEqual(["Jorge", "Luca", "Marta"]);
    // Matched, not duplicated; Exchange's mobile number filled in.
    const m = (await getPerson(s, ana, marta.id)).body;
    expect(m.mobilePhone).toBe("+34 600 111 222");
    expect(x.book.byName("Marta")).toHaveLength(1);
    expect(x.book.contacts.get(inOutlook.id)!.fields.jobTitle).toBe("Compras");
    expect(x.book.contacts.get(inOutlook.id)!.categories).toEqual(["Clientes", es.person]);
    // Luca was missing in Exchange: created in the target folder, filed under our category.
    const [l] = x.book.byName("Luca");
    expect(l).toMatchObject({ folderId: "contacts", categories: [es.person] });
    expect(l.extended.conciliaId).toBe(luca.id);
    const jorge = persons.find((p) => p.firstName === "Jorge")!;
    expect((await getPerson(s, ana, jorge.id)).body.company.name).toBe("Vidal SA");
    // Not in a chosen category, or in a shared folder: left alone, and Primo not created twice.
    expect(x.book.byName("Primo")).toHaveLength(1);
    const calls = { ...x.book.calls };
    await x.sync();
    expect(x.book.calls).toEqual(calls);
  });

  it("R-X-6: a change in Outlook reaches the CRM, a change in the CRM reaches Outlook", async () => {
    const ana = await newUser();
    const p = await person(s, ana, {
      firstName: "Elena",
      lastName: "García",
      emails: ["elena@acme.example"],
    });
    const x = await exchangeAccount(s, ana);
    await x.sync();
    const [c] = x.book.byName("Elena");
    x.book.userEdit(c.id, {
      jobTitle: "CEO",
      businessAddress: {
        street: "Calle Mayor 1",
        city: "Madrid",
        state: "",
        postalCode: "28013",
        countryOrRegion: "ES",
      },
    });
    await x.sync();
    const after = (await getPerson(s, ana, p.id)).body;
    expect(after.title).toBe("CEO");
    expect(after.businessAddress.city).toBe("Madrid");
    expect(
      (await api(s, ana, "PATCH", `/api/v1/persons/${p.id}`, { phones: ["+34 910 555 000"] })).statusCode,
    ).toBe(200);
    await x.sync();
    expect(x.book.contacts.get(c.id)!.fields).toMatchObject({
      businessPhones: ["+34 910 555 000"],
      jobTitle: "CEO",
    });
    expect(after.overwrittenValues).toEqual([]);
  });

  it("R-X-6: a mobile number and a home address set through the person API reach Outlook", async () => {
    const ana = await newUser();
    const home = {
      street: "Via Roma 3",
      city: "Milano",
      state: "MI",
      postalCode: "20121",
      countryOrRegion: "IT",
    };
    const p = await person(s, ana, {
      firstName: "Giulia",
      lastName: "Bianchi",
      mobilePhone: "+39 333 000 1111",
      homeAddress: home,
    });
    expect((await getPerson(s, ana, p.id)).body).toMatchObject({
      mobilePhone: "+39 333 000 1111",
      homeAddress: home,
    });
    const x = await exchangeAccount(s, ana, { language: "it" });
    await x.sync();
    const [c] = x.book.byName("Giulia");
    expect(c.fields).toMatchObject({ mobilePhone: "+39 333 000 1111", homeAddress: home });
    expect(c.categories).toEqual([categoryNames.it.person]);
  });

  it("R-X-11: both sides changed one field: the most recent wins and the overwritten value is shown on the person", async () => {
    const ana = await newUser();
    const p = await person(s, ana, { firstName: "Sara", lastName: "Ruiz", title: "Compras" });
    const x = await exchangeAccount(s, ana);
    await x.sync();
    const [c] = x.book.byName("Sara");
    expect(
      (await api(s, ana, "PATCH", `/api/v1/persons/${p.id}`, { title: "Jefa de compras" })).statusCode,
    ).toBe(200);
    // Outlook's edit comes later than the CRM's.
    x.book.now = new Date(Date.now() + 60_000);
    x.book.userEdit(c.id, { jobTitle: "Directora de compras", surname: "Ruiz Soler" });
    await x.sync();
    const after = (await getPerson(s, ana, p.id)).body;
    expect(after.title).toBe("Directora de compras");
    expect(after.lastName).toBe("Ruiz Soler");
    expect(after.overwrittenValues).toEqual([
      { field: "jobTitle", oldValue: "Jefa de compras", source: "crm", at: expect.any(String) },
    ]);
    expect(x.book.contacts.get(c.id)!.fields.jobTitle).toBe("Directora de compras");
  });

  it("R-X-11: the CRM's later change wins over Outlook's and Outlook's value is kept", async () => {
    const ana = await newUser();
    const p = await person(s, ana, { firstName: "Bruno", lastName: "Costa", title: "Ventas" });
    const x = await exchangeAccount(s, ana);
    await x.sync();
    const [c] = x.book.byName("Bruno");
    x.book.now = new Date(Date.now() - 3_600_000);
    x.book.userEdit(c.id, { jobTitle: "Ventas (Outlook)" });
    expect(
      (await api(s, ana, "PATCH", `/api/v1/persons/${p.id}`, { title: "Director de ventas" })).statusCode,
    ).toBe(200);
    await x.sync();
    expect(x.book.contacts.get(c.id)!.fields.jobTitle).toBe("Director de ventas");
    const after = (await getPerson(s, ana, p.id)).body;
    expect(after.title).toBe("Director de ventas");
    expect(after.overwrittenValues).toMatchObject([
      { field: "jobTitle", oldValue: "Ventas (Outlook)", source: "exchange" },
    ]);
  });

  it("R-X-7: a contact deleted in Outlook stays in the CRM and is not re-created; a person deleted in the CRM stays in Outlook and is not re-imported", async () => {
    const ana = await newUser();
    const kept = await person(s, ana, { firstName: "Nora", lastName: "Blanco", emails: ["nora@x.example"] });
    const gone = await person(s, ana, { firstName: "Iván", lastName: "Prieto", emails: ["ivan@x.example"] });
    const x = await exchangeAccount(s, ana);
    await x.sync();
    x.book.userDelete(x.book.byName("Nora")[0].id);
    expect((await api(s, ana, "DELETE", `/api/v1/persons/${gone.id}`)).statusCode).toBe(204);
    await x.sync();
    expect((await getPerson(s, ana, kept.id)).status).toBe(200);
    expect(x.book.byName("Nora")).toHaveLength(0);
    const [ivan] = x.book.byName("Iván");
    expect(ivan).toBeDefined();
    // Touched in Outlook afterwards, in a chosen category: still not imported again.
    x.book.userEdit(ivan.id, { jobTitle: "Nuevo" }, ["Clientes"]);
    await x.sync();
    expect((await listPersons(s, ana)).map((p) => p.firstName)).toEqual(["Nora"]);
    const reasons = (await x.links()).map((l) => [l.state, l.ignoredReason]).sort();
    expect(reasons).toEqual([
      ["ignored", "deleted-in-crm"],
      ["ignored", "deleted-in-exchange"],
    ]);
  });

  it("R-X-9: duplicates in Outlook are imported; after a CRM merge the survivor keeps one contact and the other is never imported again", async () => {
    const ana = await newUser();
    const x = await exchangeAccount(s, ana);
    const a = x.book.userCreate(
      "contacts",
      { givenName: "Pablo", surname: "Mora", emails: ["pablo@mora.example"] },
      ["Clientes"],
    );
    const b = x.book.userCreate(
      "clients",
      { givenName: "Pablo", surname: "Mora", emails: ["pablo@mora.example"], jobTitle: "CTO" },
      ["Clientes"],
    );
    await x.sync();
    const twins = (await listPersons(s, ana)).filter((p) => p.firstName === "Pablo");
    expect(twins).toHaveLength(2);
    const [target, source] = twins;
    expect(
      (await api(s, ana, "POST", "/api/v1/persons/merge", { targetId: target.id, sourceId: source.id }))
        .statusCode,
    ).toBe(200);
    await x.sync();
    const links = await x.links();
    expect(links.filter((l) => l.state === "linked").map((l) => l.personId)).toEqual([target.id]);
    expect(links.find((l) => l.personId === source.id)).toMatchObject({
      state: "ignored",
      ignoredReason: "merged-duplicate",
    });
    // Not pushed: both contacts are still in Outlook; the ignored one, edited, comes back to nobody.
    expect(x.book.contacts.has(a.id) && x.book.contacts.has(b.id)).toBe(true);
    const ignored = links.find((l) => l.state === "ignored")!;
    x.book.userEdit(ignored.providerId, { jobTitle: "Otra cosa" });
    await x.sync();
    expect((await listPersons(s, ana)).filter((p) => p.firstName === "Pablo")).toHaveLength(1);
  });

  it("R-CAT-1: a won deal files the contact under Current customer, replacing our old status and keeping the user's categories", async () => {
    const ana = await newUser();
    const p = await person(s, ana, { firstName: "Clara", lastName: "Sanz", emails: ["clara@x.example"] });
    const deal = await api(s, ana, "POST", "/api/v1/deals", { name: "Pedido 1", personId: p.id });
    expect(deal.statusCode).toBe(201);
    const x = await exchangeAccount(s, ana);
    await x.sync();
    const [c] = x.book.byName("Clara");
    expect(c.categories).toEqual([es.person, es.current_prospect]);
    x.book.userEdit(c.id, {}, ["VIP", ...c.categories]);
    await x.sync();
    expect(
      (await api(s, ana, "PATCH", `/api/v1/deals/${deal.json().id}`, { status: "won" })).statusCode,
    ).toBe(200);
    await x.sync();
    expect(x.book.contacts.get(c.id)!.categories).toEqual(["VIP", es.person, es.current_customer]);
  });

  it("R-X-8: a contact shared with the user syncs; once no longer visible it stops syncing and is deleted nowhere; an admin syncs everyone's", async () => {
    const owner = await newUser();
    const ana = await newUser();
    const shared = await person(s, owner, {
      firstName: "Gema",
      lastName: "Ortiz",
      emails: ["gema@x.example"],
    });
    await person(s, owner, { firstName: "Privado", lastName: "Deotro", emails: ["privado@x.example"] });
    expect(
      (await api(s, owner, "POST", `/api/v1/persons/${shared.id}/grants`, { userId: ana.id })).statusCode,
    ).toBe(200);
    const x = await exchangeAccount(s, ana);
    await x.sync();
    expect(x.book.byName("Gema")).toHaveLength(1);
    expect(x.book.byName("Privado")).toHaveLength(0);
    // Ana may not change Gema: her Outlook edit loses to the CRM and is kept.
    const [g] = x.book.byName("Gema");
    x.book.userEdit(g.id, { jobTitle: "Editado por Ana" });
    await x.sync();
    expect((await getPerson(s, owner, shared.id)).body.title).toBeNull();
    expect(x.book.contacts.get(g.id)!.fields.jobTitle).toBeNull();

    expect((await api(s, owner, "DELETE", `/api/v1/persons/${shared.id}/grants/${ana.id}`)).statusCode).toBe(
      204,
    );
    expect(
      (await api(s, owner, "PATCH", `/api/v1/persons/${shared.id}`, { title: "Gerente" })).statusCode,
    ).toBe(200);
    x.book.userEdit(g.id, { surname: "Ortiz (Ana)" });
    await x.sync();
    expect(x.book.contacts.get(g.id)!.fields.jobTitle).toBeNull();
    expect((await getPerson(s, owner, shared.id)).body.lastName).toBe("Ortiz");
    expect(x.book.contacts.has(g.id)).toBe(true);
    // An hour later (the CRM change is older than the push watermark and its overlap)…
    await s.ctx.db
      .update(persons)
      .set({ updatedAt: new Date(Date.now() - 3_600_000) })
      .where(eq(persons.id, shared.id));
    await s.ctx.db
      .update(exchangeIntegrations)
      .set({ pushedThrough: new Date() })
      .where(eq(exchangeIntegrations.connectionId, x.connection.id));
    // …shared again: the CRM's values come back to Outlook; Ana's edit made meanwhile loses (she may not
    // change Gema) and is kept.
    expect(
      (await api(s, owner, "POST", `/api/v1/persons/${shared.id}/grants`, { userId: ana.id })).statusCode,
    ).toBe(200);
    await x.sync();
    expect(x.book.contacts.get(g.id)!.fields).toMatchObject({ jobTitle: "Gerente", surname: "Ortiz" });
    const kept = (await getPerson(s, owner, shared.id)).body.overwrittenValues;
    expect(kept).toContainEqual(
      expect.objectContaining({ field: "surname", oldValue: "Ortiz (Ana)", source: "exchange" }),
    );

    const admin = await newUser("admin");
    const y = await exchangeAccount(s, admin);
    await y.sync();
    expect(y.book.byName("Privado")).toHaveLength(1);
    expect(y.book.byName("Gema")).toHaveLength(1);
  });

  for (const readable of [true, false])
    it(`R-X-6 / R-X-11: an Outlook edit between reading and writing (If-Match refused) loses nothing (${readable ? "read again at once" : "port without get: the next listing"})`, async () => {
      const ana = await newUser();
      const p = await person(s, ana, { firstName: "Hugo", lastName: "Lara", emails: ["hugo@x.example"] });
      const x = await exchangeAccount(s, ana);
      if (!readable) x.book.get = undefined;
      await x.sync();
      const [c] = x.book.byName("Hugo");
      expect((await api(s, ana, "PATCH", `/api/v1/persons/${p.id}`, { title: "Compras" })).statusCode).toBe(
        200,
      );
      const update = x.book.update.bind(x.book);
      let raced = false;
      x.book.update = async (id, key, w) => {
        if (!raced) {
          raced = true;
          x.book.userEdit(c.id, { mobilePhone: "+34 611 000 000" });
        }
        return update(id, key, w);
      };
      await x.sync();
      // Without `get`, the refused write waits for the listing that brings Outlook's edit: the next step.
      if (!readable) await x.sync();
      expect(x.book.calls.conflicts).toBe(1);
      expect(x.book.contacts.get(c.id)!.fields).toMatchObject({
        jobTitle: "Compras",
        mobilePhone: "+34 611 000 000",
      });
      expect((await getPerson(s, ana, p.id)).body.mobilePhone).toBe("+34 611 000 000");
    });

  it("R-X-6: an expired delta cursor re-lists the folder without duplicating anything", async () => {
    const ana = await newUser();
    await person(s, ana, { firstName: "Olga", lastName: "Vega", emails: ["olga@x.example"] });
    const x = await exchangeAccount(s, ana);
    x.book.userCreate("clients", { givenName: "Raúl", surname: "Gil", emails: ["raul@x.example"] }, [
      "Clientes",
    ]);
    await x.sync();
    x.book.userCreate("clients", { givenName: "Tere", surname: "Paz", emails: ["tere@x.example"] }, [
      "Clientes",
    ]);
    x.book.expireCursors();
    await x.sync();
    expect((await listPersons(s, ana)).map((p) => p.firstName).sort()).toEqual(["Olga", "Raúl", "Tere"]);
    expect(x.book.byName("Olga")).toHaveLength(1);
    const [row] = await s.ctx.db
      .select()
      .from(exchangeIntegrations)
      .where(eq(exchangeIntegrations.connectionId, x.connection.id));
    expect(row.pushedThrough).not.toBeNull();
    expect((await x.links()).filter((l) => l.state === "linked")).toHaveLength(3);
  });

  it("R-X-6, R-P-3: a round of CRM changes longer than a step goes on where the last step stopped: each contact written once, and the round ends", async () => {
    const ana = await newUser();
    const made = [];
    for (let i = 0; i < 12; i++)
      made.push(
        await person(s, ana, {
          firstName: `Round${i}`,
          lastName: "Test",
          emails: [`round${i}@acme.example`],
        }),
      );
    const x = await exchangeAccount(s, ana);
    await x.sync();
    for (const p of made)
      expect(
        (await api(s, ana, "PATCH", `/api/v1/persons/${p.id}`, { title: `Buyer ${p.id}` })).statusCode,
      ).toBe(200);
    const owner = await connectionOwner(s.ctx.db, x.connection);
    const writesBefore = x.book.calls.update;
    // Each step is a new session: nothing of the last one's memory but the position it left.
    const step = async (resume?: PushPosition) =>
      pushCrmContacts(
        s.ctx.db,
        owner,
        (await integrationOf(s.ctx.db, x.connection.id))!,
        x.book,
        5,
        { round: new Set(), refused: new Set() },
        resume,
      );
    const first = await step();
    expect(first).toMatchObject({ updated: 5, more: true });
    const second = await step(first.position);
    expect(second).toMatchObject({ updated: 5, more: true });
    const third = await step(second.position);
    expect(third).toMatchObject({ updated: 2, more: false });
    expect(x.book.calls.update - writesBefore).toBe(12);
    for (const p of made)
      expect(x.book.byName(`Round${made.indexOf(p)}`)[0]!.fields.jobTitle).toBe(`Buyer ${p.id}`);
    const [row] = await s.ctx.db
      .select()
      .from(exchangeIntegrations)
      .where(eq(exchangeIntegrations.connectionId, x.connection.id));
    expect(row!.pushedThrough!.toISOString()).toBe(first.position!.startedAt);
    // The next round reads them again (they changed within the overlap) and writes nothing.
    let next = await step();
    let written = next.updated;
    for (let calls = 1; next.more && calls < 10; calls++) {
      next = await step(next.position);
      written += next.updated;
    }
    expect({ more: next.more, written }).toEqual({ more: false, written: 0 });
  });
});
