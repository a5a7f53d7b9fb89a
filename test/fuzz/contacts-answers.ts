// R-P-4 for Exchange contacts: the Graph contact port's readers (delta per folder with its $batch of
// extended properties, the contact folders, the master categories) fed malformed, truncated and
// wrongly-shaped answers. A delta page ends in changes each naming a contact with its fields, or a
// removed id; folders and categories are listed with ids and names; otherwise a classified SyncError.
import fc from "fast-check";
import { graphContactsPort } from "../../server/providers/graph/contacts-port.js";
import type { ContactPage } from "../../server/sync/contacts/port.js";
import { boundedOutcome, graphBatchAnswer, graphBatchOf, mostlyOk, mostlyRight } from "./calendar-answers.js";
import { anyJson, nearly } from "./generators.js";
import { type FuzzTally, noWait, playing } from "./provider-answers.js";

const contact = {
  id: "k1",
  changeKey: "ck1",
  parentFolderId: "f1",
  lastModifiedDateTime: "2026-01-05T10:00:00Z",
  displayName: "Ana Lima",
  givenName: "Ana",
  surname: "Lima",
  emailAddresses: [{ name: "Ana", address: "ana@client.test" }],
  businessPhones: ["+33 1 23 45 67 89"],
  mobilePhone: "+33 6 12 34 56 78",
  companyName: "Client SA",
  jobTitle: "Buyer",
  businessAddress: { street: "1 rue X", city: "Paris", postalCode: "75001", countryOrRegion: "France" },
  homeAddress: null,
  businessHomePage: "https://client.test",
  categories: ["Concilia: Client"],
  singleValueExtendedProperties: [
    { id: "String {4f6c2a1e-9b3d-4e58-a7c2-0d1e8b5f3a96} Name ConciliaContactId", value: "c1" },
  ],
};
const removed = { id: "k2", "@removed": { reason: "deleted" } };
const aContact = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(contact, removed) },
  { weight: 2, arbitrary: fc.oneof(nearly(contact), nearly(removed)) },
);
const deltaPage = fc
  .record({
    value: fc.array(aContact, { maxLength: 8 }),
    end: fc.constantFrom<Record<string, string>>(
      { "@odata.nextLink": "https://graph.test/v1.0/me/contactFolders/f1/contacts/delta?$skiptoken=n" },
      { "@odata.deltaLink": "https://graph.test/v1.0/me/contactFolders/f1/contacts/delta?$deltatoken=d" },
    ),
  })
  .chain(({ value, end }) => mostlyRight({ value, ...end }));
const folders = mostlyRight(
  {
    value: [
      { id: "f1", displayName: "Clients", parentFolderId: "root", childFolderCount: 0 },
      { id: "f2", displayName: "Suppliers", parentFolderId: "root", childFolderCount: 0 },
    ],
  },
  {
    value: [{ id: "f3", displayName: "Partners", parentFolderId: "root", childFolderCount: 1 }],
    "@odata.nextLink": "https://graph.test/v1.0/me/contactFolders?$skip=2",
  },
);
const folder = mostlyRight({ id: "root", displayName: "Contacts" });
const categories = mostlyRight({
  value: [
    { id: "cat1", displayName: "Concilia: Client", color: "preset0" },
    { id: "cat2", displayName: "Personal", color: "preset3" },
  ],
});

function checkContacts(page: ContactPage) {
  if (!Array.isArray(page.changes)) throw new Error("changes is not a list");
  for (const c of page.changes) {
    if (c.kind === "removed") {
      if (typeof c.id !== "string" || !c.id) throw new Error(`a removal without an id: ${JSON.stringify(c)}`);
      continue;
    }
    const k = c.contact;
    if (typeof k.id !== "string" || !k.id) throw new Error(`a contact without an id: ${JSON.stringify(k)}`);
    for (const s of [k.changeKey, k.folderId, k.lastModified, k.fields.givenName, k.fields.surname])
      if (typeof s !== "string") throw new Error(`a contact field that is not text: ${JSON.stringify(k)}`);
    for (const list of [k.fields.emails, k.fields.businessPhones, k.categories])
      if (!Array.isArray(list) || list.some((v) => typeof v !== "string"))
        throw new Error(`a contact list that is not of text: ${JSON.stringify(k)}`);
    if (k.extended.conciliaId !== null && typeof k.extended.conciliaId !== "string")
      throw new Error(`a link that is not text: ${JSON.stringify(k)}`);
  }
  if (typeof page.more !== "boolean") throw new Error("more is not a boolean");
  if (page.cursor === undefined) throw new Error("no cursor");
}

export async function fuzzGraphContactsAnswers(runs: number, seed?: number): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        changes: mostlyOk(deltaPage),
        folders: mostlyOk(folders),
        categories: mostlyOk(categories),
      }),
      fc.array(mostlyOk(fc.oneof(deltaPage, folders, folder, categories, anyJson)), { maxLength: 4 }),
      graphBatchOf(fc.oneof(mostlyRight(contact), anyJson)),
      fc.constantFrom(
        null,
        { deltaLink: "https://graph.test/d" },
        { deltaLink: null, nextLink: "https://graph.test/n" },
      ),
      fc.constantFrom("changes", "changes", "folders", "categories"),
      async (first, answers, spec, cursor, what) => {
        const played = playing([first[what as keyof typeof first], ...answers], graphBatchAnswer(spec));
        await boundedOutcome(t, played, async (fetch) => {
          const port = graphContactsPort({
            baseUrl: "https://graph.test/v1.0",
            accessToken: async () => "t",
            retry: noWait,
            extraFields: ["industry"],
            sharedFolders: [{ owner: "bo@acme.test", folderId: "s1" }],
            fetch,
          });
          if (what === "changes") {
            checkContacts(await port.listChanges("f1", cursor, 999));
            return "page";
          }
          const listed = what === "folders" ? await port.listFolders() : await port.masterCategories();
          for (const x of listed)
            if (
              typeof x.id !== "string" ||
              !x.id ||
              typeof ("name" in x ? x.name : x.displayName) !== "string"
            )
              throw new Error(`a ${what} entry without id or name: ${JSON.stringify(x)}`);
          return what;
        });
      },
    ),
    { numRuns: runs, seed },
  );
  return t;
}
