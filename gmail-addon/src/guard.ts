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

interface Explained {
  title: string;
  message: string;
  retry: boolean;
  /** The sign-in failed: offer Concilia's sign-in page and its one-time code. */
  signIn?: boolean;
}

function explain(e: unknown, t: I18n["t"]): Explained {
  if (e instanceof Unreachable)
    return {
      title: t("unreachableTitle"),
      message: t("unreachableAt", { origin: SERVER_ORIGIN }),
      retry: true,
    };
  if (e instanceof NoIdentity)
    return { title: t("noIdentityTitle"), message: t("noIdentity"), retry: false, signIn: true };
  if (e instanceof ApiProblem) {
    const fields = e.errors.map((x) => (x.path ? `${x.path}: ${x.message}` : x.message)).join("; ");
    const detail = [e.detail || e.title, fields].filter(Boolean).join(" ");
    if (!detail)
      return { title: t("errorTitle"), message: t("badAnswer", { status: e.status }), retry: true };
    if (e.status === 401)
      return {
        title: t("noIdentityTitle"),
        message: t("signInFailed", { detail }),
        retry: false,
        signIn: true,
      };
    return { title: t("errorTitle"), message: t("serverError", { detail }), retry: e.status >= 500 };
  }
  return { title: t("errorTitle"), message: String((e as Error)?.message ?? e), retry: true };
}

type Retry = { functionName: string; params: Record<string, string> };

const notLinked = (e: unknown) => e instanceof ApiProblem && e.type === IDENTITY_NOT_LINKED;

/**
 * The card for a failure: linking the account when that is what is missing, else the error card;
 * R-SB-7: the sign-in page opens in the add-on's language.
 */
function failureCard(e: unknown, i: I18n, retry: Retry) {
  const x = explain(e, i.t);
  if (notLinked(e)) return { card: linkCard(i.t, i.locale, retry), message: x.message };
  const signIn = x.signIn ? { loginUrl: `${SERVER_ORIGIN}/auth/login?lang=${i.locale}` } : undefined;
  return {
    card: errorCard(x.title, x.message, i.t, x.retry ? retry : undefined, signIn),
    message: x.message,
  };
}

/** For triggers: the card, or a card that says what went wrong. */
export function cardOrError(i: I18n, retry: Retry, build: () => Card): Card {
  try {
    return build();
  } catch (e) {
    return failureCard(e, i, retry).card;
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
export function retried(i: I18n, retry: Retry, build: () => Card): ActionResponse {
  try {
    const card = build();
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(card))
      .build();
  } catch (e) {
    const failed = failureCard(e, i, retry);
    return CardService.newActionResponseBuilder()
      .setNavigation(CardService.newNavigation().updateCard(failed.card))
      .setNotification(CardService.newNotification().setText(failed.message))
      .build();
  }
}
