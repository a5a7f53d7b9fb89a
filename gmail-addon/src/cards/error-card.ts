// R-SB-6: what the user sees when the server cannot be reached or refuses the call. When the sign-in
// failed (R-SB-7), the card also opens Concilia's sign-in page, in the user's language, and takes the
// one-time code that page shows.
import type { I18n } from "../i18n.js";
import { action, button, buttons, header, paragraph, section } from "./widgets.js";

export function errorCard(
  title: string,
  message: string,
  t: I18n["t"],
  retry?: { functionName: string; params: Record<string, string> },
  signIn?: { loginUrl: string },
): GoogleAppsScript.Card_Service.Card {
  const s = section().addWidget(paragraph(message));
  if (retry) s.addWidget(buttons(button(t("retry"), action(retry.functionName, retry.params), true)));
  const card = CardService.newCardBuilder().setName("error").setHeader(header(title)).addSection(s);
  if (signIn) card.addSection(signInSection(signIn.loginUrl, t));
  return card.build();
}

function signInSection(loginUrl: string, t: I18n["t"]) {
  const open = CardService.newTextButton()
    .setText(t("signInToConcilia"))
    .setOpenLink(CardService.newOpenLink().setUrl(loginUrl));
  return section(t("haveCode"))
    .addWidget(buttons(open))
    .addWidget(CardService.newTextInput().setFieldName("code").setTitle(t("haveCode")).setHint(t("codeHint")))
    .addWidget(buttons(button(t("useCode"), action("useSignInCode"), true)));
}
