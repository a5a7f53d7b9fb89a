// Companies, persons, leads and deals: list (with search and cursor), get, create, update, delete,
// merge (persons). Sharing them is in grants.ts.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { page, pageQuery } from "../../shared/api/common.js";
import * as R from "../../shared/api/records.js";
import type { AuthUser } from "../auth/user.js";
import type { AppContext } from "../context.js";
import type { GrantableType } from "../crm/access.js";
import { addRecordEmail } from "../crm/add-email.js";
import * as companies from "../crm/companies.js";
import { companyForName } from "../crm/company-for-name.js";
import * as deals from "../crm/deals.js";
import { deleteRecord } from "../crm/deletion.js";
import * as leads from "../crm/leads.js";
import { mergePersons } from "../crm/merge.js";
import * as persons from "../crm/persons.js";
import type { Tx } from "../db/index.js";
import type { RecordType } from "../db/schema.js";
import { route } from "./route.js";

const idParams = z.strictObject({ id: z.string().min(1).max(64) });

/** A person's `companyName` (typed in a sidebar) becomes the `companyId` of that company, found or created. */
async function withCompanyId<T extends { companyId?: string | null; companyName?: string | null }>(
  tx: Tx,
  user: AuthUser,
  body: T,
  emails: string[],
): Promise<Omit<T, "companyName">> {
  const { companyName, ...rest } = body;
  if (!companyName || body.companyId) return rest;
  return { ...rest, companyId: await companyForName(tx, user, companyName, emails) };
}

export function recordRoutes(app: FastifyInstance, ctx: AppContext): void {
  const db = ctx.db;

  // Persons
  route(app, {
    method: "GET",
    url: "/api/v1/persons",
    tag: "persons",
    summary: "List or search persons",
    query: pageQuery,
    response: page(R.person),
    handler: ({ user, query }) => persons.listPersons(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/persons/{id}",
    tag: "persons",
    summary: "Get a person",
    params: idParams,
    response: R.person,
    handler: async ({ user, params }) =>
      (await persons.toPersons(db, [await persons.getPersonRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/persons",
    tag: "persons",
    summary: "Create a person",
    body: R.personInput,
    example: {
      firstName: "Marta",
      lastName: "Núñez",
      title: "Compras",
      emails: ["marta.nunez@acme-iberia.example"],
      phones: ["+34 600 123 456"],
      customerStatus: "current",
    },
    response: R.person,
    status: 201,
    errors: [403],
    handler: async ({ user, body }) =>
      db.transaction(async (tx) => {
        const input = await withCompanyId(tx, user, body, body.emails);
        return (await persons.toPersons(tx, [await persons.createPerson(tx, user, input)]))[0];
      }),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/persons/{id}",
    tag: "persons",
    summary: "Change a person",
    params: idParams,
    body: R.personPatch,
    example: { title: "Head of purchasing", phones: ["+34 600 123 456", "+34 91 555 01 02"] },
    response: R.person,
    errors: [403],
    handler: async ({ user, params, body }) =>
      db.transaction(async (tx) => {
        const input = await withCompanyId(tx, user, body, body.emails ?? []);
        return (await persons.toPersons(tx, [await persons.updatePerson(tx, user, params.id, input)]))[0];
      }),
  });
  route(app, {
    method: "POST",
    url: "/api/v1/persons/merge",
    tag: "persons",
    summary: "Merge one person into another: addresses, deals, activities and events move to the target",
    body: R.mergeInput,
    response: R.person,
    errors: [404],
    handler: async ({ user, body }) =>
      db.transaction(
        async (tx) =>
          (await persons.toPersons(tx, [await mergePersons(tx, user, body.targetId, body.sourceId)]))[0],
      ),
  });

  // Companies
  route(app, {
    method: "GET",
    url: "/api/v1/companies",
    tag: "companies",
    summary: "List or search companies",
    query: pageQuery,
    response: page(R.company),
    handler: ({ user, query }) => companies.listCompanies(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/companies/{id}",
    tag: "companies",
    summary: "Get a company",
    params: idParams,
    response: R.company,
    handler: async ({ user, params }) =>
      (await companies.toCompanies(db, [await companies.getCompanyRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/companies",
    tag: "companies",
    summary: "Create a company",
    body: R.companyInput,
    example: {
      name: "Acme Iberia",
      domain: "acme-iberia.example",
      emails: ["info@acme-iberia.example"],
      customerStatus: "current",
    },
    response: R.company,
    status: 201,
    errors: [403],
    handler: async ({ user, body }) =>
      db.transaction(
        async (tx) => (await companies.toCompanies(tx, [await companies.createCompany(tx, user, body)]))[0],
      ),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/companies/{id}",
    tag: "companies",
    summary: "Change a company",
    params: idParams,
    body: R.companyPatch,
    response: R.company,
    errors: [403],
    handler: async ({ user, params, body }) =>
      db.transaction(
        async (tx) =>
          (await companies.toCompanies(tx, [await companies.updateCompany(tx, user, params.id, body)]))[0],
      ),
  });

  // Leads
  route(app, {
    method: "GET",
    url: "/api/v1/leads",
    tag: "leads",
    summary: "List or search leads",
    query: pageQuery,
    response: page(R.lead),
    handler: ({ user, query }) => leads.listLeads(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/leads/{id}",
    tag: "leads",
    summary: "Get a lead",
    params: idParams,
    response: R.lead,
    handler: async ({ user, params }) =>
      (await leads.toLeads(db, [await leads.getLeadRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/leads",
    tag: "leads",
    summary: "Create a lead",
    body: R.leadInput,
    example: {
      firstName: "Nina",
      lastName: "Weber",
      companyName: "Nordlicht GmbH",
      emails: ["nina.weber@nordlicht.example"],
    },
    response: R.lead,
    status: 201,
    errors: [403],
    handler: async ({ user, body }) =>
      db.transaction(async (tx) => (await leads.toLeads(tx, [await leads.createLead(tx, user, body)]))[0]),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/leads/{id}",
    tag: "leads",
    summary: "Change a lead",
    params: idParams,
    body: R.leadPatch,
    response: R.lead,
    errors: [403],
    handler: async ({ user, params, body }) =>
      db.transaction(
        async (tx) => (await leads.toLeads(tx, [await leads.updateLead(tx, user, params.id, body)]))[0],
      ),
  });

  // An address added to an existing record (a sidebar's "add to an existing person or company").
  const shown = {
    person: { plural: "persons", response: R.person, show: persons.toPersons },
    company: { plural: "companies", response: R.company, show: companies.toCompanies },
    lead: { plural: "leads", response: R.lead, show: leads.toLeads },
  } as const;
  for (const type of ["person", "company", "lead"] as const satisfies RecordType[]) {
    const { plural, response, show } = shown[type];
    route(app, {
      method: "POST",
      url: `/api/v1/${plural}/{id}/emails`,
      tag: plural,
      summary: `Add an email address to a ${type} (the same checks as changing it)`,
      params: idParams,
      body: R.addEmailInput,
      response,
      errors: [403],
      handler: async ({ user, params, body }) =>
        db.transaction(async (tx) => {
          const row = await addRecordEmail(tx, user, type, params.id, body.email);
          return (await (show as (tx: Tx, rows: (typeof row)[]) => Promise<unknown[]>)(tx, [row]))[0];
        }),
    });
  }

  // Deals
  const dealQuery = pageQuery.extend({
    status: R.dealStatus.optional(),
    personId: z.string().optional(),
    companyId: z.string().optional(),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/deals",
    tag: "deals",
    summary: "List deals",
    query: dealQuery,
    response: page(R.deal),
    handler: ({ user, query }) => deals.listDeals(db, user, query),
  });
  route(app, {
    method: "GET",
    url: "/api/v1/deals/{id}",
    tag: "deals",
    summary: "Get a deal",
    params: idParams,
    response: R.deal,
    handler: async ({ user, params }) =>
      (await deals.toDeals(db, [await deals.getDealRow(db, user, params.id)]))[0],
  });
  route(app, {
    method: "POST",
    url: "/api/v1/deals",
    tag: "deals",
    summary: "Create a deal",
    body: R.dealInput,
    example: {
      name: "Renewal 2027: 200 seats",
      status: "open",
      value: 24000,
      currency: "EUR",
      companyId: "0192f5a0-7c1e-7b2a-9f3d-2c4b5a6d7e8f",
    },
    response: R.deal,
    status: 201,
    errors: [403],
    handler: async ({ user, body }) =>
      db.transaction(async (tx) => (await deals.toDeals(tx, [await deals.createDeal(tx, user, body)]))[0]),
  });
  route(app, {
    method: "PATCH",
    url: "/api/v1/deals/{id}",
    tag: "deals",
    summary: "Change a deal",
    params: idParams,
    body: R.dealPatch,
    response: R.deal,
    errors: [403],
    handler: async ({ user, params, body }) =>
      db.transaction(
        async (tx) => (await deals.toDeals(tx, [await deals.updateDeal(tx, user, params.id, body)]))[0],
      ),
  });

  // Deleting: the owner or an admin; a user the record is shared with gets 403.
  for (const [type, path, a] of [
    ["person", "persons", "a person"],
    ["company", "companies", "a company"],
    ["lead", "leads", "a lead"],
    ["deal", "deals", "a deal (its activities and events stay, without the deal)"],
  ] as [GrantableType, string, string][])
    route(app, {
      method: "DELETE",
      url: `/api/v1/${path}/{id}`,
      tag: path,
      summary: `Delete ${a}`,
      params: idParams,
      status: 204,
      errors: [403, 409],
      handler: async ({ user, params }) => {
        await db.transaction((tx) => deleteRecord(tx, user, type, params.id));
      },
    });
}
