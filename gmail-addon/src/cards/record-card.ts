// One CRM record on its own card (a participant or a search hit).
import type { RecordCard } from "../../../shared/api/context.js";
import { recordSections, type View } from "./record-sections.js";
import { header } from "./widgets.js";

export function recordCard(r: RecordCard, v: View): GoogleAppsScript.Card_Service.Card {
  const company = r.company ? ` · ${r.company.name}` : "";
  const card = CardService.newCardBuilder().setHeader(header(r.name, r.badge.label + company));
  for (const s of recordSections(r, v)) card.addSection(s);
  return card.build();
}
