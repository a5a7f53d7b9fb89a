// Graph contact JSON ⇄ the port's ContactFields (provider contracts §2.2). Exchange refuses more than 3
// emailAddresses and 2 businessPhones with a 400, so longer CRM lists are cut deterministically: the
// first ones in CRM order, after dropping repeats. Empty strings and empty addresses mean "no value".
import type {
  ContactFields,
  ContactWrite,
  PostalAddress,
  ProviderContact,
} from "../../sync/contacts/port.js";
import { type ExtendedProperty, readOurs, writeOurs } from "./contacts-extended.js";

export const MAX_EMAILS = 3;
export const MAX_BUSINESS_PHONES = 2;

/** The contact properties the sync reads (`$select`; `id` always comes). */
export const CONTACT_SELECT = [
  "givenName",
  "surname",
  "displayName",
  "emailAddresses",
  "businessPhones",
  "mobilePhone",
  "companyName",
  "jobTitle",
  "businessAddress",
  "homeAddress",
  "businessHomePage",
  "categories",
  "parentFolderId",
  "lastModifiedDateTime",
  "changeKey",
].join(",");

export interface GraphContactJson {
  id: string;
  changeKey?: string;
  parentFolderId?: string;
  lastModifiedDateTime?: string;
  displayName?: string | null;
  givenName?: string | null;
  surname?: string | null;
  emailAddresses?: { name?: string | null; address?: string | null }[];
  businessPhones?: string[];
  mobilePhone?: string | null;
  companyName?: string | null;
  jobTitle?: string | null;
  businessAddress?: Partial<PostalAddress> | null;
  homeAddress?: Partial<PostalAddress> | null;
  businessHomePage?: string | null;
  categories?: string[];
  singleValueExtendedProperties?: ExtendedProperty[];
}

const text = (v: string | null | undefined) => (v ?? "").trim();
const orNull = (v: string | null | undefined) => text(v) || null;

/** First `max` distinct values (case-insensitively for addresses), in the given order. */
export function firstDistinct(values: string[], max: number, fold = false): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    const key = fold ? v.toLowerCase() : v;
    if (!v || seen.has(key)) continue;
    seen.add(key);
    out.push(v);
    if (out.length === max) break;
  }
  return out;
}

function addressIn(a: Partial<PostalAddress> | null | undefined): PostalAddress | null {
  const address = {
    street: text(a?.street),
    city: text(a?.city),
    state: text(a?.state),
    postalCode: text(a?.postalCode),
    countryOrRegion: text(a?.countryOrRegion),
  };
  return Object.values(address).some(Boolean) ? address : null;
}

const EMPTY_ADDRESS: PostalAddress = { street: "", city: "", state: "", postalCode: "", countryOrRegion: "" };

export function fieldsFromGraph(c: GraphContactJson): ContactFields {
  return {
    givenName: text(c.givenName),
    surname: text(c.surname),
    emails: firstDistinct(
      (c.emailAddresses ?? []).map((e) => e.address ?? ""),
      MAX_EMAILS,
      true,
    ),
    businessPhones: firstDistinct(c.businessPhones ?? [], MAX_BUSINESS_PHONES),
    mobilePhone: orNull(c.mobilePhone),
    companyName: orNull(c.companyName),
    jobTitle: orNull(c.jobTitle),
    businessAddress: addressIn(c.businessAddress),
    homeAddress: addressIn(c.homeAddress),
    businessHomePage: orNull(c.businessHomePage),
  };
}

export function contactFromGraph(c: GraphContactJson, folderId?: string): ProviderContact {
  return {
    id: c.id,
    changeKey: c.changeKey ?? "",
    folderId: c.parentFolderId ?? folderId ?? "",
    lastModified: c.lastModifiedDateTime ?? "",
    fields: fieldsFromGraph(c),
    displayName: text(c.displayName),
    categories: c.categories ?? [],
    extended: readOurs(c.singleValueExtendedProperties),
  };
}

/** The body of a POST or PATCH: every field we own, so a cleared CRM value clears Exchange's too. */
export function graphBody(write: ContactWrite, extraFields: string[]): Record<string, unknown> {
  const f = write.fields;
  const name = [text(f.givenName), text(f.surname)].filter(Boolean).join(" ");
  return {
    givenName: orNull(f.givenName),
    surname: orNull(f.surname),
    emailAddresses: firstDistinct(f.emails, MAX_EMAILS, true).map((address) => ({
      address,
      name: name || address,
    })),
    businessPhones: firstDistinct(f.businessPhones, MAX_BUSINESS_PHONES),
    mobilePhone: orNull(f.mobilePhone),
    companyName: orNull(f.companyName),
    jobTitle: orNull(f.jobTitle),
    businessAddress: f.businessAddress ?? EMPTY_ADDRESS,
    homeAddress: f.homeAddress ?? EMPTY_ADDRESS,
    // Only a company's contact owns the web site; a person's keeps what the user typed (not written).
    ...(f.businessHomePage !== undefined ? { businessHomePage: orNull(f.businessHomePage) } : {}),
    ...(write.displayName ? { displayName: write.displayName, fileAs: write.displayName } : {}),
    categories: write.categories,
    singleValueExtendedProperties: writeOurs(write.extended, extraFields),
  };
}
