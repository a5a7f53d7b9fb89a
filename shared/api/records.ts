// Companies, persons, leads and deals as the API takes and gives them.
import { z } from "zod";
import { customFields, email, patchOf, userRef } from "./common.js";

const phones = z.array(z.string().min(1).max(50)).max(20);
const emails = z.array(email).max(50);
const customerStatus = z.enum(["none", "current", "former"]);
const categories = z.object({
  kind: z.enum(["person", "company", "lead"]),
  status: z.enum(["current_customer", "former_customer", "current_prospect", "lost_prospect"]).nullable(),
});

/** A postal address as Exchange holds it (R-X-6): business and home addresses of a person. */
export const postalAddress = z.strictObject({
  street: z.string().max(300).default(""),
  city: z.string().max(100).default(""),
  state: z.string().max(100).default(""),
  postalCode: z.string().max(20).default(""),
  countryOrRegion: z.string().max(100).default(""),
});

/** R-X-11: a value the most recent change overwrote during contact sync, kept with the person. */
export const overwrittenValue = z.object({
  field: z.string(),
  oldValue: z.unknown(),
  /** Where the overwritten value was: in the CRM, or in Exchange. */
  source: z.enum(["crm", "exchange"]),
  at: z.string(),
});

export const companyInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  domain: z.string().max(200).nullish(),
  emails: emails.default([]),
  phones: phones.default([]),
  /** Synced with its Exchange contact's business address (R-X-6). */
  businessAddress: postalAddress.nullish(),
  customerStatus: customerStatus.default("none"),
  ownerId: z.string().optional(),
  customFields: customFields.default({}),
});
export const companyPatch = patchOf(companyInput);
export const company = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  businessAddress: postalAddress.nullable(),
  customerStatus,
  categories,
  owner: userRef,
  customFields: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Company = z.infer<typeof company>;

export const personInput = z.strictObject({
  firstName: z.string().trim().max(100).default(""),
  lastName: z.string().trim().max(100).default(""),
  title: z.string().max(200).nullish(),
  companyId: z.string().nullish(),
  /**
   * Instead of `companyId`: the company's name, as typed in a sidebar. The visible company of that
   * name (ignoring case) is used, or a new company is created.
   */
  companyName: z.string().trim().min(1).max(200).nullish(),
  emails: emails.default([]),
  phones: phones.default([]),
  mobilePhone: z.string().min(1).max(50).nullish(),
  businessAddress: postalAddress.nullish(),
  homeAddress: postalAddress.nullish(),
  customerStatus: customerStatus.default("none"),
  ownerId: z.string().optional(),
  customFields: customFields.default({}),
});
export const personPatch = patchOf(personInput);
export const person = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  company: z.object({ id: z.string(), name: z.string() }).nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  mobilePhone: z.string().nullable(),
  businessAddress: postalAddress.nullable(),
  homeAddress: postalAddress.nullable(),
  customerStatus,
  categories,
  owner: userRef,
  customFields: z.record(z.string(), z.unknown()),
  /** Values Exchange contact sync overwrote (R-X-11), newest first. */
  overwrittenValues: z.array(overwrittenValue),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Person = z.infer<typeof person>;

export const leadInput = z.strictObject({
  firstName: z.string().trim().max(100).default(""),
  lastName: z.string().trim().max(100).default(""),
  title: z.string().max(200).nullish(),
  companyName: z.string().max(200).nullish(),
  emails: emails.default([]),
  phones: phones.default([]),
  ownerId: z.string().optional(),
  customFields: customFields.default({}),
});
export const leadPatch = patchOf(leadInput);
export const lead = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  companyName: z.string().nullable(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  categories,
  owner: userRef,
  customFields: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Lead = z.infer<typeof lead>;

export const dealStatus = z.enum(["open", "won", "lost", "unqualified"]);
export const dealInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  status: dealStatus.default("open"),
  value: z.number().int().min(0).nullish(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as EUR")
    .nullish(),
  personId: z.string().nullish(),
  companyId: z.string().nullish(),
  ownerId: z.string().optional(),
});
export const dealPatch = patchOf(dealInput);
export const deal = z.object({
  id: z.string(),
  name: z.string(),
  status: dealStatus,
  value: z.number().nullable(),
  currency: z.string().nullable(),
  personId: z.string().nullable(),
  companyId: z.string().nullable(),
  owner: userRef,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Deal = z.infer<typeof deal>;

/** Body of POST /api/v1/{persons,companies,leads}/{id}/emails. */
export const addEmailInput = z.strictObject({ email });

export const mergeInput = z.strictObject({
  /** The person that is kept. */
  targetId: z.string(),
  /** The person merged into the target and then hidden. */
  sourceId: z.string(),
});

export const searchResult = z.object({
  type: z.enum(["person", "company", "lead"]),
  id: z.string(),
  name: z.string(),
  emails: z.array(z.string()),
  phones: z.array(z.string()),
  companyName: z.string().nullable(),
  badge: z.object({ key: z.string(), label: z.string(), name: z.string() }),
});
export type SearchResult = z.infer<typeof searchResult>;

// Named components of the OpenAPI document (server/api/openapi.ts), so that generated clients get named types.
const named: [z.ZodType, string][] = [
  [categories, "Categories"],
  [company, "Company"],
  [companyInput, "CompanyInput"],
  [companyPatch, "CompanyPatch"],
  [person, "Person"],
  [personInput, "PersonInput"],
  [personPatch, "PersonPatch"],
  [lead, "Lead"],
  [leadInput, "LeadInput"],
  [leadPatch, "LeadPatch"],
  [deal, "Deal"],
  [dealInput, "DealInput"],
  [dealPatch, "DealPatch"],
  [mergeInput, "MergeInput"],
  [searchResult, "SearchResult"],
];
for (const [schema, id] of named) schema.register(z.globalRegistry, { id });
