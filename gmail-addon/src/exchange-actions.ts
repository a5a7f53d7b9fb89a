// R-X-1..5 in Gmail: the actions of Integrations → Exchange (cards/exchange-card.ts). Each reads the
// card's choices, calls the server and rebuilds the card. Signing in (to connect Microsoft or to grant
// the contact permissions) is the sync card's OAuth action, with this connection's id.
import type { Locale } from "../../shared/i18n.js";
import { locales } from "../../shared/i18n.js";
import { type ExchangeCardState, exchangeCard } from "./cards/exchange-card.js";
import { formValue, formValues, parameters } from "./config.js";
import { responseOrNotice } from "./guard.js";
import { type Session, session } from "./session.js";
import { nav, respond, update } from "./sync-actions.js";

type Event = GoogleAppsScript.Addons.EventObject;
type ActionResponse = GoogleAppsScript.Card_Service.ActionResponse;

/** The card for one of the user's Microsoft connections (the first one unless `id` names another). */
export function exchangeCardFor(x: Session, id?: string, extra: Partial<ExchangeCardState> = {}) {
  const connections = x.api.sync.list().filter((c) => c.provider === "microsoft");
  const chosen = connections.find((c) => c.id === id) ?? connections[0] ?? null;
  const integration = chosen ? x.api.exchange.get(chosen.id) : null;
  const ready = chosen && integration?.enabled && integration.consentNeeded.length === 0;
  let status: ExchangeCardState["status"] = null;
  if (chosen && integration?.enabled)
    try {
      status = x.api.sync.status(chosen.id);
    } catch (_e) {
      // Shown without its status.
    }
  const state: ExchangeCardState = {
    connections,
    chosen,
    integration,
    status,
    categories: ready ? x.api.exchange.categories(chosen.id) : null,
    folders: ready ? x.api.exchange.folders(chosen.id) : null,
    notice: null,
    problem: null,
    ...extra,
  };
  return exchangeCard(state, x.i);
}

export function exchangeOpen(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () =>
    respond()
      .setNavigation(nav().pushCard(exchangeCardFor(x)))
      .build(),
  );
}

/** Another Microsoft connection was picked. */
export function exchangeChoose(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => update(exchangeCardFor(x, formValue(e, "connectionId"))));
}

/** R-X-1, R-X-4: the language is chosen here, once; activating again keeps the one chosen first. */
export function exchangeActivate(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const id = parameters(e).id ?? "";
    const picked = formValue(e, "language");
    const language = (x.api.exchange.get(id)?.language ??
      (locales.includes(picked as Locale) ? picked : x.i.locale)) as Locale;
    x.api.exchange.activate(id, language);
    return update(exchangeCardFor(x, id, { notice: x.t("exchangeActivated") }));
  });
}

export function exchangeDeactivate(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const id = parameters(e).id ?? "";
    x.api.exchange.deactivate(id);
    return update(exchangeCardFor(x, id, { notice: x.t("exchangeDeactivated") }));
  });
}

/** R-X-2, R-X-5: the categories, private folders and target folder as ticked on the card. */
export function exchangeSave(e: Event): ActionResponse {
  const x = session(e);
  return responseOrNotice(x.t, () => {
    const id = parameters(e).id ?? "";
    const folderIds = formValues(e, "folderIds");
    const target = formValue(e, "targetFolderId");
    x.api.exchange.update(id, {
      categories: formValues(e, "categories"),
      folderIds,
      targetFolderId: folderIds.includes(target) ? target : (folderIds[0] ?? null),
    });
    return update(exchangeCardFor(x, id, { notice: x.t("exchangeSaved") }));
  });
}
