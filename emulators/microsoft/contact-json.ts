import type { ContactFolderRecord, ContactRecord } from "./contact-store.js";
import { graphError } from "./errors.js";

/**
 * The contact and contactFolder representations (§2.2): every property present, `null` or `[]`
 * when unset; `displayName` made from the names when none was given, as Outlook does;
 * `@odata.etag` is `W/"<changeKey>"`; `$select` keeps `id` and the etag; extended properties only
 * when `$expand`ed with a `$filter` on their ids (Graph refuses an unfiltered expand).
 */
const STRING_PROPS = [
  "displayName",
  "givenName",
  "initials",
  "middleName",
  "nickName",
  "surname",
  "title",
  "yomiGivenName",
  "yomiSurname",
  "yomiCompanyName",
  "generation",
  "jobTitle",
  "companyName",
  "department",
  "officeLocation",
  "profession",
  "businessHomePage",
  "assistantName",
  "manager",
  "mobilePhone",
  "spouseName",
  "personalNotes",
  "birthday",
  "fileAs",
];
const LIST_PROPS = ["imAddresses", "homePhones", "businessPhones", "children", "emailAddresses"];
const ADDRESS_PROPS = ["homeAddress", "businessAddress", "otherAddress"];
const META = ["id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "parentFolderId"];
const KNOWN = [...META, ...STRING_PROPS, ...LIST_PROPS, ...ADDRESS_PROPS];

const instant = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");

/** `$select` for contacts: the property names, or a 400 naming the first unknown one. */
export function parseContactSelect(value: string | null): string[] | Response | null {
  if (!value) return null;
  const fields = value.split(",").map((f) => f.trim());
  const unknown = fields.find((f) => !KNOWN.some((k) => k.toLowerCase() === f.toLowerCase()));
  if (unknown)
    return graphError(
      400,
      "RequestBroker--ParseUri",
      `Could not find a property named '${unknown}' on type 'microsoft.graph.contact'.`,
    );
  return fields.map((f) => KNOWN.find((k) => k.toLowerCase() === f.toLowerCase())!);
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…' or id eq '…')`: the ids asked for, or null. */
export function expandedProperties(url: URL): string[] | null {
  const m = /singleValueExtendedProperties\(\$filter=(.+)\)/i.exec(url.searchParams.get("$expand") ?? "");
  return m ? [...m[1].matchAll(/id eq '([^']+)'/gi)].map((x) => x[1].toLowerCase()) : null;
}

/** `$expand=singleValueExtendedProperties` must carry a `$filter` on ids (400 otherwise). */
export function checkExpand(url: URL): Response | null {
  const expand = url.searchParams.get("$expand");
  if (!expand) return null;
  if (/singleValueExtendedProperties/i.test(expand) && expandedProperties(url) === null)
    return graphError(
      400,
      "ErrorInvalidRequest",
      "The $expand of extended properties requires a $filter on the property id.",
    );
  return null;
}

export function contactJson(
  contact: ContactRecord,
  options: { select?: string[] | null; url?: URL } = {},
): Record<string, unknown> {
  const f = contact.fields;
  const named = [f.givenName, f.middleName, f.surname].filter(Boolean).join(" ");
  const full: Record<string, unknown> = {
    "@odata.etag": `W/"${contact.changeKey}"`,
    id: contact.id,
    createdDateTime: instant(contact.created),
    lastModifiedDateTime: instant(contact.modified),
    changeKey: contact.changeKey,
    categories: contact.categories,
    parentFolderId: contact.folderId,
  };
  for (const p of STRING_PROPS) full[p] = f[p] ?? null;
  full.displayName = f.displayName ?? (named || (f.companyName ?? ""));
  for (const p of LIST_PROPS) full[p] = f[p] ?? [];
  for (const p of ADDRESS_PROPS) full[p] = f[p] ?? {};
  const out: Record<string, unknown> = options.select
    ? Object.fromEntries([
        ["@odata.etag", full["@odata.etag"]],
        ["id", contact.id],
        ...options.select.map((s) => [s, full[s]]),
      ])
    : full;
  const wanted = options.url ? expandedProperties(options.url) : null;
  if (wanted) {
    const props = wanted.flatMap((id) => contact.extended.get(id) ?? []);
    if (props.length) out.singleValueExtendedProperties = props;
  }
  return out;
}

export function contactFolderJson(folder: ContactFolderRecord, childCount: number) {
  return {
    id: folder.id,
    displayName: folder.displayName,
    parentFolderId: folder.parentFolderId,
    childFolderCount: childCount,
    ...(folder.wellKnownName ? { wellKnownName: folder.wellKnownName } : {}),
  };
}
