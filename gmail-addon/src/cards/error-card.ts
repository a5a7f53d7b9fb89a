// R-SB-6: what the user sees when the server cannot be reached or refuses the call.
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export function errorCard(
  title: string,
  message: string,
  t: I18n["t"],
  retry?: { functionName: string; params: Record<string, string> },
): GoogleAppsScript.Card_Service.Card {
  const s = section().addWidget(paragraph(message));
  if (retry) s.addWidget(buttons(button(t("retry"), action(retry.functionName, retry.params), true)));
  return CardService.newCardBuilder().setName("error").setHeader(header(title)).addSection(s).build();
}
