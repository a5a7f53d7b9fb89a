// R-CON-2..8 in Gmail: the provider picker and the form each provider needs. Every choice rebuilds
// the card (onChange), so refusals (IMAP with calendars, POP3) show before anything is sent.
import { appPasswordHelp, providerWord } from "../../../shared/sync-words.js";
import type { I18n } from "../i18n.js";
import type { SyncCardState } from "./sync-card.js";
import { action, button, buttons, coloured, paragraph, section } from "./widgets.js";

const MAIN = ["google", "microsoft", "icloud", "yahoo"] as const;

/** The choices so far, carried by every action of the form. */
export const stateParams = (s: SyncCardState): Record<string, string> => ({
  provider: s.provider ?? "",
  syncs: s.syncs,
  all: s.all ? "1" : "",
});

function radio(
  name: string,
  title: string,
  items: [string, string][],
  value: string,
  onChange?: GoogleAppsScript.Card_Service.Action,
) {
  const w = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.RADIO_BUTTON)
    .setFieldName(name)
    .setTitle(title);
  for (const [v, label] of items) w.addItem(label, v, v === value);
  return onChange ? w.setOnChangeAction(onChange) : w;
}

function input(name: string, title: string, value: string | undefined, hint?: string) {
  const w = CardService.newTextInput().setFieldName(name).setTitle(title);
  if (value) w.setValue(value);
  return hint ? w.setHint(hint) : w;
}

export function connectSections(s: SyncCardState, t: I18n["t"]): GoogleAppsScript.Card_Service.CardSection[] {
  const params = stateParams(s);
  const shown = s.all ? [...MAIN, "imap" as const, "caldav" as const] : [...MAIN];
  const picker = section(t("chooseProvider")).addWidget(
    radio(
      "provider",
      t("chooseProvider"),
      shown.map((p) => [p, t(providerWord[p])]),
      s.provider ?? "",
      action("syncChoose", params),
    ),
  );
  if (!s.all)
    picker.addWidget(buttons(button(t("viewAllProviders"), action("syncChoose", { ...params, all: "1" }))));
  picker.addWidget(
    radio(
      "syncs",
      t("whatToSync"),
      [
        ["email", t("syncsEmail")],
        ["calendar", t("syncsCalendar")],
        ["both", t("syncsBoth")],
      ],
      s.syncs,
      action("syncChoose", params),
    ),
  );
  const out = [picker];
  if (s.provider === "google" || s.provider === "microsoft") out.push(oauthSection(s.provider, params, t));
  if (s.provider === "icloud" || s.provider === "yahoo")
    out.push(appPasswordSection(s, s.provider, params, t));
  if (s.provider === "imap") out.push(imapSection(s, params, t));
  if (s.provider === "caldav") out.push(caldavSection(s, params, t));
  return out;
}

/** R-CON-8: the sign-in opens in a pop-up; if none opens, the browser blocked it. */
function oauthSection(provider: "google" | "microsoft", params: Record<string, string>, t: I18n["t"]) {
  const name = t(providerWord[provider]);
  return section(name)
    .addWidget(paragraph(t("oauthHint", { provider: name })))
    .addWidget(buttons(button(t("startSync"), action("syncStartOAuth", params), true)))
    .addWidget(paragraph(t("oauthNotConnected")))
    .setCollapsible(true)
    .setNumUncollapsibleWidgets(2)
    .addWidget(paragraph(t("popupChrome")))
    .addWidget(paragraph(t("popupEdge")))
    .addWidget(paragraph(t("popupSafari")));
}

/** R-CON-3 / R-CON-7: an app-specific password, with the provider's page that explains it. */
function appPasswordSection(
  s: SyncCardState,
  provider: "icloud" | "yahoo",
  params: Record<string, string>,
  t: I18n["t"],
) {
  const name = t(providerWord[provider]);
  const help = CardService.newTextButton()
    .setText(t("appPasswordLink"))
    .setOpenLink(CardService.newOpenLink().setUrl(appPasswordHelp[provider]));
  const x = section(name)
    .addWidget(paragraph(t("appPasswordHint", { provider: name })))
    .addWidget(buttons(help));
  if (provider === "icloud") x.addWidget(paragraph(t("icloudOwnAddress")));
  return x
    .addWidget(input("accountAddress", t("accountAddress"), s.form.accountAddress))
    .addWidget(input("password", t("appPassword"), undefined))
    .addWidget(buttons(button(t("startSync"), action("syncConnectPassword", params), true)));
}

/** R-CON-4..6: a custom IMAP server, tested green before "Sync" is offered. */
function imapSection(s: SyncCardState, params: Record<string, string>, t: I18n["t"]) {
  const f = s.form;
  const protocol = f.protocol === "pop3" ? "pop3" : "imap";
  const x = section(t("providerImap"))
    .addWidget(paragraph(t("imapCredentialsHint")))
    .addWidget(
      radio(
        "protocol",
        t("protocol"),
        [
          ["imap", "IMAP"],
          ["pop3", "POP3"],
        ],
        protocol,
        action("syncChoose", params),
      ),
    );
  const refusal = protocol === "pop3" ? t("pop3Refused") : s.syncs !== "email" ? t("imapMailOnly") : null;
  if (refusal) return x.addWidget(coloured(refusal, false));
  const tls = CardService.newSelectionInput()
    .setType(CardService.SelectionInputType.DROPDOWN)
    .setFieldName("tls")
    .setTitle(t("imapTls"));
  for (const [v, w] of [
    ["implicit", "tlsImplicit"],
    ["starttls", "tlsStarttls"],
    ["none", "tlsNone"],
  ] as const)
    tls.addItem(t(w), v, (f.tls || "implicit") === v);
  x.addWidget(input("accountAddress", t("accountAddress"), f.accountAddress))
    .addWidget(input("host", t("imapHost"), f.host))
    .addWidget(input("port", t("imapPort"), f.port || "993"))
    .addWidget(tls)
    .addWidget(input("username", t("imapUsername"), f.username))
    .addWidget(input("password", t("imapPassword"), f.password));
  return testThenSave(x, s, params, t, {
    okText: () => t("testOk"),
    stepWord: (step) => t(`step_${step}` as "step_dns"),
    test: "syncTestImap",
    connect: "syncConnectImap",
  });
}

/**
 * R-CON-3, R-CON-6: an Other CalDAV server (calendars only): server URL, username and app password,
 * tested green (the calendars found) or red naming the failed step before "Sync" is offered.
 */
function caldavSection(s: SyncCardState, params: Record<string, string>, t: I18n["t"]) {
  const f = s.form;
  const x = section(t("providerCaldav")).addWidget(paragraph(t("caldavHint")));
  if (s.syncs !== "calendar") return x.addWidget(coloured(t("caldavCalendarOnly"), false));
  x.addWidget(input("serverUrl", t("caldavServerUrl"), f.serverUrl))
    .addWidget(input("username", t("caldavUsername"), f.username))
    .addWidget(input("password", t("caldavPassword"), f.password));
  return testThenSave(x, s, params, t, {
    okText: (calendars) => t("caldavTestOk", { calendars: calendars.join(", ") }),
    stepWord: (step) => t(`caldavStep_${step}` as "caldavStep_login"),
    test: "syncTestCaldav",
    connect: "syncConnectCaldav",
  });
}

/**
 * R-CON-6: a server of the user's own is saved only after a green test: the last test's answer
 * (green, or red naming the failed step), "Test connection", and "Sync" once it is green.
 */
function testThenSave(
  x: GoogleAppsScript.Card_Service.CardSection,
  s: SyncCardState,
  params: Record<string, string>,
  t: I18n["t"],
  o: { okText(calendars: string[]): string; stepWord(step: string): string; test: string; connect: string },
) {
  if (s.test?.ok) x.addWidget(coloured(o.okText(s.test.calendars ?? []), true));
  else if (s.test)
    x.addWidget(coloured(t("testFailed", { step: o.stepWord(s.test.step), message: s.test.message }), false));
  const test = button(t("testConnection"), action(o.test, params));
  return x.addWidget(
    s.test?.ok ? buttons(test, button(t("startSync"), action(o.connect, params), true)) : buttons(test),
  );
}

/** R-CON-8: the sign-in came back without a connection: how to allow pop-ups in Chrome, Edge and Safari. */
export function popupHelpSection(t: I18n["t"]) {
  return section(t("popupBlockedTitle"))
    .addWidget(paragraph(t("oauthNotConnected")))
    .addWidget(paragraph(t("popupChrome")))
    .addWidget(paragraph(t("popupEdge")))
    .addWidget(paragraph(t("popupSafari")));
}
