// Exchange contacts two-way end to end: a Microsoft connection made through the real OAuth flow against
// the Microsoft emulator, the integration activated and set through its API, the worker's steps through
// the Graph contact port the "microsoft" provider registers, and what the user then sees in Outlook (the
// emulator's ground truth) and in the CRM's persons API. One mailbox, one story, in order.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContactRecord } from "../../emulators/microsoft/contact-store.js";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { SECRET } from "../../server/connections/connections.js";
import { connections, contactLinks, contactPendingCreates } from "../../server/db/schema.js";
import { getSecret, putSecret } from "../../server/secrets/store.js";
import { runStepExclusive } from "../../server/sync/run.js";
import { categoryNames } from "../../shared/categories.js";
import { engines, type TestServer } from "../harness/app.js";
import { injectFetch } from "../providers/inject-fetch.js";
import { api, signInThroughPopup, whileNoStepRuns } from "./mail-e2e.js";
import { startOutlookCalendarServer } from "./outlook-calendar-e2e.js";

const ANA = "ana@contoso.test";
const BOB = "bob@contoso.test";
const es = categoryNames.es;
const OURS = Object.values(es);
const address = (street: string, city: string) => ({
  street,
  city,
  state: "",
  postalCode: "28001",
  countryOrRegion: "ES",
});

describe.each(engines)("Exchange contacts through Microsoft Graph on %s", (engine) => {
  let s: TestServer;
  let microsoft: MicrosoftEmulator;
  let skew = 0;
  const msw = setupServer();
  let ana: { id: string; token: string };
  let connectionId: string;
  let clientsFolder: string;
  const outlook = () => microsoft.contacts(ANA);
  const named = (given: string): ContactRecord[] =>
    [...outlook().contacts.values()].filter((c) => c.fields.givenName === given);
  const only = (given: string) => {
    const found = named(given);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const masterNames = () => outlook().categories.map((c) => c.displayName);
  // Ana's own calls (her token also reads Bob's shared folder), batch parts included.
  const requests = () => microsoft.counter.endpointsOf(ANA);

  async function syncNow() {
    for (let i = 0; i < 200; i++) {
      const r = await runStepExclusive(s.ctx, connectionId);
      if (r !== "busy" && r.result !== "more") {
        expect(r.error).toBeUndefined();
        return r;
      }
      if (r === "busy") await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error("the sync never came to rest");
  }
  async function persons() {
    const r = await api(s, ana, "GET", "/api/v1/persons?limit=100");
    expect(r.statusCode).toBe(200);
    return r.json().items as { id: string; firstName: string; lastName: string }[];
  }
  async function personNamed(firstName: string) {
    const found = (await persons()).filter((p) => p.firstName === firstName);
    expect(found).toHaveLength(1);
    const r = await api(s, ana, "GET", `/api/v1/persons/${found[0]!.id}`);
    expect(r.statusCode).toBe(200);
    return r.json();
  }
  async function newPerson(body: Record<string, unknown>) {
    const r = await api(s, ana, "POST", "/api/v1/persons", body);
    expect(r.statusCode).toBe(201);
    return r.json().id as string;
  }
  async function signIn(connection?: string) {
    await signInThroughPopup(s, ana, {
      provider: "microsoft",
      syncs: "calendar",
      ...(connection ? { connectionId: connection } : {}),
    });
  }

  beforeAll(async () => {
    // Bob's folder shared with Ana exists before the server starts: its reference is configuration.
    microsoft = new MicrosoftEmulator({
      clock: () => Date.now() + skew,
      fetch: (input, init) => injectFetch(s.app)(input, init),
    });
    microsoft.addAccount(ANA, "Ana Ruiz");
    microsoft.addAccount(BOB, "Bob Lee");
    const shared = microsoft.contacts(BOB).addFolder("Ventas compartidas");
    microsoft.contacts(BOB).share(shared.id, ANA);
    microsoft
      .contacts(BOB)
      .seed(
        { givenName: "Shared", surname: "Only", emailAddresses: [{ address: "shared@x.example" }] },
        shared.id,
      );
    s = await startOutlookCalendarServer(engine, {
      CONCILIA_PUBLIC_URL: "https://concilia.test",
      EXCHANGE_SHARED_CONTACT_FOLDERS: `${BOB}/${shared.id}`,
    });
    msw.use(...microsoft.handlers());
    msw.listen({ onUnhandledRequest: "bypass" });
    ana = await s.user(`ana-${engine}@acme.test`, { name: "Ana" });
  });
  afterAll(async () => {
    msw.close();
    await s?.close();
  });

  it("R-X-1, R-CAT-2, R-X-3, R-X-5: activated in Spanish, the seven Spanish categories are made in the master list; the shared folder is listed, not synced", async () => {
    outlook().addCategory("Clientes", "preset4");
    outlook().addCategory("Golf", "preset2");
    clientsFolder = outlook().addFolder("Clientes").id;
    await signIn();
    connectionId = (await api(s, ana, "GET", "/api/v1/connections")).json().items[0].id;
    const activated = await api(s, ana, "POST", `/api/v1/connections/${connectionId}/exchange`, {
      language: "es",
    });
    expect(activated.statusCode).toBe(201);
    expect(activated.json().consentNeeded).toEqual(["Contacts.ReadWrite", "MailboxSettings.ReadWrite"]);
    await signIn(connectionId);
    const folders = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/exchange/folders`);
    expect(folders.statusCode).toBe(200);
    const items = folders.json().items as { id: string; kind: string; synced: boolean; owner: string }[];
    // Bob's folder is listed, as shared and not synced; only Ana's own can sync.
    expect(items.filter((f) => f.kind === "shared")).toEqual([
      expect.objectContaining({ owner: BOB, synced: false, name: "Ventas compartidas" }),
    ]);
    expect(folders.json().message).toBeNull();
    const own = items.filter((f) => f.kind === "private").map((f) => f.id);
    expect(own).toHaveLength(2);
    const set = await api(s, ana, "PATCH", `/api/v1/connections/${connectionId}/exchange`, {
      categories: ["Clientes"],
      folderIds: own,
      targetFolderId: outlook().defaultFolder.id,
    });
    expect(set.statusCode).toBe(200);
    await syncNow();
    expect(masterNames().sort()).toEqual(["Clientes", "Golf", ...OURS].sort());
  });

  it("R-X-5, R-X-1: a grant without Contacts.Read.Shared says which permission is missing, and signing in again asks for it", async () => {
    const ownScopes =
      "openid offline_access Calendars.ReadWrite Contacts.ReadWrite MailboxSettings.ReadWrite";
    // Consent withdrawn and given again without it, as a user who declined it would have.
    microsoft.revokeTokens(ANA, "consent");
    const held = await getSecret(s.ctx, connectionId, SECRET.refreshToken);
    await putSecret(
      s.ctx,
      connectionId,
      SECRET.refreshToken,
      microsoft.issueTokens(ANA, ownScopes).refreshToken,
      held!.version,
    );
    await s.ctx.db
      .update(connections)
      .set({ grantedScopes: ownScopes.split(" ") })
      .where(eq(connections.id, connectionId));
    const integration = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/exchange`);
    // Her own folders still sync: nothing blocks the integration, the folder list says what is missing.
    expect(integration.json().consentNeeded).toEqual([]);
    const folders = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/exchange/folders`);
    expect(folders.statusCode).toBe(200);
    expect(folders.json().message).toContain("Contacts.Read.Shared");
    expect(folders.json().message).toContain("Sign in to this connection again");
    const items = folders.json().items as { kind: string }[];
    expect(items.map((f) => f.kind)).toEqual(["private", "private"]);

    const start = await api(s, ana, "POST", "/api/v1/connections/oauth/start", {
      provider: "microsoft",
      connectionId,
    });
    const scope = new URL(start.json().authorizationUrl).searchParams.get("scope")!.split(" ");
    expect(scope).toEqual(
      expect.arrayContaining(["Contacts.ReadWrite", "MailboxSettings.ReadWrite", "Contacts.Read.Shared"]),
    );
    await signIn(connectionId);
    const again = await api(s, ana, "GET", `/api/v1/connections/${connectionId}/exchange/folders`);
    expect(again.json().message).toBeNull();
    expect(
      (again.json().items as { kind: string; owner: string }[]).filter((f) => f.kind === "shared"),
    ).toEqual([expect.objectContaining({ owner: BOB })]);
    // The sign-in queued a sync: it runs now, not in the middle of the next story.
    await syncNow();
  });

  it("R-X-10, R-X-3, R-CAT-1, R-X-9, R-X-5: the first sync merges by email, name + company and phone, imports duplicates, and files new CRM persons under kind and status", async () => {
    await newPerson({
      firstName: "Marta",
      lastName: "Núñez",
      emails: ["marta@iberia.example"],
      title: "Compras",
    });
    await newPerson({
      firstName: "Luis",
      lastName: "Gómez",
      companyName: "Acme Iberia",
      emails: ["luis@acme.example"],
    });
    await newPerson({ firstName: "Rosa", lastName: "Díaz", phones: ["+34 600 222 333"] });
    const clara = await newPerson({ firstName: "Clara", lastName: "Sanz", emails: ["clara@x.example"] });
    expect(
      (await api(s, ana, "POST", "/api/v1/deals", { name: "Pedido 1", personId: clara })).statusCode,
    ).toBe(201);
    const o = outlook();
    o.seed({
      givenName: "Marta",
      surname: "Núñez",
      emailAddresses: [{ address: "MARTA@IBERIA.EXAMPLE" }],
      mobilePhone: "+34 600 111 222",
      categories: ["Clientes"],
    });
    o.seed(
      { givenName: "Luis", surname: "Gómez", companyName: "Acme Iberia", categories: ["Clientes"] },
      clientsFolder,
    );
    o.seed({
      givenName: "Rosa",
      surname: "Díaz",
      businessPhones: ["+34 600 222 333"],
      categories: ["Clientes"],
    });
    for (const jobTitle of ["CTO", "Director técnico"])
      o.seed(
        {
          givenName: "Pablo",
          surname: "Mora",
          emailAddresses: [{ address: "pablo@mora.example" }],
          jobTitle,
          categories: ["Clientes"],
        },
        clientsFolder,
      );
    o.seed({ givenName: "Primo", surname: "Lejano", categories: ["Familia"] });
    await syncNow();

    expect((await persons()).map((p) => p.firstName).sort()).toEqual([
      "Clara",
      "Luis",
      "Marta",
      "Pablo",
      "Pablo",
      "Rosa",
    ]);
    for (const given of ["Marta", "Luis", "Rosa", "Clara"]) only(given);
    expect((await personNamed("Marta")).mobilePhone).toBe("+34 600 111 222");
    expect(only("Marta").fields.jobTitle).toBe("Compras");
    expect(only("Luis").categories).toEqual(["Clientes", es.person]);
    expect(only("Clara")).toMatchObject({
      folderId: o.defaultFolder.id,
      categories: [es.person, es.current_prospect],
    });
    expect(only("Primo").categories).toEqual(["Familia"]);
    expect(named("Shared")).toHaveLength(0);
    expect((await persons()).some((p) => p.firstName === "Shared")).toBe(false);
    // A second sync has nothing to write.
    const writes = () =>
      (requests()["graph.contacts.update"] ?? 0) + (requests()["graph.contacts.create"] ?? 0);
    const before = writes();
    await syncNow();
    expect(writes()).toBe(before);
  });

  it("R-CAT-1: a won deal moves the contact to Current customer and keeps the user's own category", async () => {
    const clara = only("Clara");
    outlook().userEdit(clara.id, { categories: ["Golf", ...clara.categories] });
    await syncNow();
    const person = await personNamed("Clara");
    const deals = await api(s, ana, "GET", `/api/v1/deals?personId=${person.id}`);
    const deal = deals.json().items[0];
    expect((await api(s, ana, "PATCH", `/api/v1/deals/${deal.id}`, { status: "won" })).statusCode).toBe(200);
    await syncNow();
    expect(only("Clara").categories).toEqual(["Golf", es.person, es.current_customer]);
  });

  for (const mode of ["keep-id", "replace"] as const)
    it(`R-X-4: a category renamed in Outlook (${mode}) and one deleted are made again at the next sync`, async () => {
      const o = outlook();
      o.renameCategory(o.categoryNamed(es.person)!.id, "Mis personas", mode);
      o.deleteCategory(o.categoryNamed(es.lost_prospect)!.id);
      await syncNow();
      expect(masterNames()).toEqual(expect.arrayContaining([...OURS, "Clientes", "Golf"]));
      expect(masterNames()).toHaveLength(OURS.length + 2 + (mode === "keep-id" ? 0 : 1));
      expect(only("Clara").categories).toContain(es.person);
    });

  it("R-X-6: edits flow both ways: names, emails, phones, company, job title and addresses", async () => {
    const luis = only("Luis");
    outlook().userEdit(luis.id, {
      givenName: "Luis",
      surname: "Gómez Ruiz",
      emailAddresses: [{ address: "luis@acme.example" }, { address: "lgomez@home.example" }],
      businessPhones: ["+34 910 000 001"],
      companyName: "Acme Iberia SL",
      jobTitle: "Gerente",
      homeAddress: address("Calle Sol 2", "Sevilla"),
    });
    await syncNow();
    const p = await personNamed("Luis");
    expect(p).toMatchObject({
      lastName: "Gómez Ruiz",
      emails: ["luis@acme.example", "lgomez@home.example"],
      phones: ["+34 910 000 001"],
      title: "Gerente",
      homeAddress: address("Calle Sol 2", "Sevilla"),
    });
    expect(p.company.name).toBe("Acme Iberia SL");

    const rosa = await personNamed("Rosa");
    const patch = await api(s, ana, "PATCH", `/api/v1/persons/${rosa.id}`, {
      firstName: "Rosa María",
      emails: ["rosa@diaz.example"],
      mobilePhone: "+34 611 000 111",
      companyName: "Díaz Hermanos",
      title: "Socia",
      businessAddress: address("Gran Vía 5", "Madrid"),
    });
    expect(patch.statusCode).toBe(200);
    await syncNow();
    expect(only("Rosa María").fields).toMatchObject({
      emailAddresses: [expect.objectContaining({ address: "rosa@diaz.example" })],
      mobilePhone: "+34 611 000 111",
      companyName: "Díaz Hermanos",
      jobTitle: "Socia",
      businessAddress: address("Gran Vía 5", "Madrid"),
    });
  });

  it("R-X-11: the same field changed on both sides: the most recent wins and the overwritten value is shown on the person", async () => {
    const marta = await personNamed("Marta");
    expect(
      (await api(s, ana, "PATCH", `/api/v1/persons/${marta.id}`, { title: "Jefa de compras" })).statusCode,
    ).toBe(200);
    skew = 60_000;
    outlook().userEdit(only("Marta").id, { jobTitle: "Directora de compras" });
    skew = 0;
    await syncNow();
    const after = await personNamed("Marta");
    expect(after.title).toBe("Directora de compras");
    expect(after.overwrittenValues).toEqual([
      { field: "jobTitle", oldValue: "Jefa de compras", source: "crm", at: expect.any(String) },
    ]);
    expect(only("Marta").fields.jobTitle).toBe("Directora de compras");
  });

  it("R-X-9: after a CRM merge of the Outlook duplicates, the merge is not pushed and the other contact is never imported again", async () => {
    const [target, source] = (await persons()).filter((p) => p.firstName === "Pablo");
    const merged = await api(s, ana, "POST", "/api/v1/persons/merge", {
      targetId: target!.id,
      sourceId: source!.id,
    });
    expect(merged.statusCode).toBe(200);
    await syncNow();
    expect(named("Pablo")).toHaveLength(2);
    const links = await s.ctx.db
      .select()
      .from(contactLinks)
      .where(eq(contactLinks.connectionId, connectionId));
    expect(links.filter((l) => l.personId === target!.id && l.state === "linked")).toHaveLength(1);
    const given = links.find((l) => l.ignoredReason === "merged-duplicate")!;
    outlook().userEdit(given.providerId, { jobTitle: "Otra cosa" });
    await syncNow();
    expect((await persons()).filter((p) => p.firstName === "Pablo")).toHaveLength(1);
  });

  it("R-X-7: a deletion on either side is not propagated, and nothing is made again", async () => {
    outlook().remove(only("Luis").id);
    const rosa = await personNamed("Rosa María");
    expect((await api(s, ana, "DELETE", `/api/v1/persons/${rosa.id}`)).statusCode).toBe(204);
    await syncNow();
    expect((await personNamed("Luis")).lastName).toBe("Gómez Ruiz");
    expect(named("Luis")).toHaveLength(0);
    const kept = only("Rosa María");
    outlook().userEdit(kept.id, { jobTitle: "Socia fundadora" });
    await syncNow();
    expect(named("Luis")).toHaveLength(0);
    expect((await persons()).some((p) => p.firstName === "Rosa María")).toBe(false);
  });

  it("R-X-7, R-P-3 (failure mode 10): a CRM edit to a person whose contact was deleted in Outlook meanwhile (404 on the write) keeps the edit, makes no contact again and leaves the sync healthy", async () => {
    const marta = await personNamed("Marta");
    const contact = only("Marta");
    await whileNoStepRuns(s, connectionId, async () => {
      const edit = await api(s, ana, "PATCH", `/api/v1/persons/${marta.id}`, {
        title: "Directora de compras",
      });
      expect(edit.statusCode).toBe(200);
      outlook().remove(contact.id);
    });
    await syncNow();
    await syncNow();
    expect(named("Marta")).toHaveLength(0);
    expect((await personNamed("Marta")).title).toBe("Directora de compras");
    const [link] = await s.ctx.db.select().from(contactLinks).where(eq(contactLinks.providerId, contact.id));
    expect(link).toMatchObject({ personId: marta.id, state: "ignored" });
    // A later CRM edit writes nothing to Exchange either.
    expect(
      (await api(s, ana, "PATCH", `/api/v1/persons/${marta.id}`, { title: "Directora general" })).statusCode,
    ).toBe(200);
    await syncNow();
    expect(named("Marta")).toHaveLength(0);
    const status = (await api(s, ana, "GET", `/api/v1/connections/${connectionId}/status`)).json();
    expect(status).toMatchObject({ lastError: null, failedItems: 0 });
  });

  it("R-P-2, R-X-6: a delta link Graph forgot (410) re-lists every folder without duplicating anything", async () => {
    const count = outlook().contacts.size;
    const people = (await persons()).length;
    outlook().seed({
      givenName: "Tere",
      surname: "Paz",
      emailAddresses: [{ address: "tere@x.example" }],
      categories: ["Clientes"],
    });
    microsoft.contacts(ANA).invalidateDelta();
    await syncNow();
    expect(outlook().contacts.size).toBe(count + 1);
    expect((await persons()).length).toBe(people + 1);
    only("Tere");
  });

  const byCompany = (name: string): ContactRecord[] =>
    [...outlook().contacts.values()].filter(
      (c) => c.fields.companyName === name && !c.fields.givenName && !c.fields.surname,
    );
  const onlyCompany = (name: string) => {
    const found = byCompany(name);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  async function listOf(path: "companies" | "leads") {
    const r = await api(s, ana, "GET", `/api/v1/${path}?limit=100`);
    expect(r.statusCode).toBe(200);
    return r.json().items as Record<string, unknown>[];
  }

  it("R-X-8, R-X-3, R-CAT-1: CRM companies and leads are made in Outlook under their kind and status categories", async () => {
    const company = await api(s, ana, "POST", "/api/v1/companies", {
      name: "Globex Ibérica",
      domain: "globex.example",
      emails: ["info@globex.example"],
      phones: ["+34 910 555 000"],
      businessAddress: address("Paseo del Prado 1", "Madrid"),
    });
    expect(company.statusCode).toBe(201);
    const deal = await api(s, ana, "POST", "/api/v1/deals", {
      name: "Licencias",
      companyId: company.json().id,
    });
    expect(deal.statusCode).toBe(201);
    const lead = await api(s, ana, "POST", "/api/v1/leads", {
      firstName: "Leire",
      lastName: "Mar",
      companyName: "Startup SL",
      title: "CEO",
      emails: ["leire@startup.example"],
      phones: ["+34 655 000 111"],
    });
    expect(lead.statusCode).toBe(201);
    await syncNow();
    expect(onlyCompany("Globex Ibérica")).toMatchObject({
      folderId: outlook().defaultFolder.id,
      categories: [es.company, es.current_prospect],
      fields: expect.objectContaining({
        displayName: "Globex Ibérica",
        emailAddresses: [expect.objectContaining({ address: "info@globex.example" })],
        businessPhones: ["+34 910 555 000"],
        businessAddress: address("Paseo del Prado 1", "Madrid"),
        businessHomePage: "https://globex.example",
      }),
    });
    expect(only("Leire")).toMatchObject({
      categories: [es.lead],
      fields: expect.objectContaining({
        surname: "Mar",
        companyName: "Startup SL",
        jobTitle: "CEO",
        businessPhones: ["+34 655 000 111"],
        emailAddresses: [expect.objectContaining({ address: "leire@startup.example" })],
      }),
    });
    // Neither became a person, in the CRM or in Outlook.
    expect((await persons()).some((p) => p.firstName === "Leire")).toBe(false);
    const writes = () =>
      (requests()["graph.contacts.update"] ?? 0) + (requests()["graph.contacts.create"] ?? 0);
    const before = writes();
    await syncNow();
    expect(writes()).toBe(before);
  });

  it("R-X-6, R-X-11: company and lead edits flow both ways; a lead's conflict keeps the overwritten value", async () => {
    outlook().userEdit(onlyCompany("Globex Ibérica").id, {
      businessPhones: ["+34 910 555 999"],
      businessHomePage: "https://www.globex-iberica.example/",
      businessAddress: address("Calle Mayor 3", "Toledo"),
    });
    const leire = (await listOf("leads")).find((l) => l.firstName === "Leire")!;
    expect((await api(s, ana, "PATCH", `/api/v1/leads/${leire.id}`, { title: "Fundadora" })).statusCode).toBe(
      200,
    );
    skew = 60_000;
    outlook().userEdit(only("Leire").id, {
      surname: "Mar Azul",
      jobTitle: "Directora",
      mobilePhone: "+34 699 000 000",
    });
    skew = 0;
    await syncNow();
    const globex = (await listOf("companies")).find((c) => c.name === "Globex Ibérica")!;
    expect(globex).toMatchObject({
      phones: ["+34 910 555 999"],
      domain: "globex-iberica.example",
      businessAddress: address("Calle Mayor 3", "Toledo"),
    });
    const after = (await api(s, ana, "GET", `/api/v1/leads/${leire.id}`)).json();
    expect(after).toMatchObject({ lastName: "Mar Azul", title: "Directora" });
    expect(after.customFields.exchangeOverwritten).toEqual([
      expect.objectContaining({ field: "jobTitle", oldValue: "Fundadora", source: "crm" }),
    ]);
    // A field a lead does not have (a mobile number) stays as the user keeps it when the CRM writes.
    expect(
      (await api(s, ana, "PATCH", `/api/v1/leads/${leire.id}`, { companyName: "Startup Labs" })).statusCode,
    ).toBe(200);
    await syncNow();
    expect(only("Leire").fields).toMatchObject({
      companyName: "Startup Labs",
      surname: "Mar Azul",
      mobilePhone: "+34 699 000 000",
    });
    expect(
      (
        await api(s, ana, "PATCH", `/api/v1/companies/${globex.id}`, {
          name: "Globex Iberia",
          customerStatus: "current",
        })
      ).statusCode,
    ).toBe(200);
    await syncNow();
    expect(byCompany("Globex Ibérica")).toHaveLength(0);
    expect(onlyCompany("Globex Iberia")).toMatchObject({
      categories: [es.company, es.current_customer],
      fields: expect.objectContaining({
        displayName: "Globex Iberia",
        businessHomePage: "https://globex-iberica.example",
      }),
    });
  });

  it("R-X-2, R-X-10, R-CAT-1: an Outlook contact under Concilia Company or Concilia Lead is imported as a company or a lead, matched by name or email", async () => {
    expect((await api(s, ana, "POST", "/api/v1/companies", { name: "Hooli" })).statusCode).toBe(201);
    const companies = async () => (await listOf("companies")).map((c) => c.name);
    const o = outlook();
    o.seed({ displayName: "Initech", companyName: "Initech", categories: ["Clientes", es.company] });
    o.seed({ displayName: "HOOLI", companyName: "HOOLI", categories: ["Clientes", es.company] });
    o.seed({
      givenName: "Lola",
      surname: "Pino",
      companyName: "Pino Tech",
      emailAddresses: [{ address: "lola@pino.example" }],
      categories: ["Clientes", es.lead],
    });
    o.seed({ displayName: "Umbrella", companyName: "Umbrella", categories: [es.company] });
    await syncNow();
    expect((await companies()).filter((n) => n === "Initech")).toHaveLength(1);
    // Matched by name (R-X-10): one company, Outlook's later spelling kept and the CRM's saved (R-X-11).
    const hooli = (await listOf("companies")).filter((c) => c.name === "Hooli" || c.name === "HOOLI");
    expect(hooli).toHaveLength(1);
    expect(hooli[0]).toMatchObject({
      name: "HOOLI",
      customFields: {
        exchangeOverwritten: [
          expect.objectContaining({ field: "companyName", oldValue: "Hooli", source: "crm" }),
        ],
      },
    });
    // Not in a chosen category (R-X-2): left alone whatever its kind.
    expect(await companies()).not.toContain("Umbrella");
    const lola = (await listOf("leads")).filter((l) => l.firstName === "Lola");
    expect(lola).toEqual([expect.objectContaining({ lastName: "Pino", companyName: "Pino Tech" })]);
    expect((await persons()).some((p) => ["Lola", "Initech", "HOOLI"].includes(p.firstName))).toBe(false);
    // The CRM's Hooli is linked to Outlook's: no second contact for it.
    expect(byCompany("Hooli")).toHaveLength(0);
    expect(onlyCompany("HOOLI").categories).toEqual(["Clientes", es.company]);
    expect(onlyCompany("Initech").categories).toEqual(["Clientes", es.company]);
    expect(only("Lola").categories).toEqual(["Clientes", es.lead]);
  });

  it("R-X-7: a company deleted in the CRM and a lead deleted in Outlook stay on the other side and are not made again", async () => {
    const initech = (await listOf("companies")).find((c) => c.name === "Initech")!;
    expect((await api(s, ana, "DELETE", `/api/v1/companies/${initech.id}`)).statusCode).toBe(204);
    outlook().remove(only("Lola").id);
    await syncNow();
    onlyCompany("Initech");
    expect((await listOf("leads")).filter((l) => l.firstName === "Lola")).toHaveLength(1);
    outlook().userEdit(onlyCompany("Initech").id, { businessPhones: ["+34 900 000 000"] });
    await syncNow();
    expect((await listOf("companies")).some((c) => c.name === "Initech")).toBe(false);
    expect(named("Lola")).toHaveLength(0);
  });

  it("R-P-2: throttled writes leave one contact; a create is one request, with no look-up first", async () => {
    microsoft.faults.set(ANA, {
      throttle: {
        status: 429,
        retryAfter: 0,
        endpoints: ["graph.contacts.create", "graph.contacts.update"],
        times: 2,
      },
    });
    await newPerson({ firstName: "Iker", lastName: "Sola", emails: ["iker@x.example"] });
    microsoft.counter.reset();
    await syncNow();
    microsoft.faults.clear(ANA);
    only("Iker");
    expect(requests()["graph.contacts.list"]).toBeUndefined();
  });

  it("R-P-2: a create whose answer was lost is linked by the next listing: one contact, one person, no look-up", async () => {
    microsoft.faults.set(ANA, { loseResponse: { endpoints: ["graph.contacts.create"], times: 1 } });
    await newPerson({ firstName: "Nerea", lastName: "Alba", emails: ["nerea@x.example"] });
    microsoft.counter.reset();
    await syncNow();
    expect(microsoft.faults.get(ANA).loseResponse?.times).toBe(0);
    // The POST was applied, its answer lost: Outlook has her, the CRM does not know it yet.
    expect(named("Nerea")).toHaveLength(1);
    await syncNow();
    await syncNow();
    expect(named("Nerea")).toHaveLength(1);
    expect(only("Nerea").categories).toEqual([es.person]);
    expect((await persons()).filter((p) => p.firstName === "Nerea")).toHaveLength(1);
    const nerea = await personNamed("Nerea");
    const [link] = await s.ctx.db.select().from(contactLinks).where(eq(contactLinks.personId, nerea.id));
    expect(link).toMatchObject({ state: "linked", providerId: only("Nerea").id });
    expect(await s.ctx.db.select().from(contactPendingCreates)).toEqual([]);
    expect(requests()["graph.contacts.create"]).toBe(1);
    expect(requests()["graph.contacts.list"]).toBeUndefined();
  });

  it("R-P-2: a create that failed before Exchange applied it is looked up once (its marker stands) and made once", async () => {
    microsoft.faults.set(ANA, {
      serverError: { status: 502, endpoints: ["graph.contacts.create"], times: 1 },
    });
    await newPerson({ firstName: "Unai", lastName: "Ortiz", emails: ["unai@x.example"] });
    microsoft.counter.reset();
    await syncNow();
    expect(named("Unai")).toHaveLength(0);
    expect(await s.ctx.db.select().from(contactPendingCreates)).toHaveLength(1);
    await syncNow();
    expect(named("Unai")).toHaveLength(1);
    expect(only("Unai").categories).toEqual([es.person]);
    expect(requests()["graph.contacts.list"]).toBe(1);
    expect(requests()["graph.contacts.create"]).toBe(2);
    expect(await s.ctx.db.select().from(contactPendingCreates)).toEqual([]);
    await syncNow();
    expect(named("Unai")).toHaveLength(1);
  });
});
