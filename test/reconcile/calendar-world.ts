// A calendar item's two sides and its link, for the reconciliation tests: states to start from and
// the effect of each action, as the sync shell and a provider would carry it out.
import type { SyncedEventState } from "../../server/calendar/synced-state.js";
import { reconcileCalendarItem } from "../../server/reconcile/calendar.js";
import type {
  CalendarAction,
  CrmSide,
  LastSynced,
  ProviderSide,
  ReconcileInput,
} from "../../server/reconcile/calendar-types.js";

export const base: SyncedEventState = {
  title: "Quarterly review",
  description: "Agenda: figures",
  location: "Room 1",
  status: "confirmed",
  timing: {
    allDay: false,
    startAt: "2026-05-04T07:00:00.000Z",
    endAt: "2026-05-04T08:00:00.000Z",
    timeZone: "Europe/Madrid",
    endTimeZone: "Europe/Madrid",
  },
  organizer: { email: "ana@concilia.test", name: "Ana" },
  attendees: [
    { email: "ana@concilia.test", name: "Ana", responseStatus: "accepted" },
    { email: "bo@client.test", name: "Bo", responseStatus: "needsAction" },
  ],
  recurrence: { rule: "FREQ=WEEKLY;BYDAY=MO", rdates: [], exdates: [] },
  exceptions: [
    {
      originalStart: "2026-05-11T07:00:00.000Z",
      status: "confirmed",
      startAt: "2026-05-12T07:00:00.000Z",
      endAt: "2026-05-12T08:00:00.000Z",
      startDate: null,
      endDate: null,
      title: null,
    },
  ],
};

/** The same event as a provider may spell it: other instant notation, address case, order. */
export function respelled(s: SyncedEventState): SyncedEventState {
  const plus = (v: string | null) => (v ? v.replace(/(\.000)?Z$/, "+00:00") : v);
  return {
    ...s,
    description: s.description === null ? "" : `${s.description}\r\n`,
    timing: s.timing.allDay
      ? s.timing
      : { ...s.timing, startAt: plus(s.timing.startAt)!, endAt: plus(s.timing.endAt)! },
    organizer: s.organizer ? { ...s.organizer, email: s.organizer.email.toUpperCase() } : null,
    attendees: [...s.attendees].reverse().map((a) => ({ ...a, email: a.email.toUpperCase() })),
    exceptions: [...s.exceptions].reverse().map((x) => ({
      ...x,
      originalStart: plus(x.originalStart)!,
      startAt: plus(x.startAt),
      endAt: plus(x.endAt),
    })),
  };
}

export interface World {
  crm: CrmSide;
  provider: ProviderSide;
  last: LastSynced | null;
  role: ReconcileInput["role"];
  firstSync: boolean;
  /** Versions kept by keep-overwritten-version. */
  kept: Extract<CalendarAction, { kind: "keep-overwritten-version" }>[];
  invitations: number;
}

let etags = 0;
const NOW = "2026-06-01T12:00:00.000Z";

/** Carries the actions out; a provider that respells what it stores when `normalize` says so. */
export function apply(w: World, actions: CalendarAction[], normalize = false): World {
  let { crm, provider, last, kept, invitations } = w;
  for (const a of actions) {
    switch (a.kind) {
      case "create-at-provider":
      case "update-at-provider":
        if (a.sendInvitations) invitations++;
        provider = {
          kind: "present",
          state: normalize ? respelled(a.state) : a.state,
          etag: `etag-${++etags}`,
          changedAt: NOW,
        };
        break;
      case "delete-at-provider":
        provider = { kind: "deleted" };
        break;
      case "create-in-crm":
      case "update-in-crm":
        crm = { kind: "present", state: a.state, changedAt: NOW };
        break;
      case "mark-cancelled-in-crm":
        if (crm.kind !== "present") throw new Error("marked a missing CRM event cancelled");
        crm = { ...crm, state: { ...crm.state, status: "cancelled" }, changedAt: NOW };
        break;
      case "keep-overwritten-version":
        kept = [...kept, a];
        break;
      case "record-synced":
        last = { state: a.state, etag: provider.kind === "present" ? provider.etag : null };
        break;
      case "forget-link":
        last = null;
        break;
    }
  }
  return { ...w, crm, provider, last, kept, invitations };
}

export const reconcile = (w: World) =>
  reconcileCalendarItem({
    crm: w.crm,
    provider: w.provider,
    last: w.last,
    role: w.role,
    firstSync: w.firstSync,
  });
