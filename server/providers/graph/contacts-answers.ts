// The shapes the Exchange contact readers rely on (provider contracts §2.2–§2.6), checked on every
// answer with answerOf (http.ts), a $batch part on its own: a field of the wrong type is a classified
// failure when it is read, not a TypeError in the mapping (contacts-map.ts) or the contact sync
// (R-P-4). Fields the sync does not read pass through unchecked.
import { z } from "zod";
import type { GraphContactJson } from "./contacts-map.js";

const text = z.string().nullish();
const part = z.string().optional();
const address = z
  .looseObject({ street: part, city: part, state: part, postalCode: part, countryOrRegion: part })
  .nullish();

export const graphContactShape: z.ZodType<GraphContactJson> = z.looseObject({
  id: z.string().min(1),
  changeKey: z.string().optional(),
  parentFolderId: z.string().optional(),
  lastModifiedDateTime: z.string().optional(),
  displayName: text,
  givenName: text,
  surname: text,
  emailAddresses: z.array(z.looseObject({ name: text, address: text })).optional(),
  businessPhones: z.array(z.string()).optional(),
  mobilePhone: text,
  companyName: text,
  jobTitle: text,
  businessAddress: address,
  homeAddress: address,
  businessHomePage: text,
  categories: z.array(z.string()).optional(),
  singleValueExtendedProperties: z.array(z.looseObject({ id: z.string(), value: z.string() })).optional(),
});

/** The contacts a search found. */
export const contactSearchPage = z.looseObject({ value: z.array(graphContactShape) });

/** A delta page: its rows are read again in full, so each needs only its id (a removed one has no more). */
export const contactDeltaPage = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1), "@removed": z.unknown().optional() })).optional(),
  "@odata.nextLink": z.string().min(1).optional(),
  "@odata.deltaLink": z.string().min(1).optional(),
});

export const contactFolderShape = z.looseObject({
  id: z.string().min(1),
  displayName: z.string(),
  parentFolderId: z.string().optional(),
  childFolderCount: z.number().optional(),
});

export const contactFolderPage = z.looseObject({
  value: z.array(contactFolderShape),
  "@odata.nextLink": z.string().min(1).optional(),
});

/** The first contact of a folder, for the folder it is in. */
export const contactParentPage = z.looseObject({
  value: z.array(z.looseObject({ parentFolderId: z.string().optional() })),
});

export const categoriesPage = z.looseObject({
  value: z.array(z.looseObject({ id: z.string().min(1), displayName: z.string(), color: z.string() })),
});
