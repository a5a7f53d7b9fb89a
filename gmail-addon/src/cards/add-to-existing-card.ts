// R-SB-2: an unknown address added to an existing person or company, found by search (as HubSpot and
// Pipedrive offer), instead of creating a new record.
import type { SearchResult } from "../../../shared/api/records.js";
import { esc } from "../format.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export function addToExistingCard(
  address: string,
  q: string,
  found: SearchResult[] | null,
  params: Record<string, string>,
  t: I18n["t"],
): GoogleAppsScript.Card_Service.Card {
  const card = CardService.newCardBuilder()
    .setName("add-to-existing")
    .setHeader(header(t("addToExisting"), address))
    .addSection(
      section(t("addAddressTo", { address }))
        .addWidget(CardService.newTextInput().setFieldName("q").setTitle(t("findRecord")).setValue(q))
        .addWidget(buttons(button(t("search"), action("searchToAdd", params), true))),
    );
  if (!found) return card.build();
  const groups = [
    ["person", t("resultsPersons")],
    ["company", t("resultsCompanies")],
  ] as const;
  for (const [type, title] of groups) {
    const hits = found.filter((r) => r.type === type).slice(0, 40);
    if (!hits.length) continue;
    const list = section(title);
    for (const r of hits)
      list.addWidget(
        CardService.newDecoratedText()
          .setText(esc(r.name))
          .setTopLabel(r.badge.label)
          .setBottomLabel(r.companyName ?? r.emails[0] ?? "")
          .setWrapText(true)
          .setButton(button(t("add"), action("addToRecord", { ...params, type, id: r.id, name: r.name }))),
      );
    card.addSection(list);
  }
  if (!found.some((r) => r.type !== "lead"))
    card.addSection(section().addWidget(paragraph(t("noResults", { q }))));
  return card.build();
}
