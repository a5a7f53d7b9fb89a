import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../server/auth/tokens.js";
import { seedDemo } from "../../server/crm/demo.js";
import type { ContextResponse } from "../../shared/api/context.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";

describe.each(engines)("context endpoint on %s", (engine) => {
  let s: TestServer;
  let sara: string;
  let admin: string;
  beforeAll(async () => {
    s = await startTestServer({ engine });
    const { users } = await seedDemo(s.ctx);
    sara = (await createApiToken(s.ctx.db, users.sales.id, { name: "t" })).token;
    admin = (await createApiToken(s.ctx.db, users.admin.id, { name: "t" })).token;
  });
  afterAll(() => s?.close());

  const personId = async (address: string) => {
    const r = await s.app.inject({
      url: `/api/v1/persons?q=${encodeURIComponent(address)}`,
      headers: { authorization: `Bearer ${sara}` },
    });
    return r.json().items[0].id as string;
  };

  const context = async (token: string, addresses: string[], extra = "", lang = "en") => {
    const qs = addresses.map((a) => `address=${encodeURIComponent(a)}`).join("&");
    const r = await s.app.inject({
      url: `/api/v1/context?${qs}${extra}`,
      headers: { authorization: `Bearer ${token}`, "accept-language": lang },
    });
    return { status: r.statusCode, body: r.json() as ContextResponse };
  };

  it("R-SB-8: one request answers every address with its record, badge, deals, events and activities", async () => {
    const { status, body } = await context(sara, [
      "José García <JOSE.GARCIA@acme-iberia.example>",
      "marta.nunez@acme-iberia.example",
      "sara@concilia.demo",
      "Nuevo Contacto <nuevo.contacto@acme-iberia.example>",
    ]);
    expect(status).toBe(200);
    const [jose, marta, self, unknown] = body.participants;
    expect(jose.status).toBe("known");
    if (jose.status !== "known") throw new Error();
    expect(jose.record.name).toBe("José García");
    expect(jose.record.company?.name).toBe("Acme Iberia");
    expect(jose.record.title).toBe("Director de compras");
    expect(jose.record.badge).toEqual({
      key: "current_customer",
      label: "Current customer",
      name: "Concilia Current customer",
    });
    expect(jose.record.owner.email).toBe("sara@concilia.demo");
    expect(jose.record.phones).toEqual(["+34 600 000 101"]);
    expect(jose.record.nextEvents.map((e) => e.title)).toEqual(["Revisión trimestral con Acme"]);
    expect(jose.record.lastActivities.map((a) => a.subject)).toContain(
      "Llamada de seguimiento de la renovación",
    );
    expect(jose.record.lastActivities.find((a) => a.type === "call")).toMatchObject({
      subject: "Llamada de seguimiento de la renovación",
      typeName: "Call",
      state: "done",
    });
    if (marta.status !== "known") throw new Error();
    expect(marta.record.openDeals.map((d) => d.name)).toEqual(["Acme: ampliación a 200 puestos"]);
    expect(marta.record.badge.key).toBe("current_prospect");
    expect(self.status).toBe("self");
    expect(unknown).toMatchObject({
      status: "unknown",
      suggestion: {
        firstName: "Nuevo",
        lastName: "Contacto",
        companyName: "Acme Iberia",
        domain: "acme-iberia.example",
      },
    });
  });

  it("R-CAT-2: badges are localized by Accept-Language", async () => {
    const es = await context(
      sara,
      ["jose.garcia@acme-iberia.example", "nina.weber@nordlicht.example"],
      "",
      "es-ES,es;q=0.9",
    );
    const it_ = await context(sara, ["jose.garcia@acme-iberia.example"], "", "it");
    const badges = es.body.participants.map((p) => (p.status === "known" ? p.record.badge.label : null));
    expect(badges).toEqual(["Cliente actual", "Lead"]);
    const p = it_.body.participants[0];
    expect(p.status === "known" && p.record.badge.name).toBe("Cliente attuale di Concilia");
  });

  it("R-SB-1: planned activities come apart from done ones, each with its type, type name and due date", async () => {
    const dueTonight = new Date(Date.now() + 3 * 3600_000).toISOString();
    const created = await s.app.inject({
      method: "POST",
      url: "/api/v1/activities",
      headers: { authorization: `Bearer ${sara}` },
      payload: {
        type: "task",
        state: "planned",
        subject: "Enviar contrato firmado",
        startAt: dueTonight,
        links: [{ type: "person", id: await personId("jose.garcia@acme-iberia.example") }],
      },
    });
    expect(created.statusCode).toBe(201);
    const { body } = await context(sara, [
      "jose.garcia@acme-iberia.example",
      "giulia.rossi@borealis.example",
    ]);
    const [jose, giulia] = body.participants;
    if (jose.status !== "known" || giulia.status !== "known") throw new Error("both are known");
    expect(jose.record.plannedActivities).toEqual([
      {
        id: created.json().id,
        type: "task",
        typeName: "Task",
        subject: "Enviar contrato firmado",
        dueAt: new Date(dueTonight).toISOString(),
      },
    ]);
    expect(jose.record.lastActivities.map((a) => a.subject)).not.toContain("Enviar contrato firmado");
    expect(jose.record.lastActivities.every((a) => a.state === "done")).toBe(true);
    // The demo's call with Giulia is tomorrow: planned, not among her last activities.
    expect(giulia.record.plannedActivities.map((a) => [a.type, a.subject])).toEqual([
      ["call", "Chiamata con Giulia sul pilota"],
    ]);
    expect(giulia.record.lastActivities.map((a) => a.subject)).not.toContain(
      "Chiamata con Giulia sul pilota",
    );
  });

  it("R-SB-8: a record the user may not see comes back as unknown", async () => {
    // Elena belongs to the admin; Sara has no grant on her.
    const r = await context(sara, ["elena.sanz@estrella.example"]);
    expect(r.body.participants[0].status).toBe("unknown");
    const a = await context(admin, ["elena.sanz@estrella.example"]);
    expect(a.body.participants[0].status).toBe("known");
  });

  it("R-SB-8: requests answered together in one statement each get their own user's answer", async () => {
    const asks = [
      [sara, "elena.sanz@estrella.example"],
      [admin, "elena.sanz@estrella.example"],
      [sara, "jose.garcia@acme-iberia.example"],
      [admin, "nobody@estrella.example"],
    ] as const;
    const alone: ContextResponse[] = [];
    for (const [token, address] of asks) alone.push((await context(token, [address])).body);

    const database = s.ctx.database;
    const query = database.query;
    let statements = 0;
    database.query = (...args) => {
      if (args[2] === "concilia_context") statements++;
      return query(...args);
    };
    try {
      const rounds = 3;
      const together = await Promise.all(
        Array.from({ length: rounds }, () =>
          asks.map(([token, address]) => context(token, [address])),
        ).flat(),
      );
      expect(together.map((r) => r.body)).toEqual(Array.from({ length: rounds }, () => alone).flat());
      expect(statements).toBeLessThan(asks.length * rounds);
    } finally {
      database.query = query;
    }
    expect(alone.map((b) => b.participants[0].status)).toEqual(["unknown", "known", "known", "unknown"]);
  });

  it("R-SB-8: more than 100 addresses is a clear 400", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `a${i}@x.example`);
    const r = await s.app.inject({
      url: `/api/v1/context?${many.map((a) => `address=${a}`).join("&")}`,
      headers: { authorization: `Bearer ${sara}` },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toEqual({ path: "query.address", message: "at most 100 addresses" });
  });

  it("R-SB-3: an unlogged message says so", async () => {
    const r = await context(sara, ["jose.garcia@acme-iberia.example"], "&messageId=%3Cnot-logged%40x%3E");
    expect(r.body.messageId).toBe("not-logged@x");
    expect(r.body.logged).toBeNull();
  });

  it("R-SB-8: the card shows the open deals shared with the user, as the deal listing does, and no others", async () => {
    const bea = await s.user("bea@concilia.demo");
    const cai = await s.user("cai@concilia.demo");
    const as = (who: { token: string }, method: string, url: string, payload?: object) =>
      s.app
        .inject({ method: method as "GET", url, headers: { authorization: `Bearer ${who.token}` }, payload })
        .then((r) => r.json());
    const person = await as(bea, "POST", "/api/v1/persons", {
      firstName: "Dana",
      emails: ["dana@shared-deals.example"],
    });
    const shared = await as(bea, "POST", "/api/v1/deals", { name: "Shared deal", personId: person.id });
    await as(bea, "POST", "/api/v1/deals", { name: "Bea's own deal", personId: person.id });
    for (const [type, id] of [
      ["persons", person.id],
      ["deals", shared.id],
    ])
      await as(bea, "POST", `/api/v1/${type}/${id}/grants`, { userId: cai.id });

    const listed = await as(cai, "GET", `/api/v1/deals?personId=${person.id}`);
    expect(listed.items.map((d: { name: string }) => d.name)).toEqual(["Shared deal"]);
    const r = await context(cai.token, ["dana@shared-deals.example"]);
    const dana = r.body.participants[0];
    if (dana.status !== "known") throw new Error(`Dana is ${dana.status}`);
    expect(dana.record.openDeals.map((d) => d.name)).toEqual(["Shared deal"]);
    const own = (await context(bea.token, ["dana@shared-deals.example"])).body.participants[0];
    expect(own.status === "known" && own.record.openDeals.map((d) => d.name)).toEqual([
      "Bea's own deal",
      "Shared deal",
    ]);
  });

  it("R-SB-1: an address on several records shows one, person before lead before company, in the card and for attendees alike", async () => {
    const eli = await s.user("eli@concilia.demo");
    const as = (method: string, url: string, payload?: object) =>
      s.app
        .inject({ method: method as "GET", url, headers: { authorization: `Bearer ${eli.token}` }, payload })
        .then((r) => (r.body ? r.json() : r.statusCode));
    const address = "desk@precedence.example";
    const company = await as("POST", "/api/v1/companies", { name: "Precedence Co", emails: [address] });
    const lead = await as("POST", "/api/v1/leads", { firstName: "Lee", emails: [address] });
    const shown = async () => {
      const p = (await context(eli.token, [address])).body.participants[0];
      const event = await as("POST", "/api/v1/events", {
        title: "Who is it",
        startAt: "2030-01-01T10:00:00Z",
        endAt: "2030-01-01T11:00:00Z",
        attendees: [{ email: address }],
      });
      return [p.status === "known" ? `${p.record.type}:${p.record.id}` : p.status, event.attendees[0].record];
    };
    expect(await shown()).toEqual([`lead:${lead.id}`, { type: "lead", id: lead.id }]);
    const person = await as("POST", "/api/v1/persons", { firstName: "Pat", emails: [address] });
    expect(await shown()).toEqual([`person:${person.id}`, { type: "person", id: person.id }]);
    expect(await as("DELETE", `/api/v1/persons/${person.id}`)).toBe(204);
    expect(await as("DELETE", `/api/v1/leads/${lead.id}`)).toBe(204);
    expect(await shown()).toEqual([`company:${company.id}`, { type: "company", id: company.id }]);
  });
});
