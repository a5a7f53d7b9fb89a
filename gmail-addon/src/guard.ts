// Every failure becomes something the user can read: a card for triggers (with a retry when the
// server was unreachable), a notification for actions (R-SB-6).
import { IDENTITY_NOT_LINKED } from "../../shared/problem-types.js";
import { errorCard } from "./cards/error-card.js";
import { linkCard } from "./cards/link-card.js";
import { notify } from "./cards/widgets.js";
import { SERVER_ORIGIN } from "./config.js";
import { ApiProblem, NoIdentity, Unreachable } from "./errors.js";
import type { I18n } from "./i18n.js";

type Card = GoogleAppsScript.Card_Service.Card;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

function explain(e: unknown, t: I18n["t"]): { title: string; message: string; retry: boolean } {
  if (e instanceof Unreachable)
    return {
      title: t("unreachableTitle"),
      message: t("unreachable", { origin: SERVER_ORIGIN }),
      retry: true,
    };
  if (e instanceof NoIdentity) return { title: t("noIdentityTitle"), message: t("noIdentity"), retry: false };
  if (e instanceof ApiProblem) {
    const fields = e.errors.map((x) => (x.path ? `${x.path}: ${x.message}` : x.message)).join("; ");
    const detail = [e.detail || e.title, fields].filter(Boolean).join(" ");
    if (!detail)
      return { title: t("errorTitle"), message: t("badAnswer", { status: e.status }), retry: true };
    if (e.status === 401)
      return { title: t("noIdentityTitle"), message: t("signInFailed", { detail }), retry: false };
    return { title: t("errorTitle"), message: t("serverError", { detail }), retry: e.status >= 500 };
  }
  return { title: t("errorTitle"), message: String((e as Error)?.message ?? e), retry: true };
}

type Retry = { functionName: string; params: Record<string, string> };

const notLinked = (e: unknown) => e instanceof ApiProblem && e.type === IDENTITY_NOT_LINKED;

/** The card for a failure: linking the account when that is what is missing, else the error. */
function failureCard(e: unknown, t: I18n["t"], locale: string, retry: Retry): Card {
  if (notLinked(e)) return linkCard(t, locale, retry);
  const x = explain(e, t);
  return errorCard(x.title, x.message, t, x.retry ? retry : undefined);
}

/** For triggers: the card, or a card that says what went wrong. */
export function cardOrError(t: I18n["t"], retry: Retry, build: () => Card, locale = "en"): Card {
  try {
    return build();
  } catch (e) {
    return failureCard(e, t, locale, retry);
  }
}

/** For actions: the response, or a notification that says what went wrong. */
export function responseOrNotice(t: I18n["t"], build: () => ActionResponse): ActionResponse {
  try {
    return build();
  } catch (e) {
    return notify(explain(e, t).message);
  }
}

/** For retry buttons: the fresh card replaces the error card, or the error card is shown again. */
export function retried(t: I18n["t"], retry: Retry, build: () => Card, locale = "en"): ActionResponse {
  try {
    const card = build();
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(card))
      .build();
  } catch (e) {
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(failureCard(e, t, locale, retry)))
      .setNotification(CardService.newNotification().setText(explain(e, t).message))
      .build();
  }
}
