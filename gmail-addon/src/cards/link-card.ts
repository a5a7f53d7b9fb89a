// R-SB-7: the Google account signs in to Concilia only once it is linked to a Concilia user. The
// user proves who they are once on Concilia's sign-in page and types its one-time code here; the
// add-on sends the code with its ID token and the account is linked.
import { SERVER_ORIGIN } from "../config.js";
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export const LINK_CODE_FIELD = "linkCode";

export function linkCard(
  t: I18n["t"],
  locale: string,
  after: { functionName: string; params: Record<string, string> },
): GoogleAppsScript.Card_Service.Card {
  // Opens in a new tab; the user comes back to this card with the code.
  const page = CardService.newOpenLink().setUrl(
    `${SERVER_ORIGIN}/auth/login?lang=${encodeURIComponent(locale)}`,
  );
  const code = CardService.newTextInput().setFieldName(LINK_CODE_FIELD).setTitle(t("linkCode"));
  const link = action("linkAccount", { ...after.params, afterLink: after.functionName });
  const s = section()
    .addWidget(paragraph(t("linkIntro")))
    .addWidget(buttons(CardService.newTextButton().setText(t("linkOpenPage")).setOpenLink(page)))
    .addWidget(code)
    .addWidget(buttons(button(t("linkAccount"), link, true)));
  return CardService.newCardBuilder()
    .setName("link")
    .setHeader(header(t("linkTitle")))
    .addSection(s)
    .build();
}
