// Contact reconciliation, case by case: every combination of "changed in the CRM", "changed in
// Exchange" and which change is more recent, for every field; categories; matching; deletions; merges;
// the master category list.
import { describe, expect, it } from "vitest";
import { categoriesFor, isQuiet, reconcileContact } from "../../server/reconcile/contacts.js";
import { planMasterCategories } from "../../server/reconcile/contacts-categories.js";
import { decideChange, resolveMerges, survivorOf } from "../../server/reconcile/contacts-lifecycle.js";
import { type MatchCandidate, matchContact } from "../../server/reconcile/contacts-match.js";
import {
  type ContactFields,
  FIELD_NAMES,
  type FieldName,
  KIND_FIELDS,
} from "../../server/reconcile/contacts-types.js";
import { categoryNames } from "../../shared/categories.js";
import { blank, times } from "./contacts-world.js";

const BASE: ContactFields = {
  givenName: "Marta",
  surname: "Núñez",
  emails: ["marta@acme-iberia.example"],
  businessPhones: ["+34 910 000 001"],
  mobilePhone: "+34 600 000 001",
  companyName: "Acme Iberia",
  jobTitle: "Compras",
  businessAddress: {
    street: "Gran Vía 1",
    city: "Madrid",
    state: "",
    postalCode: "28013",
    countryOrRegion: "ES",
  },
  homeAddress: null,
};
const OTHER: { [F in (typeof FIELD_NAMES)[number]]: ContactFields[F] } = {
  givenName: "Marta Isabel",
  surname: "Núñez Roca",
  emails: ["marta.nunez@acme-iberia.example"],
  businessPhones: ["+34 910 000 009"],
  mobilePhone: "+34 600 000 009",
  companyName: "Acme Iberia SL",
  jobTitle: "Directora de compras",
  businessAddress: {
    street: "Gran Vía 2",
    city: "Madrid",
    state: "",
    postalCode: "28013",
    countryOrRegion: "ES",
  },
  homeAddress: {
    street: "Calle Luna 5",
    city: "Madrid",
    state: "",
    postalCode: "28004",
    countryOrRegion: "ES",
  },
};
const THIRD: { [F in (typeof FIELD_NAMES)[number]]: ContactFields[F] } = {
  givenName: "M.",
  surname: "N.",
  emails: ["m@acme-iberia.example"],
  businessPhones: ["+34 910 000 003"],
  mobilePhone: "+34 600 000 003",
  companyName: "Acme",
  jobTitle: "CFO",
  businessAddress: null,
  homeAddress: {
    street: "Calle Sol 9",
    city: "Sevilla",
    state: "",
    postalCode: "41001",
    countryOrRegion: "ES",
  },
};
const EARLY = "2026-11-01T10:00:00.000Z";
const LATE = "2026-11-02T10:00:00.000Z";
const ours = [categoryNames.es.person];
const synced = { fields: BASE, categories: ours, exchangeChangedAt: {} };

function decide(f: FieldName, crmValue: unknown, exchangeValue: unknown, crmAt: string, exchangeAt: string) {
  return reconcileContact({
    crm: { fields: { ...BASE, [f]: crmValue }, changedAt: { ...times(EARLY), [f]: crmAt }, categories: ours },
    exchange: { fields: { ...BASE, [f]: exchangeValue }, categories: ours, lastModified: exchangeAt },
    last: synced,
  });
}

describe("R-X-6 / R-X-11: each field decided on its own", () => {
  for (const f of FIELD_NAMES) {
    it(`R-X-6: ${f} unchanged on both sides: nothing to do`, () => {
      expect(isQuiet(decide(f, BASE[f], BASE[f], LATE, LATE))).toBe(true);
    });
    it(`R-X-6: ${f} changed in the CRM only: Exchange takes it`, () => {
      const d = decide(f, OTHER[f], BASE[f], LATE, LATE);
      expect(d.fields.find((o) => o.field === f)).toEqual({ field: f, outcome: "take-crm", conflict: false });
      expect(d.exchangeWrite?.fields[f]).toEqual(OTHER[f]);
      expect(d.crmPatch).toEqual({});
      expect(d.overwritten).toEqual([]);
    });
    it(`R-X-6: ${f} changed in Exchange only: the CRM takes it`, () => {
      const d = decide(f, BASE[f], OTHER[f], LATE, LATE);
      expect(d.crmPatch).toEqual({ [f]: OTHER[f] });
      expect(d.exchangeWrite).toBeNull();
      expect(d.overwritten).toEqual([]);
    });
    it(`R-X-6: ${f} changed to the same value on both sides: agreed, no conflict`, () => {
      const d = decide(f, OTHER[f], OTHER[f], EARLY, LATE);
      expect(isQuiet(d)).toBe(true);
      expect(d.syncedAfterPush.fields[f]).toEqual(OTHER[f]);
    });
    it(`R-X-11: ${f} changed on both sides, Exchange later: Exchange wins, the CRM value is kept`, () => {
      const d = decide(f, OTHER[f], THIRD[f], EARLY, LATE);
      expect(d.crmPatch).toEqual({ [f]: THIRD[f] });
      expect(d.exchangeWrite).toBeNull();
      expect(d.overwritten).toEqual([{ field: f, oldValue: OTHER[f], source: "crm", at: LATE }]);
    });
    it(`R-X-11: ${f} changed on both sides, the CRM later: the CRM wins, the Exchange value is kept`, () => {
      const d = decide(f, OTHER[f], THIRD[f], LATE, EARLY);
      expect(d.crmPatch).toEqual({});
      expect(d.exchangeWrite?.fields[f]).toEqual(OTHER[f]);
      expect(d.overwritten).toEqual([{ field: f, oldValue: THIRD[f], source: "exchange", at: LATE }]);
    });
  }

  it("R-X-11: two fields changed on different sides both survive (per field, not per record)", () => {
    const d = reconcileContact({
      crm: { fields: { ...BASE, jobTitle: "CFO" }, changedAt: times(EARLY), categories: ours },
      exchange: { fields: { ...BASE, mobilePhone: "+34 699 999 999" }, categories: ours, lastModified: LATE },
      last: synced,
    });
    expect(d.crmPatch).toEqual({ mobilePhone: "+34 699 999 999" });
    expect(d.exchangeWrite?.fields).toMatchObject({ jobTitle: "CFO", mobilePhone: "+34 699 999 999" });
    expect(d.overwritten).toEqual([]);
  });

  it("R-X-6: a fourth CRM email is kept in the CRM when Exchange changes its three", () => {
    const crm = { ...BASE, emails: ["a@x.example", "b@x.example", "c@x.example", "d@x.example"] };
    const last = { ...synced, fields: { ...BASE, emails: ["a@x.example", "b@x.example", "c@x.example"] } };
    const d = reconcileContact({
      crm: { fields: crm, changedAt: times(EARLY), categories: ours },
      exchange: {
        fields: { ...BASE, emails: ["a@x.example", "b@x.example", "z@x.example"] },
        categories: ours,
        lastModified: LATE,
      },
      last,
    });
    expect(d.crmPatch.emails).toEqual(["a@x.example", "b@x.example", "z@x.example", "d@x.example"]);
    expect(d.exchangeWrite).toBeNull();
  });

  it("R-X-10: a first match fills what one side lacks without recording a conflict", () => {
    const d = reconcileContact({
      crm: {
        fields: { ...blank, givenName: "Marta", emails: ["marta@acme-iberia.example"] },
        changedAt: times(EARLY),
        categories: ours,
      },
      exchange: { fields: BASE, categories: ["Proveedores"], lastModified: LATE },
      last: null,
    });
    expect(d.overwritten).toEqual([]);
    expect(d.crmPatch).toMatchObject({ surname: "Núñez", jobTitle: "Compras" });
    expect(d.exchangeWrite?.categories).toEqual(["Proveedores", ...ours]);
  });
});

describe("R-CAT-1 / R-X-3: categories of a synced contact", () => {
  it("R-X-3: our categories are replaced and the user's own are kept", () => {
    const item = ["VIP", categoryNames.es.person, categoryNames.es.current_prospect, "Golf"];
    const now = [categoryNames.es.person, categoryNames.es.current_customer];
    expect(categoriesFor(item, now)).toEqual(["VIP", "Golf", ...now]);
  });
  it("R-CAT-1: a status that changed in the CRM is written to Exchange", () => {
    const now = [categoryNames.it.person, categoryNames.it.current_customer];
    const d = reconcileContact({
      crm: { fields: BASE, changedAt: times(EARLY), categories: now },
      exchange: {
        fields: BASE,
        categories: ["Clienti", categoryNames.it.person, categoryNames.it.current_prospect],
        lastModified: EARLY,
      },
      last: synced,
    });
    expect(d.exchangeWrite?.categories).toEqual(["Clienti", ...now]);
  });
});

describe("R-X-10: matching a new Exchange contact", () => {
  const person = (over: Partial<MatchCandidate>): MatchCandidate => ({
    personId: "p1",
    emails: [],
    givenName: "",
    surname: "",
    companyName: null,
    phones: [],
    linked: false,
    ...over,
  });
  const cases: [string, MatchCandidate[], { personId: string; rule: string } | null][] = [
    [
      "same email, any case",
      [person({ emails: ["MARTA@acme-iberia.example"] })],
      { personId: "p1", rule: "email" },
    ],
    [
      "email beats name and company",
      [
        person({ personId: "p1", givenName: "Marta", surname: "Núñez", companyName: "Acme Iberia" }),
        person({ personId: "p2", emails: ["marta@acme-iberia.example"] }),
      ],
      { personId: "p2", rule: "email" },
    ],
    [
      "same name (accents aside) and company",
      [person({ givenName: "marta", surname: "Nunez", companyName: "ACME iberia" })],
      { personId: "p1", rule: "name-and-company" },
    ],
    [
      "same name, other company: no match",
      [person({ givenName: "Marta", surname: "Núñez", companyName: "Globex" })],
      null,
    ],
    ["same phone written otherwise", [person({ phones: ["600000001"] })], { personId: "p1", rule: "phone" }],
    [
      "R-X-9: the person is linked to another contact already: a duplicate, imported as it is",
      [person({ emails: ["marta@acme-iberia.example"], linked: true })],
      null,
    ],
    ["nothing in common", [person({ emails: ["other@x.example"], givenName: "Ana" })], null],
  ];
  for (const [name, candidates, expected] of cases)
    it(`R-X-10: ${name}`, () => expect(matchContact(BASE, candidates)).toEqual(expected));
});

describe("R-X-7 / R-X-2: contacts that appear and disappear", () => {
  const chosen = ["Clientes"];
  it("R-X-7: removed in Exchange: only the link ends, marked ignored; the person stays", () => {
    expect(
      decideChange({ kind: "linked", personId: "p1", personVisible: true }, { kind: "removed" }, chosen),
    ).toEqual({
      kind: "ignore",
      reason: "deleted-in-exchange",
    });
  });
  it("R-X-7: deleted in the CRM: the contact is never imported again", () => {
    expect(decideChange({ kind: "person-deleted" }, { kind: "changed", categories: chosen }, chosen)).toEqual(
      {
        kind: "ignore",
        reason: "deleted-in-crm",
      },
    );
    expect(decideChange({ kind: "ignored" }, { kind: "changed", categories: chosen }, chosen).kind).toBe(
      "skip",
    );
  });
  it("R-X-2: a new contact is imported only in a chosen category", () => {
    expect(decideChange({ kind: "none" }, { kind: "changed", categories: ["Clientes"] }, chosen).kind).toBe(
      "import",
    );
    expect(decideChange({ kind: "none" }, { kind: "changed", categories: ["Golf"] }, chosen).kind).toBe(
      "skip",
    );
  });
  it("R-X-8: a linked person no longer visible is not synced, and not deleted", () => {
    expect(
      decideChange(
        { kind: "linked", personId: "p1", personVisible: false },
        { kind: "changed", categories: [] },
        chosen,
      ).kind,
    ).toBe("skip");
  });
});

describe("R-X-9: links after persons were merged in the CRM", () => {
  it("R-X-9: the survivor keeps its own contact, the merged-away one is ignored", () => {
    const r = resolveMerges([
      { linkId: "l1", personId: "p1", survivorId: "p1" },
      { linkId: "l2", personId: "p2", survivorId: "p1" },
    ]);
    expect(r).toEqual({ relink: [], ignore: ["l2"] });
  });
  it("R-X-9: a survivor without a contact takes the earliest of the merged-away ones", () => {
    const r = resolveMerges([
      { linkId: "l3", personId: "p3", survivorId: "p1" },
      { linkId: "l2", personId: "p2", survivorId: "p1" },
    ]);
    expect(r).toEqual({ relink: [{ linkId: "l2", personId: "p1" }], ignore: ["l3"] });
  });
  it("R-X-9: merges are followed to the end", () => {
    expect(
      survivorOf(
        "a",
        new Map([
          ["a", "b"],
          ["b", "c"],
          ["c", null],
        ]),
      ),
    ).toBe("c");
  });
});

describe("R-X-4: the master category list", () => {
  const mine = (key: keyof (typeof categoryNames)["es"], id: string) => ({
    id,
    displayName: categoryNames.es[key],
    color: "preset7",
  });
  it("R-X-3: an empty list gets all seven, in the language fixed at activation", () => {
    const plan = planMasterCategories([{ id: "u1", displayName: "Golf", color: "preset1" }], "es", {});
    expect(plan.create.map((c) => c.displayName)).toEqual(Object.values(categoryNames.es));
    expect(plan.delete).toEqual([]);
  });
  it("R-X-4: a renamed one of ours is deleted and made again; the user's own are untouched", () => {
    const existing = [
      mine("person", "c1"),
      { id: "c2", displayName: "Mis clientes", color: "preset4" },
      { id: "u1", displayName: "Golf", color: "preset1" },
    ];
    const plan = planMasterCategories(existing, "es", { person: "c1", current_customer: "c2" });
    expect(plan.delete.map((c) => c.id)).toEqual(["c2"]);
    expect(plan.create.map((c) => c.displayName)).toContain(categoryNames.es.current_customer);
    expect(plan.create.map((c) => c.displayName)).not.toContain(categoryNames.es.person);
  });
  it("R-X-4: a deleted one of ours is made again", () => {
    const all = Object.keys(categoryNames.es).map((k, i) => mine(k as "person", `c${i}`));
    const plan = planMasterCategories(all.slice(1), "es", {});
    expect(plan.create.map((c) => c.displayName)).toEqual([categoryNames.es.person]);
  });
});

describe("R-CAT-1, R-X-6: a company or lead owns only its own fields", () => {
  it("R-X-6: a lead's write leaves the mobile number and home address the user keeps in Outlook as they are", () => {
    const exchange = { ...BASE, mobilePhone: "+34 699 000 000", homeAddress: OTHER.homeAddress };
    const d = reconcileContact({
      crm: {
        fields: { ...BASE, mobilePhone: null, homeAddress: null, jobTitle: "CEO" },
        changedAt: times(LATE),
        categories: [categoryNames.es.lead],
        fieldNames: KIND_FIELDS.lead,
      },
      exchange: { fields: exchange, categories: [categoryNames.es.lead], lastModified: EARLY },
      last: { fields: exchange, categories: [categoryNames.es.lead], exchangeChangedAt: {} },
    });
    expect(d.crmPatch).toEqual({});
    expect(d.exchangeWrite?.fields).toMatchObject({
      jobTitle: "CEO",
      mobilePhone: "+34 699 000 000",
      homeAddress: OTHER.homeAddress,
    });
    expect(d.fields.map((o) => o.field)).toEqual([...KIND_FIELDS.lead]);
  });

  it("R-X-6: a company's web site changed in Outlook reaches the CRM; a person never takes one", () => {
    const company = reconcileContact({
      crm: {
        fields: { ...BASE, businessHomePage: "https://acme.example" },
        changedAt: times(EARLY),
        categories: [categoryNames.es.company],
        fieldNames: KIND_FIELDS.company,
      },
      exchange: {
        fields: { ...BASE, businessHomePage: "https://acme-iberia.example" },
        categories: [categoryNames.es.company],
        lastModified: LATE,
      },
      last: {
        fields: { ...BASE, businessHomePage: "https://acme.example" },
        categories: [categoryNames.es.company],
        exchangeChangedAt: {},
      },
    });
    expect(company.crmPatch).toEqual({ businessHomePage: "https://acme-iberia.example" });
    const person = decide("jobTitle", BASE.jobTitle, BASE.jobTitle, LATE, LATE);
    expect(person.fields.map((o) => o.field)).not.toContain("businessHomePage");
  });
});
