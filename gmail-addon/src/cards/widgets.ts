// Small builders the cards share; every action parameter is a string (CardService refuses others).
import { esc } from "../format.js";

export function action(
  functionName: string,
  params: Record<string, string> = {},
): GoogleAppsScript.Card_Service.Action {
  return CardService.newAction()
    .setFunctionName(functionName)
    .setParameters(params)
    .setLoadIndicator(CardService.LoadIndicator.SPINNER);
}

export function button(text: string, act: GoogleAppsScript.Card_Service.Action, filled = false) {
  const b = CardService.newTextButton().setText(text).setOnClickAction(act);
  return filled ? b.setTextButtonStyle(CardService.TextButtonStyle.FILLED) : b;
}

export function buttons(...list: GoogleAppsScript.Card_Service.TextButton[]) {
  const set = CardService.newButtonSet();
  for (const b of list) set.addButton(b);
  return set;
}

/** A labelled value. Only `text` fields take the HTML subset, so only they are escaped. */
export function field(label: string, value: string) {
  return CardService.newDecoratedText().setTopLabel(label).setText(esc(value)).setWrapText(true);
}

export function paragraph(text: string) {
  return CardService.newTextParagraph().setText(esc(text));
}

export function section(header?: string) {
  const s = CardService.newCardSection();
  return header ? s.setHeader(esc(header)) : s;
}

export function header(title: string, subtitle?: string) {
  const h = CardService.newCardHeader().setTitle(title);
  return subtitle ? h.setSubtitle(subtitle) : h;
}

export function notify(text: string): GoogleAppsScript.Card_Service.ActionResponse {
  return CardService.newActionResponseBuilder()
    .setNotification(CardService.newNotification().setText(text))
    .build();
}

/** A sentence in green (it works) or red (it does not): the formatted text's <font color>. */
export function coloured(text: string, ok: boolean) {
  return CardService.newTextParagraph().setText(
    `<font color="${ok ? "#1e7e34" : "#b00020"}">${esc(text)}</font>`,
  );
}

/** A sentence in amber: worth knowing, nothing wrong (R-ACT-5). */
export function warning(text: string) {
  return CardService.newTextParagraph().setText(`<font color="#8a3707">${esc(text)}</font>`);
}
