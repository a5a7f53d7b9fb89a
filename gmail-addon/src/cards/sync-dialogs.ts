// R-CON-9 / R-CON-10: the cards pushed over the sync card: Edit (email, calendar or both; which
// calendars, the primary one preselected by the server) and the confirmations before Stop sync and
// before Remove sync (R-ACT-4).
import type { Connection, ConnectionSyncs } from "../../../shared/api/connections.js";
import { providerWord } from "../../../shared/sync-words.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, coloured, header, paragraph, section } from "./widgets.js";

/** The confirmations: the card's name, its title (also its button's), its text and the button's action. */
const confirmations = {
  stop: { name: "sync-stop", title: "stopSync", text: "stopConfirm", action: "syncStop" },
  /** R-ACT-4: saying nothing is lost. */
  removeCalendar: {
    name: "sync-remove-calendar",
    title: "removeCalendarSync",
    text: "removeSyncConfirm",
    action: "syncRemoveCalendar",
  },
} as const;

/** A confirmation: what will happen, the button that does it and "Keep syncing". */
function confirmationCard(kind: keyof typeof confirmations, id: string, address: string, t: I18n["t"]) {
  const { name, title, text, action: confirmAction } = confirmations[kind];
  return CardService.newCardBuilder()
    .setName(name)
    .setHeader(header(t(title), address))
    .addSection(
      section()
        .addWidget(paragraph(t(text, { address })))
        .addWidget(
          buttons(
            button(t(title), action(confirmAction, { id, address }), true),
            button(t("keepSyncing"), action("syncBack")),
          ),
        ),
    )
    .build();
}

export const stopCard = (id: string, address: string, t: I18n["t"]) =>
  confirmationCard("stop", id, address, t);

export const removeCalendarCard = (id: string, address: string, t: I18n["t"]) =>
  confirmationCard("removeCalendar", id, address, t);

/** `reconnectFor`: the choice the account's consent does not cover yet: reconnecting with it is offered. */
export function editCard(c: Connection, t: I18n["t"], reconnectFor?: ConnectionSyncs) {
  const syncs = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.RADIO_BUTTON)
    .setFieldName("syncs")
    .setTitle(t("whatToSync"));
  for (const [v, w] of [
    ["email", "syncsEmail"],
    ["calendar", "syncsCalendar"],
    ["both", "syncsBoth"],
  ] as const)
    syncs.addItem(t(w), v, (reconnectFor ?? c.syncs) === v);
  const x = section().addWidget(syncs);
  if (c.provider !== "imap") {
    if (c.calendars.length === 0) x.addWidget(paragraph(t("noCalendarsYet")));
    else {
      const cals = CardService.newSelectionInput()
        .setType(CardService.SelectionInputType.CHECK_BOX)
        .setFieldName("calendars")
        .setTitle(t("calendarsToSync"));
      for (const k of c.calendars)
        cals.addItem(k.primary ? t("primaryCalendar", { name: k.name }) : k.name, k.id, k.selected);
      x.addWidget(cals);
    }
  }
  x.addWidget(
    buttons(
      button(t("save"), action("syncSaveEdit", { id: c.id, calendars: c.calendars.length ? "1" : "" }), true),
    ),
  );
  const card = CardService.newCardBuilder()
    .setName("sync-edit")
    .setHeader(header(t("editSync"), `${t(providerWord[c.provider])} · ${c.accountAddress}`));
  if (reconnectFor && (c.provider === "google" || c.provider === "microsoft"))
    card.addSection(
      section()
        .addWidget(coloured(t("reconnectForChoice", { provider: t(providerWord[c.provider]) }), false))
        .addWidget(
          buttons(
            button(
              t("reconnect"),
              action("syncStartOAuth", { provider: c.provider, syncs: reconnectFor, connectionId: c.id }),
              true,
            ),
          ),
        ),
    );
  return card.addSection(x).build();
}
