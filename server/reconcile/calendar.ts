// Two-way calendar reconciliation of one item (an event with its exceptions): from the CRM's view,
// the provider's view and what was last synced, the actions that bring both sides to one version.
// Pure: no I/O, no clock; the sync shell reads the three views and carries the actions out.
//
// - Our own write coming back (the etag we recorded, or the content we last synced) is no change
//   (R-P-3), so it produces nothing.
// - A deletion or cancellation in the calendar marks the CRM event cancelled and keeps it (R-CAL-9);
//   a deletion in Concilia deletes at the provider.
// - A guest's event is read-only in Concilia (R-CAL-4): nothing is pushed, the calendar's version wins.
// - Invitations go out only when a new event made in Concilia is created, and never on the first sync
//   (R-CAL-7, failure mode 9).
// - Fields and exceptions merge three-way (merge.ts); conflicts go to the most recent change and the
//   loser's version is kept.
import type { CalendarAction, ReconcileInput, SyncedEventState } from "./calendar-types.js";
import { sameField, sameState } from "./compare.js";
import { differingFields, mergeEvent } from "./merge.js";

export function reconcileCalendarItem(input: ReconcileInput): CalendarAction[] {
  const { crm, provider, last, role } = input;
  if (input.inScope === false) return [];
  const providerGone = provider.kind !== "present" || provider.state.status === "cancelled";

  if (crm.kind !== "present") {
    if (!last) {
      // R-CAL-3: an item made elsewhere is imported; a tombstone or a cancelled item is not.
      if (crm.kind === "absent" && !providerGone)
        return [
          { kind: "create-in-crm", state: provider.state },
          { kind: "record-synced", state: provider.state },
        ];
      return [];
    }
    if (role === "guest") return [];
    if (providerGone) return [{ kind: "forget-link" }];
    const actions: CalendarAction[] = [];
    if (!isEcho(provider, last))
      actions.push({
        kind: "keep-overwritten-version",
        from: "provider",
        version: provider.state,
        changedAt: provider.changedAt,
        fields: differingFields(provider.state, last.state),
      });
    actions.push({ kind: "delete-at-provider", ifMatch: provider.etag }, { kind: "forget-link" });
    return actions;
  }

  const c = crm.state;
  if (providerGone) {
    if (last || provider.kind === "present") {
      if (c.status === "cancelled") return [];
      const actions: CalendarAction[] = [];
      // The one value a calendar delete overwrites is the status: a status just set in the CRM is kept.
      if (last && !sameField(c, last.state, "status"))
        actions.push({
          kind: "keep-overwritten-version",
          from: "crm",
          version: c,
          changedAt: crm.changedAt,
          fields: ["status"],
        });
      actions.push(
        { kind: "mark-cancelled-in-crm" },
        { kind: "record-synced", state: { ...c, status: "cancelled" } },
      );
      return actions;
    }
    if (role === "guest" || c.status === "cancelled") return [];
    return [
      { kind: "create-at-provider", state: c, sendInvitations: !input.firstSync },
      { kind: "record-synced", state: c },
    ];
  }

  const p = provider.state;
  const crmUnchanged = !!last && sameState(c, last.state);
  if (role === "guest") {
    if (sameState(c, p)) return last && sameState(last.state, p) ? [] : [{ kind: "record-synced", state: p }];
    const actions: CalendarAction[] = [];
    if (!crmUnchanged)
      actions.push({
        kind: "keep-overwritten-version",
        from: "crm",
        version: c,
        changedAt: crm.changedAt,
        fields: differingFields(c, p),
      });
    actions.push({ kind: "update-in-crm", state: p }, { kind: "record-synced", state: p });
    return actions;
  }

  // Our own write, read back: the provider side is what we last synced.
  const theirs: SyncedEventState = last && isEcho(provider, last) ? last.state : p;
  if (crmUnchanged && theirs === last?.state) return [];
  const merged = mergeEvent(
    { state: c, changedAt: crm.changedAt },
    { state: theirs, changedAt: provider.changedAt },
    last?.state ?? null,
  );
  const actions: CalendarAction[] = [];
  if (merged.crmLost.length)
    actions.push({
      kind: "keep-overwritten-version",
      from: "crm",
      version: c,
      changedAt: crm.changedAt,
      fields: merged.crmLost,
    });
  if (merged.providerLost.length)
    actions.push({
      kind: "keep-overwritten-version",
      from: "provider",
      version: p,
      changedAt: provider.changedAt,
      fields: merged.providerLost,
    });
  if (!sameState(merged.state, c)) actions.push({ kind: "update-in-crm", state: merged.state });
  if (!sameState(merged.state, theirs))
    actions.push({
      kind: "update-at-provider",
      state: merged.state,
      ifMatch: provider.etag,
      sendInvitations: false,
    });
  if (actions.length || !last || !sameState(last.state, merged.state))
    actions.push({ kind: "record-synced", state: merged.state });
  return actions;
}

function isEcho(
  provider: Extract<ReconcileInput["provider"], { kind: "present" }>,
  last: NonNullable<ReconcileInput["last"]>,
): boolean {
  return (provider.etag !== null && provider.etag === last.etag) || sameState(provider.state, last.state);
}
