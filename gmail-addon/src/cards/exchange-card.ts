// R-X-1..5 in Gmail: Integrations → Exchange, reached from the sync card. The integration rides on one
// of the user's Microsoft connections: pick it (or connect one), activate with the categories'
// language (fixed afterwards, R-X-4), then choose categories (R-X-2), private folders (shared ones are
// listed as not synced, with why, R-X-5) and where new contacts go; Deactivate keeps everything.
import type { Connection } from "../../../shared/api/connections.js";
import type { ExchangeIntegrationDto } from "../../../shared/api/exchange.js";
import type { ConnectionSyncStatus } from "../../../shared/api/sync-status.js";
import { locales } from "../../../shared/i18n.js";
import type { ExchangeCategoryChoices, ExchangeFolders } from "../exchange-api.js";
import { esc } from "../format.js";
import type { I18n } from "../i18n.js";
import { statusWords } from "./sync-status-section.js";
import { action, button, buttons, coloured, field, header, paragraph, section } from "./widgets.js";

export const EXCHANGE_CARD = "exchange";

export interface ExchangeCardState {
  /** The user's Microsoft connections. */
  connections: Connection[];
  chosen: Connection | null;
  /** null: never activated on the chosen connection. */
  integration: ExchangeIntegrationDto | null;
  status: ConnectionSyncStatus | null;
  /** Read only while the integration is active and its permissions are granted. */
  categories: ExchangeCategoryChoices | null;
  folders: ExchangeFolders | null;
  notice: string | null;
  problem: string | null;
}

export function exchangeCard(s: ExchangeCardState, i: I18n): GoogleAppsScript.Card_Service.Card {
  const { t } = i;
  const card = CardService.newCardBuilder()
    .setName(EXCHANGE_CARD)
    .setHeader(header(t("exchangeTitle"), `${t("integrations")} → ${t("exchangeTitle")}`));
  if (s.notice) card.addSection(section().addWidget(coloured(s.notice, true)));
  if (s.problem) card.addSection(section().addWidget(coloured(s.problem, false)));
  const intro = section().addWidget(paragraph(t("exchangeIntro")));
  card.addSection(intro);
  const c = s.chosen;
  if (!c) {
    intro
      .addWidget(paragraph(t("exchangeNoAccount")))
      .addWidget(
        buttons(
          button(
            t("exchangeConnect"),
            action("syncStartOAuth", { provider: "microsoft", syncs: "both" }),
            true,
          ),
        ),
      );
    return card.build();
  }
  if (s.connections.length > 1) {
    const pick = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.DROPDOWN)
      .setFieldName("connectionId")
      .setTitle(t("exchangeAccount"))
      .setOnChangeAction(action("exchangeChoose"));
    for (const k of s.connections) pick.addItem(k.accountAddress, k.id, k.id === c.id);
    intro.addWidget(pick);
  } else intro.addWidget(field(t("exchangeAccount"), c.accountAddress));

  const x = s.integration;
  const main = section(`${t("providerMicrosoft")} · ${c.accountAddress}`);
  card.addSection(main);
  if (!x) {
    const language = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.RADIO_BUTTON)
      .setFieldName("language")
      .setTitle(t("exchangeLanguage"));
    for (const l of locales) language.addItem(t(`language_${l}`), l, l === i.locale);
    main
      .addWidget(language)
      .addWidget(paragraph(t("exchangeLanguageHint")))
      .addWidget(buttons(button(t("exchangeActivate"), action("exchangeActivate", { id: c.id }), true)));
    return card.build();
  }
  if (x.enabled && s.status) main.addWidget(paragraph(statusWords(s.status, t("providerMicrosoft"), t)));
  main.addWidget(paragraph(t("exchangeLanguageIs", { language: t(`language_${x.language}`) })));
  if (!x.enabled) {
    main
      .addWidget(paragraph(t("exchangeInactive")))
      .addWidget(buttons(button(t("exchangeActivate"), action("exchangeActivate", { id: c.id }), true)));
    return card.build();
  }
  if (x.consentNeeded.length) {
    main
      .addWidget(coloured(t("exchangeConsentNeeded"), false))
      .addWidget(
        buttons(
          button(
            t("exchangeGrant"),
            action("syncStartOAuth", { provider: "microsoft", syncs: c.syncs, connectionId: c.id }),
            true,
          ),
        ),
      );
  } else if (s.categories && s.folders) card.addSection(choices(s.categories, s.folders, c, x, i));
  card.addSection(
    section().addWidget(buttons(button(t("exchangeDeactivate"), action("exchangeDeactivate", { id: c.id })))),
  );
  return card.build();
}

function choices(
  categories: ExchangeCategoryChoices,
  folders: ExchangeFolders,
  c: Connection,
  x: ExchangeIntegrationDto,
  i: I18n,
): GoogleAppsScript.Card_Service.CardSection {
  const { t } = i;
  const s = section(t("exchangeCategories"));
  if (categories.message)
    s.addWidget(paragraph(i.locale === "en" ? categories.message : t("exchangeNoCategories")));
  else {
    const pick = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.CHECK_BOX)
      .setFieldName("categories")
      .setTitle(t("exchangeCategoriesHint"));
    for (const c of categories.items) pick.addItem(c.name, c.name, c.chosen);
    s.addWidget(pick);
  }
  const own = folders.items.filter((f) => f.kind === "private");
  if (own.length) {
    const pick = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.CHECK_BOX)
      .setFieldName("folderIds")
      .setTitle(t("exchangeFolders"));
    for (const f of own) pick.addItem(f.name, f.id, x.folderIds.includes(f.id));
    s.addWidget(pick);
  }
  if (folders.message)
    // The permission to list shared folders is missing: a sign-in to this connection asks for it.
    s.addWidget(paragraph(i.locale === "en" ? folders.message : t("exchangeSharedScopeMissing"))).addWidget(
      buttons(
        button(
          t("exchangeSignInAgain"),
          action("syncStartOAuth", { provider: "microsoft", syncs: c.syncs, connectionId: c.id }),
        ),
      ),
    );
  for (const f of folders.items.filter((k) => k.kind === "shared"))
    s.addWidget(
      CardService.newDecoratedText()
        .setText(esc(t("exchangeSharedFolder", { name: f.name, owner: f.owner ?? "?" })))
        .setBottomLabel(i.locale === "en" && f.reason ? f.reason : t("exchangeSharedReason"))
        .setWrapText(true),
    );
  const targets = own.filter((f) => x.folderIds.includes(f.id));
  if (targets.length) {
    const pick = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.DROPDOWN)
      .setFieldName("targetFolderId")
      .setTitle(t("exchangeTarget"));
    for (const f of targets) pick.addItem(f.name, f.id, f.id === (x.targetFolderId ?? targets[0].id));
    s.addWidget(pick);
  }
  return s.addWidget(buttons(button(t("save"), action("exchangeSave", { id: x.connectionId }), true)));
}
