// Properties of calendar reconciliation over random items ("Scale and fault suite", item 4): the
// actions, once carried out, leave nothing to do; both sides end on one version; no exception and no
// overwritten value is lost; our own echoes produce nothing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import type { CrmSide, ProviderSide } from "../../server/reconcile/calendar-types.js";
import {
  exceptionKey,
  exceptionMap,
  sameException,
  sameField,
  sameState,
  scalarFields,
} from "../../server/reconcile/compare.js";
import { apply, reconcile, respelled, type World } from "./calendar-world.js";

type Exception = SyncedEventState["exceptions"][number];
const KEYS = ["2026-05-11T07:00:00.000Z", "2026-05-18T07:00:00.000Z", "2026-05-25T07:00:00.000Z"];

const exceptionArb = (originalStart: string): fc.Arbitrary<Exception> =>
  fc.record({
    originalStart: fc.constant(originalStart),
    status: fc.constantFrom("confirmed" as const, "cancelled" as const),
    startAt: fc.constantFrom(null, "2026-05-20T09:00:00.000Z"),
    endAt: fc.constantFrom(null, "2026-05-20T10:00:00.000Z"),
    startDate: fc.constant(null),
    endDate: fc.constant(null),
    title: fc.constantFrom(null, "Moved review"),
  });

const stateArb: fc.Arbitrary<SyncedEventState> = fc.record({
  title: fc.constantFrom("Review", "Review (figures)", "Kick-off"),
  description: fc.constantFrom(null, "Agenda"),
  location: fc.constantFrom(null, "Room 1", "Room 2"),
  status: fc.constantFrom("confirmed" as const, "tentative" as const),
  timing: fc.constantFrom(
    { allDay: true as const, startDate: "2026-05-04", endDate: "2026-05-05" },
    {
      allDay: false as const,
      startAt: "2026-05-04T07:00:00.000Z",
      endAt: "2026-05-04T08:00:00.000Z",
      timeZone: "Europe/Madrid",
      endTimeZone: "Europe/Madrid",
    },
    {
      allDay: false as const,
      startAt: "2026-05-04T09:00:00.000Z",
      endAt: "2026-05-04T10:00:00.000Z",
      timeZone: "America/New_York",
      endTimeZone: "America/New_York",
    },
  ),
  organizer: fc.constant({ email: "ana@concilia.test", name: "Ana" }),
  attendees: fc.constantFrom(
    [],
    [{ email: "bo@client.test", name: "Bo", responseStatus: "accepted" as const }],
    [{ email: "bo@client.test", name: "Bo", responseStatus: "needsAction" as const }],
  ),
  recurrence: fc.constantFrom(null, { rule: "FREQ=WEEKLY;BYDAY=MO", rdates: [], exdates: [] }),
  exceptions: fc
    .subarray(KEYS)
    .chain((keys) => fc.tuple(...keys.map(exceptionArb)))
    .map((xs) => [...xs]),
});

/** A side's version: each field and exception either as last synced or as in `other`. */
function mixed(last: SyncedEventState, other: SyncedEventState, mask: boolean[]): SyncedEventState {
  const fields = ["title", "description", "location", "status", "timing", "attendees", "recurrence"] as const;
  const out: any = { ...last };
  fields.forEach((f, i) => {
    if (mask[i]) out[f] = other[f];
  });
  const lx = exceptionMap(last);
  const ox = exceptionMap(other);
  out.exceptions = KEYS.flatMap((key, i) => {
    const x = mask[fields.length + i] ? ox.get(key) : lx.get(key);
    return x ? [x] : [];
  });
  return out;
}

const TIMES = ["2026-05-01T10:00:00.000Z", "2026-05-01T11:00:00.000Z", "2026-05-01T12:00:00.000Z"];
const maskArb = fc.array(fc.boolean(), { minLength: 10, maxLength: 10 });

const worldArb: fc.Arbitrary<World> = fc
  .record({
    last: stateArb,
    crmOther: stateArb,
    providerOther: stateArb,
    crmMask: maskArb,
    providerMask: maskArb,
    crmKind: fc.constantFrom("absent", "present", "deleted"),
    providerKind: fc.constantFrom("absent", "present", "deleted", "cancelled"),
    providerEtag: fc.constantFrom("e-last", "e-new"),
    respell: fc.boolean(),
    hasLast: fc.boolean(),
    crmAt: fc.constantFrom(...TIMES),
    providerAt: fc.constantFrom(...TIMES),
    role: fc.constantFrom("organizer" as const, "guest" as const),
    firstSync: fc.boolean(),
  })
  .map((g) => {
    const crmState = mixed(g.last, g.crmOther, g.crmMask);
    // The etag we recorded means the provider still has our write (in its own spelling).
    const providerState =
      g.providerEtag === "e-last" ? g.last : mixed(g.last, g.providerOther, g.providerMask);
    const crm: CrmSide =
      g.crmKind === "present"
        ? { kind: "present", state: crmState, changedAt: g.crmAt }
        : { kind: g.crmKind as "absent" };
    const provider: ProviderSide =
      g.providerKind === "present" || g.providerKind === "cancelled"
        ? {
            kind: "present",
            state: {
              ...(g.respell ? respelled(providerState) : providerState),
              ...(g.providerKind === "cancelled" ? { status: "cancelled" as const } : {}),
            },
            etag: g.providerEtag,
            changedAt: g.providerAt,
          }
        : { kind: g.providerKind as "absent" };
    return {
      crm,
      provider,
      last: g.hasLast ? { state: g.last, etag: "e-last" } : null,
      role: g.role,
      firstSync: g.firstSync,
      kept: [],
      invitations: 0,
    };
  });

const RUNS = { numRuns: 2000 };

describe("calendar reconciliation properties", () => {
  it("R-P-3: idempotent: once its actions are carried out, a second reconciliation does nothing", () => {
    fc.assert(
      fc.property(worldArb, fc.boolean(), (w, normalize) => {
        const after = apply(w, reconcile(w), normalize);
        expect(reconcile(after)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("R-CAL-2: both sides converge on one version, which is what is recorded as synced", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const after = apply(w, reconcile(w));
        if (after.crm.kind !== "present" || after.provider.kind !== "present") return;
        if (after.provider.state.status === "cancelled") return; // R-CAL-9: the CRM keeps its event, cancelled
        expect(sameState(after.crm.state, after.provider.state)).toBe(true);
        expect(after.last && sameState(after.last.state, after.crm.state)).toBe(true);
      }),
      RUNS,
    );
  });

  it("R-CAL-6: an exception changed or added on either side is never lost", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const actions = reconcile(w);
        const after = apply(w, actions);
        if (after.crm.kind !== "present") return;
        const final = exceptionMap(after.crm.state);
        const lastX = w.last ? exceptionMap(w.last.state) : new Map<string, Exception>();
        const sides = [w.crm, w.provider].flatMap((s) =>
          s.kind === "present" && s.state.status !== "cancelled" ? [s.state] : [],
        );
        for (const side of sides)
          for (const [key, x] of exceptionMap(side)) {
            if (w.last && sameException(x, lastX.get(key))) continue; // not a change of this side
            const keptSomewhere =
              final.has(key) || after.kept.some((k) => exceptionMap(k.version).has(exceptionKey(key)));
            expect(keptSomewhere).toBe(true);
          }
      }),
      RUNS,
    );
  });

  it("R-X-11 for events: every value a conflict overwrites is kept with its side and time", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const after = apply(w, reconcile(w));
        if (after.crm.kind !== "present" || !w.last) return;
        const final = after.crm.state;
        const sides: [string, SyncedEventState | null][] = [
          ["crm", w.crm.kind === "present" ? w.crm.state : null],
          [
            "provider",
            w.provider.kind === "present" &&
            w.provider.etag !== w.last.etag &&
            w.provider.state.status !== "cancelled"
              ? w.provider.state
              : null,
          ],
        ];
        for (const [from, state] of sides) {
          if (!state) continue;
          for (const f of scalarFields) {
            const changed = !sameField(state, w.last.state, f);
            const overwritten = !sameField(final, state, f);
            if (changed && overwritten)
              expect(after.kept.some((k) => k.from === from && sameField(k.version, state, f))).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it("R-P-3: our own echo (the etag we recorded, or what we last synced in any spelling) produces nothing", () => {
    fc.assert(
      fc.property(
        stateArb,
        fc.constantFrom("e-last", "e-other"),
        fc.constantFrom(...TIMES),
        (s, etag, at) => {
          for (const role of ["organizer", "guest"] as const) {
            const w: World = {
              crm: { kind: "present", state: s, changedAt: TIMES[0]! },
              provider: { kind: "present", state: respelled(s), etag, changedAt: at },
              last: { state: s, etag: "e-last" },
              role,
              firstSync: false,
              kept: [],
              invitations: 0,
            };
            expect(reconcile(w)).toEqual([]);
          }
        },
      ),
      RUNS,
    );
  });

  it("R-CAL-7: repeated syncs send at most the one invitation of the create, and none on a first sync", () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        let world = w;
        for (let i = 0; i < 3; i++) world = apply(world, reconcile(world), i % 2 === 0);
        expect(world.invitations).toBeLessThanOrEqual(w.firstSync || w.last ? 0 : 1);
      }),
      RUNS,
    );
  });
});
