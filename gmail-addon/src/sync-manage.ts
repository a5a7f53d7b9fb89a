// R-CON-9 / R-CON-10 in Gmail: what the user does with a connected account from the sync card:
// refresh its status (cards do not poll), pause, resume, retry failed items, edit, stop; for a synced
// calendar, sync previous activities (R-ACT-3) and remove the calendar sync (R-ACT-4).
import type { ConnectionSyncs } from "../../shared/api/connections.js";
import { editCard, removeCalendarCard, stopCard } from "./cards/sync-dialogs.js";
import { notify } from "./cards/widgets.js";
import { formValue, formValues, parameters } from "./config.js";
import { ApiProblem } from "./errors.js";
import { responseOrNotice } from "./guard.js";
import { type Session, session } from "./session.js";
import { nav, refusal, respond, SYNCS, syncCardFor, update } from "./sync-actions.js";

type Event = GoogleAppsScript.Addons.EventObject;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

export function syncRefresh(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => update(syncCardFor(x)));
}

function act(e: Event, action: "pause" | "resume" | "retry-failed"): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    x.api.sync.act(parameters(e).id ?? "", action);
    return update(syncCardFor(x));
  });
}

export const syncPause = (e: Event) => act(e, "pause");
export const syncResume = (e: Event) => act(e, "resume");
export const syncRetryFailed = (e: Event) => act(e, "retry-failed");

const findConnection = (x: Session, id: string | undefined) => x.api.sync.list().find((k) => k.id === id);

export function syncEdit(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const c = findConnection(x, parameters(e).id);
    if (!c) return update(syncCardFor(x));
    return respond()
      .setNavigation(nav().pushCard(editCard(c, x.t)))
      .build();
  });
}

/** R-CON-2 / R-CON-9: what syncs and which calendars; an IMAP account refuses calendars (R-CON-4). */
export function syncSaveEdit(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    const syncs = formValue(e, "syncs");
    try {
      x.api.sync.edit(p.id ?? "", {
        ...(SYNCS.includes(syncs) ? { syncs: syncs as ConnectionSyncs } : {}),
        ...(p.calendars === "1" ? { selectedCalendarIds: formValues(e, "calendars") } : {}),
      });
    } catch (err) {
      const text = refusal(err, x, "");
      if (text) return notify(text);
      // The account's consent does not cover the new choice: reconnecting with it is offered.
      const c = err instanceof ApiProblem && err.status === 409 ? findConnection(x, p.id) : undefined;
      if (c && SYNCS.includes(syncs)) return update(editCard(c, x.t, syncs as ConnectionSyncs));
      throw err;
    }
    return respond()
      .setNavigation(
        nav()
          .popCard()
          .updateCard(syncCardFor(x, { notice: x.t("syncSaved") })),
      )
      .build();
  });
}

type Dialog = typeof stopCard;

/** Pushes the confirmation `dialog` for the connection and address the button carries. */
function confirm(e: Event, dialog: Dialog): ActionResponse {
  const x = session(e);
  const p = parameters(e);
  return respond()
    .setNavigation(nav().pushCard(dialog(p.id ?? "", p.address ?? "", x.t)))
    .build();
}

/**
 * Once confirmed: `remove` for the connection, then back to the sync card saying what went
 * (`done`, naming the account); the state changed, so Gmail renders the add-on again.
 */
function removeConfirmed(
  e: Event,
  remove: (x: Session, id: string) => void,
  done: "syncStopped" | "calendarSyncRemoved",
): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    remove(x, p.id ?? "");
    const text = x.t(done, { address: p.address ?? "" });
    return respond()
      .setNavigation(
        nav()
          .popCard()
          .updateCard(syncCardFor(x, { notice: text })),
      )
      .setStateChanged(true)
      .build();
  });
}

export const syncConfirmStop = (e: Event) => confirm(e, stopCard);

/** R-CON-10: the connection and its credentials go; everything already synced stays. */
export const syncStop = (e: Event) => removeConfirmed(e, (x, id) => x.api.sync.stop(id), "syncStopped");

/** R-ACT-3: the planned activities made before the connection go to its calendar, once. */
export function syncPreviousActivities(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const r = x.api.sync.syncPreviousActivities(parameters(e).id ?? "");
    return update(syncCardFor(x, { notice: x.t("previousActivitiesQueued", { count: r.queued }) }));
  });
}

export const syncConfirmRemoveCalendar = (e: Event) => confirm(e, removeCalendarCard);

/** R-ACT-4: the calendar sync is removed; nothing in the CRM is lost. */
export const syncRemoveCalendar = (e: Event) =>
  removeConfirmed(e, (x, id) => x.api.sync.removeCalendarSync(id), "calendarSyncRemoved");

export function syncBack(_e: Event): ActionResponse {
  return respond().setNavigation(nav().popCard()).build();
}
