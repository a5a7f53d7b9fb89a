// Entry points: every export becomes a top-level function of Code.js (Apps Script finds trigger and
// action callbacks by global name). Triggers return cards; actions return action responses.

import { formatMailbox } from "./addresses.js";
import { createApi } from "./api.js";
import { homeCard, resultsCard } from "./cards/home-card.js";
import { LINK_CODE_FIELD } from "./cards/link-card.js";
import { DURATIONS, meetingCard } from "./cards/meeting-card.js";
import { MESSAGE_CARD, messageCard } from "./cards/message-card.js";
import { recordCard } from "./cards/record-card.js";
import { prefillFor, type RecordKind, recordFormCard } from "./cards/record-form-card.js";
import type { View } from "./cards/record-sections.js";
import { notify } from "./cards/widgets.js";
import {
  formDateTime,
  formValue,
  formValues,
  parameters,
  SERVER_ORIGIN,
  userLocale,
  userTimeZone,
} from "./config.js";
import { dateTime } from "./format.js";
import { cardOrError, responseOrNotice, retried } from "./guard.js";
import { identityToken, userSettings } from "./host.js";
import { i18n } from "./i18n.js";
import { type GmailContext, gmailContext, rawMessage, readMessage } from "./message.js";
import { entryName, loadState, type MessageState, saveState } from "./message-state.js";

type Event = GoogleAppsScript.Addons.EventObject;
type Card = GoogleAppsScript.Card_Service.Card;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

const MEETING_MINUTES = "meetingMinutes";

function session(e: Event) {
  const i = i18n(userLocale(e));
  const tz = userTimeZone(e);
  const api = createApi({ origin: SERVER_ORIGIN, locale: i.locale, token: identityToken });
  const view: View = { t: i.t, activityType: i.activityType, locale: i.locale, timeZone: tz.id };
  return { i, t: i.t, tz, api, view };
}
type Session = ReturnType<typeof session>;

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
  return [cardOrError(x.t, retry, () => messageCard(loadMessage(requireGmail(e), x), x.view), x.i.locale)];
}

export function onHomepage(e: Event): Card[] {
  const x = session(e);
  return [
    cardOrError(
      x.t,
      { functionName: "retryHomepage", params: {} },
      () => homeCard(x.api.recentPersons(5).items, x.i),
      x.i.locale,
    ),
  ];
}

// --- Actions ----------------------------------------------------------------------------------

export function retryMessageOpen(e: Event): ActionResponse {
  const x = session(e);
  const retry = { functionName: "retryMessageOpen", params: parameters(e) };
  return retried(x.t, retry, () => messageCard(loadMessage(requireGmail(e), x), x.view), x.i.locale);
}

export function retryHomepage(e: Event): ActionResponse {
  const x = session(e);
  return retried(
    x.t,
    { functionName: "retryHomepage", params: {} },
    () => homeCard(x.api.recentPersons(5).items, x.i),
    x.i.locale,
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
    const s = stateOf(g, x);
    s.context.logged = {
      activityId: res.activityId,
      loggedAt: s.context.logged?.loggedAt ?? new Date().toISOString(),
    };
    saveState(s);
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
            companyId: formValue(e, "companyId") || null,
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

function nextFullHour(now: number): number {
  const hour = 3600_000;
  return Math.ceil((now + 5 * 60_000) / hour) * hour;
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
        startMs: nextFullHour(Date.now()),
        minutes: DURATIONS.indexOf(saved) >= 0 ? saved : 30,
        timeZone: x.tz,
        participants: s.context.participants,
      },
      { messageId: s.gmailId },
      x.t,
    );
    return respond().setNavigation(nav().pushCard(card)).build();
  });
}

/** R-SB-4: a CRM-owned event, in the zone the user works in (R-ACT-5). */
export function createMeeting(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const title = formValue(e, "title");
    const start = formDateTime(e, "start");
    if (!title) return notify(x.t("titleRequired"));
    if (start === null) return notify(x.t("startRequired"));
    const minutes = Number(formValue(e, "minutes")) || 30;
    const g = requireGmail(e);
    const s = loadState(g.messageId);
    const attendees = formValues(e, "participants").map((email) => {
      const p = s?.context.participants.find((q) => q.address === email);
      return p ? { email, name: entryName(p) } : { email };
    });
    const notes = formValue(e, "notes");
    const event = x.api.createEvent({
      title,
      ...(notes ? { description: notes } : {}),
      startAt: new Date(start).toISOString(),
      endAt: new Date(start + minutes * 60_000).toISOString(),
      timeZone: x.tz.id,
      attendees,
    });
    userSettings.set(MEETING_MINUTES, String(minutes));
    const text = x.t("meetingCreated", { title: event.title, date: dateTime(start, x.tz.id, x.i.locale) });
    // Rebuilt so that the new meeting shows under "Next events" at once.
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
