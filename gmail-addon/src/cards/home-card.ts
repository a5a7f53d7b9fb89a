// R-SB-5: the homepage (no message open): search the CRM and the user's contacts.
import type { Person, SearchResult } from "../../../shared/api/records.js";
import { badgeFor } from "../../../shared/categories.js";
import { esc } from "../format.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

function searchSection(q: string, t: I18n["t"], params: Record<string, string>) {
  return section()
    .addWidget(
      CardService.newTextInput()
        .setFieldName("q")
        .setTitle(t("searchCrm"))
        .setHint(t("searchHint"))
        .setValue(q),
    )
    .addWidget(buttons(button(t("search"), action("searchCrm", params), true)));
}

function entry(name: string, top: string, bottom: string, address: string | undefined, t: I18n["t"]) {
  const w = CardService.newDecoratedText().setText(esc(name)).setTopLabel(top).setWrapText(true);
  if (bottom) w.setBottomLabel(bottom);
  return address ? w.setButton(button(t("open"), action("openRecord", { address }))) : w;
}

export function homeCard(persons: Person[], i: I18n): GoogleAppsScript.Card_Service.Card {
  const { t } = i;
  const list = section(t("recentContacts"));
  for (const p of persons) {
    const badge = badgeFor(p.categories, i.locale).label;
    list.addWidget(entry(p.name, badge, p.company?.name ?? p.emails[0] ?? "", p.emails[0], t));
  }
  if (persons.length === 0) list.addWidget(paragraph(t("noContacts")));
  return CardService.newCardBuilder()
    .setName("home")
    .setHeader(header(t("homeTitle")))
    .addSection(searchSection("", t, {}))
    .addSection(list)
    .addSection(
      // R-CON-1: the user's own settings: Email & calendar sync.
      section(t("myProfile")).addWidget(buttons(button(t("syncTitle"), action("syncOpen")))),
    )
    .build();
}

export function resultsCard(
  q: string,
  items: SearchResult[],
  t: I18n["t"],
): GoogleAppsScript.Card_Service.Card {
  const list = section(t("searchResults", { q }));
  for (const r of items.slice(0, 50))
    list.addWidget(entry(r.name, r.badge.label, r.companyName ?? r.emails[0] ?? "", r.emails[0], t));
  if (items.length === 0) list.addWidget(paragraph(t("noResults", { q })));
  return CardService.newCardBuilder()
    .setName("results")
    .setHeader(header(t("searchCrm")))
    .addSection(searchSection(q, t, { from: "results" }))
    .addSection(list)
    .build();
}
