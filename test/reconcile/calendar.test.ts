// Calendar reconciliation (server/reconcile/calendar.ts), a pure function: every combination of the
// CRM's side, the provider's side and the last synced state, then the rules one by one.
import { describe, expect, it } from "vitest";
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import { reconcileCalendarItem } from "../../server/reconcile/calendar.js";
import type {
  CalendarAction,
  CrmSide,
  LastSynced,
  ProviderSide,
  ReconcileInput,
} from "../../server/reconcile/calendar-types.js";
import { decideImport } from "../../server/reconcile/import.js";
import { base, respelled } from "./calendar-world.js";

const EARLIER = "2026-05-01T10:00:00Z";
const LATER = "2026-05-01T11:00:00Z";
const crmChanged: SyncedEventState = { ...base, title: "Quarterly review (figures)" };
const providerChanged: SyncedEventState = { ...base, location: "Room 2" };
const last: LastSynced = { state: base, etag: "e1" };

const crmSides: Record<string, CrmSide> = {
  absent: { kind: "absent" },
  unchanged: { kind: "present", state: base, changedAt: EARLIER },
  changed: { kind: "present", state: crmChanged, changedAt: EARLIER },
  deleted: { kind: "deleted" },
};
const providerSides: Record<string, ProviderSide> = {
  absent: { kind: "absent" },
  unchanged: { kind: "present", state: base, etag: "e1", changedAt: EARLIER },
  changed: { kind: "present", state: providerChanged, etag: "e2", changedAt: LATER },
  deleted: { kind: "deleted" },
  cancelled: { kind: "present", state: { ...base, status: "cancelled" }, etag: "e3", changedAt: LATER },
};

const run = (over: Partial<ReconcileInput>) =>
  reconcileCalendarItem({
    crm: crmSides.unchanged!,
    provider: providerSides.unchanged!,
    last,
    role: "organizer",
    firstSync: false,
    ...over,
  });
const kinds = (actions: CalendarAction[]) => actions.map((a) => a.kind);
const find = <K extends CalendarAction["kind"]>(actions: CalendarAction[], kind: K) =>
  actions.find((a): a is Extract<CalendarAction, { kind: K }> => a.kind === kind);

// [CRM, provider, last synced] → the actions, in order. "unchanged"/"changed" are relative to the
// last synced state; with none, both sides are compared with each other only.
const table: [string, string, "none" | "present", CalendarAction["kind"][]][] = [
  ["absent", "absent", "present", ["forget-link"]],
  ["absent", "unchanged", "present", ["delete-at-provider", "forget-link"]],
  ["absent", "changed", "present", ["keep-overwritten-version", "delete-at-provider", "forget-link"]],
  ["absent", "deleted", "present", ["forget-link"]],
  ["absent", "cancelled", "present", ["forget-link"]],
  ["unchanged", "absent", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["unchanged", "unchanged", "present", []],
  ["unchanged", "changed", "present", ["update-in-crm", "record-synced"]],
  ["unchanged", "deleted", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["unchanged", "cancelled", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["changed", "absent", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["changed", "unchanged", "present", ["update-at-provider", "record-synced"]],
  ["changed", "changed", "present", ["update-in-crm", "update-at-provider", "record-synced"]],
  ["changed", "deleted", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["changed", "cancelled", "present", ["mark-cancelled-in-crm", "record-synced"]],
  ["deleted", "absent", "present", ["forget-link"]],
  ["deleted", "unchanged", "present", ["delete-at-provider", "forget-link"]],
  ["deleted", "changed", "present", ["keep-overwritten-version", "delete-at-provider", "forget-link"]],
  ["deleted", "deleted", "present", ["forget-link"]],
  ["deleted", "cancelled", "present", ["forget-link"]],
  ["absent", "absent", "none", []],
  ["absent", "unchanged", "none", ["create-in-crm", "record-synced"]],
  ["absent", "changed", "none", ["create-in-crm", "record-synced"]],
  ["absent", "deleted", "none", []],
  ["absent", "cancelled", "none", []],
  ["unchanged", "absent", "none", ["create-at-provider", "record-synced"]],
  ["unchanged", "unchanged", "none", ["record-synced"]],
  // No common past: the fields that differ are conflicts, the later change (the provider's) wins.
  ["unchanged", "changed", "none", ["keep-overwritten-version", "update-in-crm", "record-synced"]],
  ["unchanged", "deleted", "none", ["create-at-provider", "record-synced"]],
  ["unchanged", "cancelled", "none", ["mark-cancelled-in-crm", "record-synced"]],
  ["changed", "absent", "none", ["create-at-provider", "record-synced"]],
  ["changed", "unchanged", "none", ["keep-overwritten-version", "update-in-crm", "record-synced"]],
  ["changed", "changed", "none", ["keep-overwritten-version", "update-in-crm", "record-synced"]],
  ["changed", "deleted", "none", ["create-at-provider", "record-synced"]],
  ["changed", "cancelled", "none", ["mark-cancelled-in-crm", "record-synced"]],
  ["deleted", "absent", "none", []],
  ["deleted", "unchanged", "none", []],
  ["deleted", "changed", "none", []],
  ["deleted", "deleted", "none", []],
  ["deleted", "cancelled", "none", []],
];

describe("calendar reconciliation: every combination of CRM × provider × last synced", () => {
  it("the table covers 4 × 5 × 2 combinations, each once", () => {
    expect(new Set(table.map(([c, p, l]) => `${c} ${p} ${l}`)).size).toBe(40);
  });
  it.each(table)("CRM %s, provider %s, last synced %s → %j", (c, p, l, expected) => {
    const actions = run({ crm: crmSides[c]!, provider: providerSides[p]!, last: l === "none" ? null : last });
    expect(kinds(actions)).toEqual(expected);
  });
});

describe("calendar reconciliation rules", () => {
  it("R-CAL-2: a change on each side to different fields reaches both sides, nothing is overwritten", () => {
    const actions = run({ crm: crmSides.changed!, provider: providerSides.changed! });
    const merged = { ...base, title: crmChanged.title, location: "Room 2" };
    expect(find(actions, "update-in-crm")?.state).toEqual(merged);
    expect(find(actions, "update-at-provider")).toEqual({
      kind: "update-at-provider",
      state: merged,
      ifMatch: "e2",
      sendInvitations: false,
    });
    expect(find(actions, "keep-overwritten-version")).toBeUndefined();
  });

  it("a conflict goes to the most recent change and the overwritten version is kept", () => {
    const crm: CrmSide = { kind: "present", state: { ...base, title: "Review (CRM)" }, changedAt: LATER };
    const provider: ProviderSide = {
      kind: "present",
      state: { ...base, title: "Review (calendar)" },
      etag: "e2",
      changedAt: EARLIER,
    };
    const actions = run({ crm, provider });
    expect(find(actions, "update-at-provider")?.state.title).toBe("Review (CRM)");
    expect(find(actions, "update-in-crm")).toBeUndefined();
    expect(find(actions, "keep-overwritten-version")).toMatchObject({
      from: "provider",
      fields: ["title"],
      changedAt: EARLIER,
      version: { title: "Review (calendar)" },
    });
    const reversed = run({
      crm: { ...crm, changedAt: EARLIER },
      provider: { ...provider, changedAt: LATER },
    });
    expect(find(reversed, "update-in-crm")?.state.title).toBe("Review (calendar)");
    expect(find(reversed, "keep-overwritten-version")).toMatchObject({ from: "crm", fields: ["title"] });
  });

  it("R-P-3: our own write read back is no change, by etag even when the provider respells it", () => {
    const echo: ProviderSide = { kind: "present", state: respelled(base), etag: "e1", changedAt: LATER };
    expect(run({ provider: echo })).toEqual([]);
    // …and by content when the etag is new (the provider touched the item without changing it).
    expect(run({ provider: { ...echo, etag: "e9" } })).toEqual([]);
    // A CRM change on top of our own echo is pushed, and nothing of the echo counts as a conflict.
    const actions = run({ crm: crmSides.changed!, provider: echo });
    expect(kinds(actions)).toEqual(["update-at-provider", "record-synced"]);
  });

  it("R-P-3: a Windows zone name for the same clocks, or an attendee's name dropped, is no change", () => {
    const timing = base.timing as Extract<SyncedEventState["timing"], { allDay: false }>;
    const graph: SyncedEventState = {
      ...base,
      timing: { ...timing, timeZone: "Romance Standard Time", endTimeZone: "Romance Standard Time" },
      attendees: base.attendees.map((a) => ({ ...a, name: null })),
    };
    expect(run({ provider: { kind: "present", state: graph, etag: "e7", changedAt: LATER } })).toEqual([]);
    // Another zone's clocks are a change.
    const tokyo = { ...graph, timing: { ...timing, timeZone: "Asia/Tokyo", endTimeZone: "Asia/Tokyo" } };
    expect(kinds(run({ provider: { kind: "present", state: tokyo, etag: "e7", changedAt: LATER } }))).toEqual(
      ["update-in-crm", "record-synced"],
    );
  });

  it("R-CAL-4: a guest's change in Concilia is never pushed; the calendar's version wins and the CRM's is kept", () => {
    const actions = run({ role: "guest", crm: crmSides.changed! });
    expect(kinds(actions)).toEqual(["keep-overwritten-version", "update-in-crm", "record-synced"]);
    expect(find(actions, "update-in-crm")?.state).toEqual(base);
    expect(find(actions, "keep-overwritten-version")).toMatchObject({ from: "crm", fields: ["title"] });
    for (const crm of Object.values(crmSides))
      for (const provider of Object.values(providerSides))
        for (const l of [last, null]) {
          const all = kinds(run({ role: "guest", crm, provider, last: l }));
          expect(all).not.toContain("update-at-provider");
          expect(all).not.toContain("create-at-provider");
          expect(all).not.toContain("delete-at-provider");
        }
  });

  it("R-CAL-7: only a create sends invitations, and not on the first sync (history invites no one)", () => {
    const create = run({ provider: { kind: "absent" }, last: null });
    expect(find(create, "create-at-provider")?.sendInvitations).toBe(true);
    const history = run({ provider: { kind: "absent" }, last: null, firstSync: true });
    expect(find(history, "create-at-provider")?.sendInvitations).toBe(false);
    const update = run({ crm: crmSides.changed! });
    expect(find(update, "update-at-provider")?.sendInvitations).toBe(false);
  });

  it("R-CAL-9: a delete in the calendar marks the CRM event cancelled and keeps it; a delete in Concilia deletes at the provider", () => {
    const fromCalendar = run({ provider: { kind: "deleted" } });
    expect(fromCalendar).toEqual([
      { kind: "mark-cancelled-in-crm" },
      { kind: "record-synced", state: { ...base, status: "cancelled" } },
    ]);
    expect(kinds(fromCalendar)).not.toContain("delete-at-provider");
    // Marked once: the next sync has nothing left to do.
    const cancelled: CrmSide = { kind: "present", state: { ...base, status: "cancelled" }, changedAt: LATER };
    expect(
      run({ crm: cancelled, provider: { kind: "deleted" }, last: { state: cancelled.state, etag: "e1" } }),
    ).toEqual([]);
    expect(run({ crm: { kind: "deleted" } })).toEqual([
      { kind: "delete-at-provider", ifMatch: "e1" },
      { kind: "forget-link" },
    ]);
  });

  it("R-CAL-6: exceptions are reconciled one by one: a move in the CRM and a cancellation in the calendar both survive", () => {
    const moved = {
      ...base.exceptions[0]!,
      startAt: "2026-05-11T09:00:00.000Z",
      endAt: "2026-05-11T10:00:00.000Z",
    };
    const cancelledOccurrence = {
      originalStart: "2026-05-18T07:00:00.000Z",
      status: "cancelled" as const,
      startAt: null,
      endAt: null,
      startDate: null,
      endDate: null,
      title: null,
    };
    const crm: CrmSide = { kind: "present", state: { ...base, exceptions: [moved] }, changedAt: EARLIER };
    const provider: ProviderSide = {
      kind: "present",
      state: { ...base, exceptions: [...base.exceptions, cancelledOccurrence] },
      etag: "e2",
      changedAt: LATER,
    };
    const actions = run({ crm, provider });
    const expected = [moved, cancelledOccurrence];
    expect(find(actions, "update-in-crm")?.state.exceptions).toEqual(expected);
    expect(find(actions, "update-at-provider")?.state.exceptions).toEqual(expected);
    expect(find(actions, "keep-overwritten-version")).toBeUndefined();
  });

  it("R-CAL-6: an exception removed on one side but changed on the other is kept", () => {
    const changed = { ...base.exceptions[0]!, title: "Review at the client's" };
    const crm: CrmSide = { kind: "present", state: { ...base, exceptions: [changed] }, changedAt: EARLIER };
    const provider: ProviderSide = {
      kind: "present",
      state: { ...base, exceptions: [] },
      etag: "e2",
      changedAt: LATER,
    };
    const actions = run({ crm, provider });
    expect(find(actions, "update-at-provider")?.state.exceptions).toEqual([changed]);
    expect(find(actions, "update-in-crm")).toBeUndefined();
  });

  it("R-ACT-5: all-day dates are compared as dates; the same span as UTC instants is another event", () => {
    const allDay: SyncedEventState = {
      ...base,
      recurrence: null,
      exceptions: [],
      timing: { allDay: true, startDate: "2026-05-04", endDate: "2026-05-05" },
    };
    const synced: LastSynced = { state: allDay, etag: "e1" };
    const crm: CrmSide = { kind: "present", state: allDay, changedAt: EARLIER };
    const same: ProviderSide = { kind: "present", state: { ...allDay }, etag: "e5", changedAt: LATER };
    expect(run({ crm, provider: same, last: synced })).toEqual([]);
    const timed: ProviderSide = {
      ...same,
      state: {
        ...allDay,
        timing: {
          allDay: false,
          startAt: "2026-05-04T00:00:00Z",
          endAt: "2026-05-05T00:00:00Z",
          timeZone: "UTC",
          endTimeZone: "UTC",
        },
      },
    };
    expect(kinds(run({ crm, provider: timed, last: synced }))).toEqual(["update-in-crm", "record-synced"]);
  });
});

describe("R-ACT-1: planned activities in calendar-flagged types", () => {
  it("R-ACT-1: an activity no longer in scope (done, or its type's flag off) stops syncing and deletes nothing", () => {
    for (const crm of Object.values(crmSides))
      for (const provider of Object.values(providerSides))
        for (const l of [last, null]) expect(run({ crm, provider, last: l, inScope: false })).toEqual([]);
    // Back in scope, it syncs again from where it was.
    expect(kinds(run({ crm: crmSides.changed!, inScope: true }))).toEqual([
      "update-at-provider",
      "record-synced",
    ]);
  });
  it('R-ACT-3: "Sync previous activities" pushes them without invitations', () => {
    const actions = run({ provider: { kind: "absent" }, last: null, firstSync: true });
    expect(find(actions, "create-at-provider")?.sendInvitations).toBe(false);
  });
});

describe("R-CAL-3: importing an item made elsewhere", () => {
  it("failure mode 1: one meeting in two users' calendars (Google and Graph) is one CRM event", () => {
    const uid = "040000008200E00074C5B7101A82E00800000000B0D5@outlook.test";
    const first = decideImport({ icalUid: uid, conciliaId: null }, []);
    expect(first).toEqual({ kind: "create" });
    // The second user's copy, with its own per-mailbox id, finds the first user's event by iCalUID.
    const candidates = [
      { eventId: "0190a000-0000-7000-8000-000000000002", icalUid: uid },
      { eventId: "0190a000-0000-7000-8000-000000000001", icalUid: uid },
      { eventId: "0190a000-0000-7000-8000-000000000000", icalUid: "another@uid" },
    ];
    expect(decideImport({ icalUid: uid, conciliaId: null }, candidates)).toEqual({
      kind: "link",
      eventId: "0190a000-0000-7000-8000-000000000001",
    });
  });
  it("an item with our own tag links to the event we wrote; one without a UID is created", () => {
    const candidates = [{ eventId: "evt-1", icalUid: "old@uid" }];
    expect(decideImport({ icalUid: "rewritten@uid", conciliaId: "evt-1" }, candidates)).toEqual({
      kind: "link",
      eventId: "evt-1",
    });
    expect(decideImport({ icalUid: null, conciliaId: null }, candidates)).toEqual({ kind: "create" });
    expect(decideImport({ icalUid: "  ", conciliaId: null }, candidates)).toEqual({ kind: "create" });
  });
});
