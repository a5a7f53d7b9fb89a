import type { ContactRecord } from "./contact-store.js";

/**
 * A contact body in (POST, PATCH, the user's edit): known properties only, the multi-value limits
 * Exchange enforces with a 400 although no page documents them (§2.2: 3 emailAddresses, 2
 * businessPhones, 2 homePhones), categories as free strings, and single-value extended properties
 * set by id. A checked body becomes a function that applies it.
 */
export type ContactBody = Record<string, unknown>;
export type ContactChangeFn = (contact: ContactRecord) => void;
export type ContactBodyProblem = { code: string; message: string };

const STRINGS = [
  "displayName",
  "givenName",
  "middleName",
  "surname",
  "nickName",
  "initials",
  "title",
  "generation",
  "fileAs",
  "mobilePhone",
  "companyName",
  "department",
  "jobTitle",
  "officeLocation",
  "profession",
  "manager",
  "assistantName",
  "businessHomePage",
  "birthday",
  "spouseName",
  "personalNotes",
  "yomiGivenName",
  "yomiSurname",
  "yomiCompanyName",
];
const ADDRESSES = ["businessAddress", "homeAddress", "otherAddress"];
const ADDRESS_KEYS = ["street", "city", "state", "countryOrRegion", "postalCode"];
const LISTS: Record<string, number> = {
  emailAddresses: 3,
  businessPhones: 2,
  homePhones: 2,
  imAddresses: 3,
  children: Number.POSITIVE_INFINITY,
};
/** Sent back by clients that echo what they read; Graph ignores them on write. */
const READ_ONLY = ["id", "changeKey", "createdDateTime", "lastModifiedDateTime", "parentFolderId"];

const invalid = (message: string): ContactBodyProblem => ({ code: "ErrorInvalidArgument", message });
const capitalised = (s: string) => s[0].toUpperCase() + s.slice(1);

export function checkContactBody(body: ContactBody): ContactChangeFn | ContactBodyProblem {
  const steps: ContactChangeFn[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (key.startsWith("@odata.") || READ_ONLY.includes(key)) continue;
    if (STRINGS.includes(key)) {
      if (value !== null && typeof value !== "string")
        return invalid(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.String'.`);
      steps.push((c) => {
        if (value === null || value === "") delete c.fields[key];
        else c.fields[key] = value;
      });
    } else if (ADDRESSES.includes(key)) {
      if (value !== null && (typeof value !== "object" || Array.isArray(value)))
        return invalid(`Invalid value for property '${key}'.`);
      const address = Object.fromEntries(
        ADDRESS_KEYS.map((k) => [k, String((value as Record<string, unknown> | null)?.[k] ?? "")]),
      );
      steps.push((c) => {
        if (Object.values(address).every((v) => v === "")) delete c.fields[key];
        else c.fields[key] = address;
      });
    } else if (key in LISTS) {
      if (!Array.isArray(value)) return invalid(`Invalid value for property '${key}'.`);
      if (value.length > LISTS[key])
        return invalid(
          `The multi value property ${capitalised(key)} has ${value.length} entries, that exceeds the max allowed value of ${LISTS[key]}.`,
        );
      const list =
        key === "emailAddresses"
          ? value.map((e) => {
              const entry = (e ?? {}) as { name?: unknown; address?: unknown };
              return {
                name: String(entry.name ?? entry.address ?? ""),
                address: String(entry.address ?? ""),
              };
            })
          : value.map(String);
      steps.push((c) => {
        c.fields[key] = list;
      });
    } else if (key === "categories") {
      if (!Array.isArray(value)) return invalid("Invalid value for property 'categories'.");
      const categories = value.map(String);
      steps.push((c) => {
        c.categories = categories;
      });
    } else if (key === "singleValueExtendedProperties") {
      if (!Array.isArray(value))
        return invalid("Invalid value for property 'singleValueExtendedProperties'.");
      for (const p of value as { id?: unknown; value?: unknown }[]) {
        if (typeof p?.id !== "string" || typeof p.value !== "string")
          return invalid("An extended property needs an id and a string value.");
        if (!/^String \{[0-9a-f-]{36}\} Name \S.*$/i.test(p.id) && !/^String 0x[0-9a-f]{4}$/i.test(p.id))
          return { code: "ErrorInvalidProperty", message: `The extended property id '${p.id}' is invalid.` };
      }
      const props = value as { id: string; value: string }[];
      steps.push((c) => {
        for (const p of props) c.extended.set(p.id.toLowerCase(), { id: p.id, value: p.value });
      });
    } else {
      return {
        code: "RequestBodyRead",
        message: `The property '${key}' does not exist on type 'microsoft.graph.contact'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      };
    }
  }
  return (c) => {
    for (const step of steps) step(c);
  };
}
