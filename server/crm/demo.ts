// Seeds the demo workspace (server/crm/demo-data.ts) on first start. Runs once: a settings row marks it.
// Records are created by the admin on behalf of their owners, as an admin importing a CRM would.
import { eq } from "drizzle-orm";
import { toAuthUser } from "../auth/authenticate.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import {
  activities,
  activityLinks,
  activityTypes,
  eventAttendees,
  events,
  settings,
  users,
} from "../db/schema.js";
import { newId } from "../ids.js";
import { createCompany } from "./companies.js";
import { createDeal } from "./deals.js";
import {
  type DemoUserKey,
  demoCompanies,
  demoDeals,
  demoLeads,
  demoPersons,
  demoUsers,
} from "./demo-data.js";
import { createLead } from "./leads.js";
import { createPerson } from "./persons.js";
import { createUser } from "./users.js";

const SEEDED = "demo.seeded";
const HOUR = 3_600_000;

export async function isDemoSeeded(ctx: AppContext): Promise<boolean> {
  const [row] = await ctx.db.select().from(settings).where(eq(settings.key, SEEDED));
  return !!row;
}

export async function seedDemo(
  ctx: AppContext,
  now = new Date(),
): Promise<{ users: Record<DemoUserKey, AuthUser> }> {
  return ctx.db.transaction(async (tx) => {
    const [done] = await tx.select().from(settings).where(eq(settings.key, SEEDED));
    const byKey = {} as Record<DemoUserKey, AuthUser>;
    if (done) {
      for (const u of demoUsers) {
        const [row] = await tx.select().from(users).where(eq(users.email, u.email));
        if (row) byKey[u.key] = toAuthUser(row, ["*"], "demo");
      }
      return { users: byKey };
    }
    for (const u of demoUsers) {
      const row = await createUser(tx, { ...u, aliases: "aliases" in u ? [...u.aliases] : [] });
      byKey[u.key] = toAuthUser(row, ["*"], "demo");
    }
    await tx
      .insert(activityTypes)
      .values([{ key: "visit", name: "Visit", showInCalendars: true }])
      .onConflictDoNothing();

    const company: Record<string, string> = {};
    for (const c of demoCompanies)
      company[c.key] = (
        await createCompany(tx, byKey.admin, {
          ownerId: byKey[c.owner].id,
          name: c.name,
          domain: c.domain,
          emails: [...c.emails],
          phones: [...c.phones],
          customerStatus: c.customerStatus,
          customFields: {},
        })
      ).id;
    const person: Record<string, string> = {};
    for (const p of demoPersons)
      person[p.key] = (
        await createPerson(tx, byKey.admin, {
          ownerId: byKey[p.owner].id,
          firstName: p.firstName,
          lastName: p.lastName,
          title: p.title,
          companyId: p.company ? company[p.company] : null,
          emails: p.emails,
          phones: p.phones,
          customerStatus: p.customerStatus ?? "none",
          customFields: {},
        })
      ).id;
    const lead: Record<string, string> = {};
    for (const l of demoLeads)
      lead[l.key] = (
        await createLead(tx, byKey.admin, {
          ownerId: byKey[l.owner].id,
          firstName: l.firstName,
          lastName: l.lastName,
          title: l.title,
          companyName: l.companyName,
          emails: [...l.emails],
          phones: [...l.phones],
          customFields: {},
        })
      ).id;
    const deal: Record<string, string> = {};
    for (const d of demoDeals)
      deal[d.name] = (
        await createDeal(tx, byKey.admin, {
          ownerId: byKey[d.owner].id,
          name: d.name,
          status: d.status,
          value: d.value,
          currency: d.currency,
          personId: person[d.person],
          companyId: d.company ? company[d.company] : null,
        })
      ).id;

    const sara = byKey.sales;
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
    const demoActivities = [
      {
        type: "call",
        state: "done",
        subject: "Llamada de seguimiento de la renovación",
        at: -72,
        link: ["person", person.jose],
        deal: "Acme: renovación de licencias 2027",
      },
      {
        type: "meeting",
        state: "done",
        subject: "Demo del producto con compras",
        at: -48,
        link: ["person", person.marta],
        deal: "Acme: ampliación a 200 puestos",
      },
      {
        type: "task",
        state: "planned",
        subject: "Enviar propuesta de ampliación",
        at: 20,
        link: ["person", person.marta],
        deal: "Acme: ampliación a 200 puestos",
      },
      {
        type: "call",
        state: "planned",
        subject: "Chiamata con Giulia sul pilota",
        at: 26,
        link: ["person", person.giulia],
        deal: "Borealis: pilota Nord Italia",
      },
      {
        type: "visit",
        state: "planned",
        subject: "Visita in sede a Milano",
        at: 98,
        link: ["company", company.borealis],
        deal: "Borealis: pilota Nord Italia",
      },
      {
        type: "task",
        state: "done",
        subject: "Preparar contrato",
        at: -120,
        link: ["person", person.jose],
        deal: null,
      },
      {
        type: "call",
        state: "done",
        subject: "Chiamata persa: catalogo digitale",
        at: -300,
        link: ["person", person.marco],
        deal: "Delta: catálogo digital",
      },
      {
        type: "meeting",
        state: "planned",
        subject: "Kick-off con Nordlicht",
        at: 50,
        link: ["lead", lead.nina],
        deal: null,
      },
    ] as const;
    for (const a of demoActivities) {
      const id = newId();
      await tx.insert(activities).values({
        id,
        type: a.type,
        state: a.state,
        subject: a.subject,
        startAt: at(a.at),
        endAt: at(a.at + 1),
        timeZone: sara.timeZone,
        ownerId: sara.id,
        dealId: a.deal ? deal[a.deal] : null,
        source: "manual",
      });
      await tx.insert(activityLinks).values({ activityId: id, recordType: a.link[0], recordId: a.link[1] });
    }

    const demoEvents = [
      {
        title: "Revisión trimestral con Acme",
        at: 30,
        attendees: [
          ["jose.garcia@acme-iberia.example", "person", person.jose],
          ["marta.nunez@acme-iberia.example", "person", person.marta],
        ],
      },
      {
        title: "Riunione pilota Borealis",
        at: 74,
        attendees: [
          ["giulia.rossi@borealis.example", "person", person.giulia],
          ["luca.bianchi@borealis.example", "person", person.luca],
          ["consulente@esterno.example", null, null],
        ],
      },
      {
        title: "Café con Nina (Nordlicht)",
        at: 52,
        attendees: [["nina.weber@nordlicht.example", "lead", lead.nina]],
      },
      {
        title: "Cierre de la flota 2025",
        at: -400,
        attendees: [["lucia.fernandez@cumbre.example", "person", person.lucia]],
      },
    ] as const;
    for (const e of demoEvents) {
      const id = newId();
      await tx.insert(events).values({
        id,
        title: e.title,
        startAt: at(e.at),
        endAt: at(e.at + 1),
        timeZone: sara.timeZone,
        endTimeZone: sara.timeZone,
        origin: "crm",
        organizerEmail: sara.email,
        ownerId: sara.id,
      });
      await tx.insert(eventAttendees).values(
        e.attendees.map(([email, recordType, recordId]) => ({
          eventId: id,
          email,
          recordType,
          recordId,
          responseStatus: "accepted" as const,
        })),
      );
    }
    // An invitation from a customer: imported, read-only, not yet answered (R-CAL-4, R-CAL-8).
    const invite = newId();
    await tx.insert(events).values({
      id: invite,
      title: "Presentación de resultados (Estrella)",
      startAt: at(120),
      endAt: at(121),
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
      origin: "external",
      guest: true,
      organizerEmail: "elena.sanz@estrella.example",
      organizerName: "Elena Sanz",
      ownerId: sara.id,
    });
    await tx
      .insert(eventAttendees)
      .values({ eventId: invite, email: sara.email, responseStatus: "needsAction" });

    await tx.insert(settings).values({ key: SEEDED, value: { at: now.toISOString() } });
    return { users: byKey };
  });
}
