// Properties of contact reconciliation over random contacts: a decision carried out leaves nothing to
// do (syncing twice changes nothing the second time); both sides end on the same values; every value a
// conflict overwrote is kept; a value nobody changed is never touched.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isQuiet } from "../../server/reconcile/contacts.js";
import { isEmpty, normalField, project, sameValue } from "../../server/reconcile/contacts-compare.js";
import {
  decideChange,
  type ExchangeChange,
  type LinkState,
} from "../../server/reconcile/contacts-lifecycle.js";
import { type ContactFields, FIELD_NAMES } from "../../server/reconcile/contacts-types.js";
import { categoryNames } from "../../shared/categories.js";
import { apply, type ContactWorld, reconcile, times } from "./contacts-world.js";

const address = fc.constantFrom(null, {
  street: "Gran Vía 1",
  city: "Madrid",
  state: "",
  postalCode: "28013",
  countryOrRegion: "ES",
});
const fieldsArb: fc.Arbitrary<ContactFields> = fc.record({
  givenName: fc.constantFrom("", "Marta", " Marta ", "Ana"),
  surname: fc.constantFrom("", "Núñez", "Rossi"),
  emails: fc.subarray(["a@x.example", "B@x.example", "c@x.example", "d@x.example", "e@x.example"]),
  businessPhones: fc.subarray(["+34 910 000 001", "+34 910 000 002", "+34 910 000 003"]),
  mobilePhone: fc.constantFrom(null, "", "+34 600 000 001"),
  companyName: fc.constantFrom(null, "Acme Iberia", "Globex"),
  jobTitle: fc.constantFrom(null, "CFO", "Compras"),
  businessAddress: address,
  homeAddress: address,
});
const instant = fc.constantFrom(
  "2026-11-01T10:00:00.000Z",
  "2026-11-02T10:00:00.000Z",
  "2026-11-03T10:00:00.000Z",
);
const ourArb = fc.subarray(Object.values(categoryNames.es), { minLength: 1, maxLength: 2 });
const userCats = fc.subarray(["VIP", "Golf", "Clientes"]);

const worldArb: fc.Arbitrary<ContactWorld> = fc
  .record({
    crm: fieldsArb,
    exchange: fieldsArb,
    base: fc.option(fieldsArb, { nil: null }),
    crmAt: instant,
    exchangeAt: instant,
    ours: ourArb,
    theirs: userCats,
    oldOurs: ourArb,
  })
  .map((r) => ({
    crm: { fields: r.crm, changedAt: times(r.crmAt), categories: r.ours },
    exchange: { fields: r.exchange, categories: [...r.theirs, ...r.oldOurs], lastModified: r.exchangeAt },
    last: r.base ? { fields: project(r.base), categories: [], exchangeChangedAt: {} } : null,
    kept: [],
  }));

const LATER = "2026-11-04T10:00:00.000Z";
const converged = (w: ContactWorld) =>
  FIELD_NAMES.every((f) => sameValue(f, w.crm.fields[f], w.exchange.fields[f]));

describe("contact reconciliation properties", () => {
  it("R-X-7: deletions never propagate: a removal or a CRM deletion only ends a link, never imports or writes", () => {
    const linkArb = fc.oneof(
      fc.constant<LinkState>({ kind: "none" }),
      fc.constant<LinkState>({ kind: "ignored" }),
      fc.constant<LinkState>({ kind: "person-deleted" }),
      fc.boolean().map((v): LinkState => ({ kind: "linked", personId: "p1", personVisible: v })),
    );
    const changeArb = fc.oneof(
      fc.constant<ExchangeChange>({ kind: "removed" }),
      userCats.map((c): ExchangeChange => ({ kind: "changed", categories: c })),
    );
    fc.assert(
      fc.property(linkArb, changeArb, userCats, (link, change, chosen) => {
        const d = decideChange(link, change, chosen);
        if (change.kind === "removed" || link.kind === "person-deleted" || link.kind === "ignored")
          expect(["skip", "ignore"]).toContain(d.kind);
        if (link.kind === "ignored") expect(d.kind).toBe("skip");
      }),
    );
  });

  it("R-X-6: syncing twice changes nothing the second time, and both sides converge", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const once = apply(w, reconcile(w), LATER);
        expect(isQuiet(reconcile(once))).toBe(true);
        expect(converged(once)).toBe(true);
      }),
    );
  });

  it("R-X-6: writing Exchange a pass later (the CRM won) converges with no second conflict", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const first = reconcile(w);
        const inbound = apply(w, first, LATER, false);
        const second = reconcile(inbound);
        expect(second.overwritten).toEqual([]);
        const pushed = apply(inbound, second, LATER);
        expect(isQuiet(reconcile(pushed))).toBe(true);
        expect(converged(pushed)).toBe(true);
      }),
    );
  });

  it("R-X-11: every value a conflict overwrote is kept, with where it came from", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const d = reconcile(w);
        const after = apply(w, d, LATER);
        for (const f of FIELD_NAMES) {
          const c = w.crm.fields[f];
          const x = w.exchange.fields[f];
          const both = w.last
            ? !sameValue(f, c, w.last.fields[f]) && !sameValue(f, x, w.last.fields[f])
            : !isEmpty(f, c) && !isEmpty(f, x);
          if (!both || sameValue(f, c, x)) continue;
          // Both sides changed the field to different values: one lost, and is kept.
          const crmLost = !sameValue(f, after.crm.fields[f], c);
          const [source, value] = crmLost ? (["crm", c] as const) : (["exchange", x] as const);
          expect(
            after.kept.some(
              (k) =>
                k.field === f &&
                k.source === source &&
                JSON.stringify(k.oldValue) ===
                  JSON.stringify(source === "crm" ? value : normalField(f, value)),
            ),
          ).toBe(true);
        }
      }),
    );
  });

  it("R-X-6: a field neither side changed since the last sync is written nowhere", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        if (!w.last) return;
        const d = reconcile(w);
        for (const f of FIELD_NAMES)
          if (
            sameValue(f, w.crm.fields[f], w.last.fields[f]) &&
            sameValue(f, w.exchange.fields[f], w.last.fields[f])
          )
            expect(d.crmPatch[f]).toBeUndefined();
      }),
    );
  });

  it("R-X-3: the user's own categories survive every sync, ours follow the CRM", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const after = apply(w, reconcile(w), LATER);
        const own = w.exchange.categories.filter((c) => !Object.values(categoryNames.es).includes(c));
        expect(after.exchange.categories).toEqual([...own, ...w.crm.categories]);
      }),
    );
  });
});
