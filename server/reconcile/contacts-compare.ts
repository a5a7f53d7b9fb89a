// What "the same value" means for a contact field, and how a CRM value fits into Exchange's limits.
// Names and strings compare trimmed, empty equals absent, addresses compare field by field, email
// addresses without case. Lists keep their order (the first address is the main one).
import type { PostalAddress } from "../sync/contacts/port.js";
import type { ContactFields, FieldName } from "./contacts-types.js";

/** Exchange refuses more (provider-contracts §2.2): a longer CRM list is cut, first ones kept. */
export const LIST_LIMITS = { emails: 3, businessPhones: 2 } as const;

const text = (v: string | null | undefined) => (v ?? "").trim();
const emptyAddress = (a: PostalAddress | null | undefined) =>
  !a || [a.street, a.city, a.state, a.postalCode, a.countryOrRegion].every((x) => !text(x));

export function normalAddress(a: PostalAddress | null | undefined): PostalAddress | null {
  if (!a || emptyAddress(a)) return null;
  return {
    street: text(a.street),
    city: text(a.city),
    state: text(a.state),
    postalCode: text(a.postalCode),
    countryOrRegion: text(a.countryOrRegion),
  };
}

const cleanList = (xs: readonly string[], lower: boolean) => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs) {
    const v = lower ? text(x).toLowerCase() : text(x);
    if (v && !seen.has(v)) {
      seen.add(v);
      out.push(v);
    }
  }
  return out;
};

/** The field as compared and as written: trimmed, empties dropped, emails lower-cased, lists cut. */
export function normalField<F extends FieldName>(field: F, value: ContactFields[F]): ContactFields[F] {
  switch (field) {
    case "emails":
      return cleanList(value as string[], true).slice(0, LIST_LIMITS.emails) as ContactFields[F];
    case "businessPhones":
      return cleanList(value as string[], false).slice(0, LIST_LIMITS.businessPhones) as ContactFields[F];
    case "givenName":
    case "surname":
      return text(value as string) as ContactFields[F];
    case "businessAddress":
    case "homeAddress":
      return normalAddress(value as PostalAddress | null) as ContactFields[F];
    default:
      return (text(value as string | null) || null) as ContactFields[F];
  }
}

/** All fields as Exchange holds them. */
export function project(fields: ContactFields): ContactFields {
  const out = {} as Record<FieldName, unknown>;
  for (const f of Object.keys(fields) as FieldName[]) out[f] = normalField(f, fields[f]);
  return out as unknown as ContactFields;
}

export function sameValue<F extends FieldName>(field: F, a: ContactFields[F], b: ContactFields[F]): boolean {
  return JSON.stringify(normalField(field, a)) === JSON.stringify(normalField(field, b));
}

export function isEmpty<F extends FieldName>(field: F, v: ContactFields[F]): boolean {
  const n = normalField(field, v);
  return n === null || n === "" || (Array.isArray(n) && n.length === 0);
}

/**
 * The CRM's value once it takes Exchange's: a list keeps what the CRM held beyond Exchange's limit
 * (Exchange never saw those, so they were not removed there).
 */
export function crmValueTaking<F extends FieldName>(
  field: F,
  crm: ContactFields[F],
  exchange: ContactFields[F],
): ContactFields[F] {
  const taken = normalField(field, exchange);
  if (field !== "emails" && field !== "businessPhones") return taken;
  const lower = field === "emails";
  const limit = LIST_LIMITS[field as keyof typeof LIST_LIMITS];
  const kept = cleanList(crm as string[], lower).slice(limit);
  return cleanList([...(taken as string[]), ...kept], lower) as ContactFields[F];
}

export const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && new Set(a).size === new Set([...a, ...b]).size;
