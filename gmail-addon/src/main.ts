// Entry points: every export becomes a top-level function of Code.js (Apps Script finds trigger and
// action callbacks by global name). Triggers return cards; actions return action responses.

import {
  isHttpsUrl,
  type MeetingProblem,
  meetingMessages,
  meetingProblemsAt,
  recurrenceOfRepeat,
} from "../../shared/meeting-form.js";
import { proposedMeetingStart } from "../../shared/meeting-start.js";
import { isTimeZone, wallStrings, zonedIso } from "../../shared/zoned-time.js";
import { formatMailbox } from "./addresses.js";
import { addToExistingCard } from "./cards/add-to-existing-card.js";
import { homeCard, resultsCard } from "./cards/home-card.js";
import { LINK_CODE_FIELD } from "./cards/link-card.js";
import { DURATIONS, meetingCard } from "./cards/meeting-card.js";
import { MESSAGE_CARD, messageCard } from "./cards/message-card.js";
import { recordCard } from "./cards/record-card.js";
import { prefillFor, type RecordKind, recordFormCard } from "./cards/record-form-card.js";
import { notify } from "./cards/widgets.js";
import { formDateTime, formValue, formValues, parameters } from "./config.js";
import { ApiProblem } from "./errors.js";
import { dateTime } from "./format.js";
import { cardOrError, responseOrNotice, retried } from "./guard.js";
import { userSettings } from "./host.js";
import { type GmailContext, gmailContext, rawMessage, readMessage } from "./message.js";
import { entryName, loadState, type MessageState, saveState } from "./message-state.js";
import { type Session, SIGN_IN_TOKEN, session } from "./session.js";
import { pendingSyncCard } from "./sync-actions.js";

export {
  exchangeActivate,
  exchangeChoose,
  exchangeDeactivate,
  exchangeOpen,
  exchangeSave,
} from "./exchange-actions.js";
export {
  syncChoose,
  syncConnectCaldav,
  syncConnectImap,
  syncConnectPassword,
  syncOpen,
  syncStartOAuth,
  syncTestCaldav,
  syncTestImap,
  syncUniversal,
} from "./sync-actions.js";
export {
  syncBack,
  syncConfirmRemoveCalendar,
  syncConfirmStop,
  syncEdit,
  syncPause,
  syncPreviousActivities,
  syncRefresh,
  syncRemoveCalendar,
  syncResume,
  syncRetryFailed,
  syncSaveEdit,
  syncStop,
} from "./sync-manage.js";

type Event = GoogleAppsScript.Addons.EventObject;
type Card = GoogleAppsScript.Card_Service.Card;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

const MEETING_MINUTES = "meetingMinutes";

function requireGmail(e: Event): GmailContext {
  const g = gmailContext(e);
  if (!g) throw new Error("This action needs an open message.");
  return g;
}

/** One context request for every address of the message (R-SB-8). */
function loadMessage(g: GmailContext, x: Session): MessageState {
  const msg = readMessage(g);
  const { response, omitted } = x.api.context(msg.mailboxes.map(formatMailbox), msg.rfcMessageId);
  const s: MessageState = {
    gmailId: g.messageId,
    subject: msg.subject,
    rfcMessageId: msg.rfcMessageId,
    context: response,
    omitted,
  };
  saveState(s);
  return s;
}

function stateOf(g: GmailContext, x: Session): MessageState {
  return loadState(g.messageId) ?? loadMessage(g, x);
}

const respond = () => CardService.newActionResponseBuilder();
const nav = () => CardService.newNavigation();
const note = (text: string) => CardService.newNotification().setText(text);

// --- Triggers ---------------------------------------------------------------------------------

export function onGmailMessageOpen(e: Event): Card[] {
  const x = session(e);
  const retry = { functionName: "retryMessageOpen", params: { messageId: e.gmail?.messageId ?? "" } };
  return [
    cardOrError(x.i, retry, () => pendingSyncCard(x) ?? messageCard(loadMessage(requireGmail(e), x), x.view)),
  ];
}

export function onHomepage(e: Event): Card[] {
  const x = session(e);
  return [
    cardOrError(
      x.i,
      { functionName: "retryHomepage", params: {} },
      () => pendingSyncCard(x) ?? homeCard(x.api.recentPersons(5).items, x.i),
    ),
  ];
}

// --- Actions ----------------------------------------------------------------------------------

/**
 * R-SB-7: the one-time code of Concilia's sign-in page (opened from the error card) signs the add-on
 * in; the card the user wanted is then shown.
 */
export function useSignInCode(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const code = formValue(e, "code");
    if (!code) return notify(x.t("codeEmpty"));
    const grant = x.api.redeemCode(code);
    if (!grant) return notify(x.t("codeRefused"));
    userSettings.set(SIGN_IN_TOKEN, grant.token);
    const g = gmailContext(e);
    const card = g ? messageCard(loadMessage(g, x), x.view) : homeCard(x.api.recentPersons(5).items, x.i);
    return respond()
      .setNavigation(nav().updateCard(card))
      .setNotification(note(x.t("signedInAs", { email: grant.user.email })))
      .setStateChanged(true)
      .build();
  });
}

export function retryMessageOpen(e: Event): ActionResponse {
  const x = session(e);
  const retry = { functionName: "retryMessageOpen", params: parameters(e) };
  return retried(x.i, retry, () => messageCard(loadMessage(requireGmail(e), x), x.view));
}

export function retryHomepage(e: Event): ActionResponse {
  const x = session(e);
  return retried(x.i, { functionName: "retryHomepage", params: {} }, () =>
    homeCard(x.api.recentPersons(5).items, x.i),
  );
}

/** R-SB-7: the one-time code of the sign-in page links this Google account; then the card loads. */
export function linkAccount(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const code = formValue(e, LINK_CODE_FIELD);
    if (!code) return notify(x.t("linkCodeRequired"));
    const linked = x.api.link(code);
    const card =
      parameters(e).afterLink === "retryHomepage"
        ? homeCard(x.api.recentPersons(5).items, x.i)
        : messageCard(loadMessage(requireGmail(e), x), x.view);
    return respond()
      .setNavigation(nav().updateCard(card))
      .setNotification(note(x.t("linked", { email: linked.user.email })))
      .build();
  });
}

/** R-SB-3: the raw message is posted once; the server dedupes repeats on the Message-ID. */
export function logEmail(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const g = requireGmail(e);
    const res = x.api.logEmail(rawMessage(g));
    // Read again, so that the email shows among the card's last activities at once.
    const s = loadMessage(g, x);
    return respond()
      .setNavigation(nav().updateCard(messageCard(s, x.view)))
      .setNotification(note(x.t(res.alreadyLogged ? "alreadyLogged" : "emailLogged")))
      .setStateChanged(true)
      .build();
  });
}

export function openParticipant(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const address = parameters(e).address ?? "";
    const cached = e.gmail ? loadState(requireGmail(e).messageId) : null;
    let entry = cached?.context.participants.find((p) => p.address === address);
    if (!entry) entry = x.api.context([address], null).response.participants[0];
    if (entry?.status !== "known") return notify(x.t("notInCrm"));
    return respond()
      .setNavigation(nav().pushCard(recordCard(entry.record, x.view)))
      .build();
  });
}

/** From the homepage or a search hit: the record behind an address, in one request. */
export function openRecord(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const address = parameters(e).address ?? "";
    const entry = x.api.context([address], null).response.participants[0];
    if (entry?.status !== "known") return notify(x.t("notInCrm"));
    return respond()
      .setNavigation(nav().pushCard(recordCard(entry.record, x.view)))
      .build();
  });
}

export function showCreateRecord(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    const kind: RecordKind = p.kind === "lead" ? "lead" : "person";
    const address = p.address ?? "";
    const s = stateOf(requireGmail(e), x);
    const entry = s.context.participants.find((q) => q.address === address);
    const companies: { id: string; name: string }[] = [];
    for (const q of s.context.participants) {
      const c = q.status === "known" ? q.record.company : null;
      if (c?.id && !companies.some((k) => k.id === c.id)) companies.push({ id: c.id, name: c.name });
    }
    const card = recordFormCard(kind, prefillFor(entry, address), companies, { messageId: s.gmailId }, x.t);
    return respond().setNavigation(nav().pushCard(card)).build();
  });
}

export function createRecord(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const kind: RecordKind = parameters(e).kind === "lead" ? "lead" : "person";
    const firstName = formValue(e, "firstName");
    const lastName = formValue(e, "lastName");
    const email = formValue(e, "email");
    if (!firstName && !lastName) return notify(x.t("nameRequired"));
    const emails = email ? [email] : [];
    const created =
      kind === "lead"
        ? x.api.createLead({ firstName, lastName, emails, companyName: formValue(e, "companyName") || null })
        : x.api.createPerson({
            firstName,
            lastName,
            emails,
            title: formValue(e, "title") || null,
            companyName: formValue(e, "companyName") || null,
          });
    const text = x.t(kind === "lead" ? "leadCreated" : "contactCreated", { name: created.name });
    const g = gmailContext(e);
    // The message card is rebuilt so that the new record shows with its badge right away.
    const navigation = g
      ? nav()
          .popToNamedCard(MESSAGE_CARD)
          .updateCard(messageCard(loadMessage(g, x), x.view))
      : nav().popCard();
    return respond().setNavigation(navigation).setNotification(note(text)).setStateChanged(true).build();
  });
}

export function showAddToExisting(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    const s = stateOf(requireGmail(e), x);
    const entry = s.context.participants.find((q) => q.address === p.address);
    const q = entry?.displayName ?? "";
    const params = { messageId: s.gmailId, address: p.address ?? "" };
    return respond()
      .setNavigation(nav().pushCard(addToExistingCard(params.address, q, null, params, x.t)))
      .build();
  });
}

export function searchToAdd(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const q = formValue(e, "q");
    if (!q) return notify(x.t("searchEmpty"));
    const p = parameters(e);
    const params = { messageId: p.messageId ?? "", address: p.address ?? "" };
    const found = x.api.search(q, 30).items;
    return respond()
      .setNavigation(nav().updateCard(addToExistingCard(params.address, q, found, params, x.t)))
      .build();
  });
}

/** R-SB-2: the address joins the chosen record; the message card is rebuilt to show it known. */
export function addToRecord(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const p = parameters(e);
    const type = p.type === "company" ? "company" : "person";
    const address = p.address ?? "";
    x.api.addEmail(type, p.id ?? "", address);
    const text = x.t("addedTo", { address, name: p.name ?? "" });
    return respond()
      .setNavigation(
        nav()
          .popToNamedCard(MESSAGE_CARD)
          .updateCard(messageCard(loadMessage(requireGmail(e), x), x.view)),
      )
      .setNotification(note(text))
      .setStateChanged(true)
      .build();
  });
}

function cleanSubject(subject: string): string {
  return subject.replace(/^\s*((re|fw|fwd|rv|r|i|enc)\s*:\s*)+/i, "").trim();
}

export function showCreateMeeting(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const s = stateOf(requireGmail(e), x);
    const saved = Number(userSettings.get(MEETING_MINUTES));
    const card = meetingCard(
      {
        title: cleanSubject(s.subject),
        startMs: proposedMeetingStart(Date.now(), x.tz.id).instant,
        minutes: DURATIONS.indexOf(saved) >= 0 ? saved : 30,
        timeZone: x.tz.id,
        participants: s.context.participants,
      },
      { messageId: s.gmailId },
      x.t,
    );
    return respond().setNavigation(nav().pushCard(card)).build();
  });
}

/** Each problem's message in the user's language, the server's field paths included (R-SB-6). */
function meetingNotice(x: Session, problems: MeetingProblem[]): ActionResponse {
  return notify(problems.map((p) => meetingMessages[x.i.locale][p]).join(" "));
}

/** R-SB-4: a CRM-owned event, at the time the user picked on the clock of the zone they chose (R-ACT-5). */
export function createMeeting(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const title = formValue(e, "title");
    const start = formDateTime(e, "start");
    const zone = formValue(e, "timeZone") || x.tz.id;
    const link = formValue(e, "onlineMeetingUrl");
    const problems: MeetingProblem[] = [];
    if (!title) problems.push("title");
    if (start === null) problems.push("start");
    if (!isTimeZone(zone)) problems.push("timeZone");
    if (link && !isHttpsUrl(link)) problems.push("onlineMeetingUrl");
    if (start === null || problems.length > 0) return meetingNotice(x, problems);
    const minutes = Number(formValue(e, "minutes")) || 30;
    const g = requireGmail(e);
    const s = loadState(g.messageId);
    const attendees = formValues(e, "participants").map((email) => {
      const p = s?.context.participants.find((q) => q.address === email);
      return p ? { email, name: entryName(p) } : { email };
    });
    const notes = formValue(e, "notes");
    // The picker shows the user's clock: the wall time it shows is meant on the chosen zone's clock.
    const wall = wallStrings(start, x.tz.id);
    let event: ReturnType<typeof x.api.createEvent>;
    try {
      event = x.api.createEvent({
        title,
        ...(notes ? { description: notes } : {}),
        startAt: zonedIso(wall.date, wall.time, zone),
        endAt: zonedIso(wall.date, wall.time, zone, minutes),
        timeZone: zone,
        location: formValue(e, "location") || null,
        onlineMeetingUrl: link || null,
        recurrence: recurrenceOfRepeat(formValue(e, "repeat")),
        attendees,
      });
    } catch (err) {
      if (err instanceof ApiProblem && err.errors.length > 0 && err.status < 500)
        return meetingNotice(x, meetingProblemsAt(err.errors.map((p) => p.path)));
      throw err;
    }
    userSettings.set(MEETING_MINUTES, String(minutes));
    const when = dateTime(event.startAt, x.tz.id, x.view.locale, event.timeZone);
    const text = x.t("meetingCreated", { title: event.title, when });
    // Rebuilt so that the new meeting shows under "Upcoming events" at once.
    return respond()
      .setNavigation(
        nav()
          .popToNamedCard(MESSAGE_CARD)
          .updateCard(messageCard(loadMessage(g, x), x.view)),
      )
      .setNotification(note(text))
      .setStateChanged(true)
      .build();
  });
}

export function searchCrm(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const q = formValue(e, "q");
    if (!q) return notify(x.t("searchEmpty"));
    const card = resultsCard(q, x.api.search(q, 20).items, x.t);
    const n = parameters(e).from === "results" ? nav().updateCard(card) : nav().pushCard(card);
    return respond().setNavigation(n).build();
  });
}
