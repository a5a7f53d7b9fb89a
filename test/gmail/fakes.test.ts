// The Apps Script emulation is only worth its tests if it refuses what Google refuses: these prove
// the fakes hold the add-on to the host's rules (provider-contracts §8), so a violation fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AddonHost, routeOrigin } from "../../dev/gmail-emulator/addon-host.js";
import type { Manifest } from "../../dev/gmail-emulator/apps-script.js";
import { cardText } from "../../dev/gmail-emulator/card-json.js";
import { createCardService } from "../../dev/gmail-emulator/card-service.js";
import { demoMessages } from "../../dev/gmail-emulator/demo-messages.js";
import { formatDate } from "../../dev/gmail-emulator/format-date.js";
import { builtAddon } from "../../dev/gmail-emulator/load.js";
import { serverOrigin } from "../../gmail-addon/build.js";

const CS = createCardService();
const text = (t: string) => CS.newTextParagraph().setText(t);
const oneSection = () => CS.newCardSection().addWidget(text("x"));

describe("CardService fake", () => {
  it("R-SB-5: action parameters must be strings, as in Apps Script", () => {
    expect(() =>
      CS.newAction()
        .setFunctionName("f")
        .setParameters({ id: 42 as unknown as string }),
    ).toThrow(/parameter values must be strings; 'id' is number/);
    const ok = CS.newAction().setFunctionName("f").setParameters({ id: "42" });
    expect(JSON.parse(JSON.stringify(ok))).toEqual({
      function: "f",
      parameters: [{ key: "id", value: "42" }],
    });
  });

  it("R-CON-8: an OpenLink takes only CardService's OpenAs and OnClose values, and records them", () => {
    expect(() => CS.newOpenLink().setUrl("https://x.example/").setOpenAs("POPUP")).toThrow(/openAs/);
    expect(() => CS.newOpenLink().setOnClose("CLOSE")).toThrow(/onClose/);
    const link = CS.newOpenLink()
      .setUrl("https://x.example/")
      .setOpenAs(CS.OpenAs.OVERLAY)
      .setOnClose(CS.OnClose.RELOAD);
    const r = CS.newActionResponseBuilder().setOpenLink(link).build();
    expect(r.json.openLink).toEqual({ url: "https://x.example/", openAs: "OVERLAY", onClose: "RELOAD" });
    expect(() =>
      CS.newActionResponseBuilder()
        .setOpenLink({ url: "https://x.example/" } as never)
        .build(),
    ).toThrow(/expected an OpenLink/);
  });

  it("R-CON-1: a universal action answers built cards (at least one) or a link", () => {
    const builder = () => CS.newUniversalActionResponseBuilder();
    expect(() => builder().build()).toThrow(/needs cards/);
    expect(() => builder().displayAddOnCards([])).toThrow(/non-empty array/);
    expect(() =>
      builder().displayAddOnCards([CS.newCardBuilder().addSection(oneSection())] as never),
    ).toThrow(/build\(\) the CardBuilder first/);
    const card = CS.newCardBuilder().addSection(oneSection()).build();
    expect(builder().displayAddOnCards([card]).build().json.cards).toHaveLength(1);
  });

  it("R-SB-5: a card holds 1 to 100 sections and a section 1 to 100 widgets", () => {
    expect(() => CS.newCardBuilder().build()).toThrow(/at least one section/);
    expect(() => CS.newCardBuilder().addSection(CS.newCardSection()).build()).toThrow(/at least one widget/);
    const many = CS.newCardSection();
    for (let i = 0; i < 101; i++) many.addWidget(text(`w${i}`));
    expect(() => CS.newCardBuilder().addSection(many).build()).toThrow(/at most 100 widgets/);
    const card = CS.newCardBuilder();
    for (let i = 0; i < 101; i++) card.addSection(oneSection());
    expect(() => card.build()).toThrow(/at most 100 sections/);
    const ok = CS.newCardBuilder();
    for (let i = 0; i < 100; i++) ok.addSection(oneSection());
    expect(ok.build().json.sections).toHaveLength(100);
  });

  it("R-SB-5: structural objects are not widgets, inputs need field names, navigation needs built cards", () => {
    const section = CS.newCardSection();
    expect(() => section.addWidget(CS.newCardSection() as never)).toThrow(/cannot be added to a section/);
    expect(() => section.addWidget(CS.newCardBuilder() as never)).toThrow(/cannot be added to a section/);
    expect(() =>
      CS.newCardBuilder()
        .addSection(CS.newCardSection().addWidget(CS.newTextInput().setTitle("t")))
        .build(),
    ).toThrow(/needs a field name/);
    expect(() => CS.newNavigation().pushCard(CS.newCardBuilder() as never)).toThrow(
      /build\(\) the CardBuilder first/,
    );
    expect(() => CS.newActionResponseBuilder().build()).toThrow(/needs a navigation, a notification/);
    expect(() =>
      CS.newCardBuilder()
        .addSection(
          CS.newCardSection().addWidget(
            CS.newSelectionInput()
              .setFieldName("d")
              .setType(CS.SelectionInputType.DROPDOWN)
              .addItem("a", "a", true)
              .addItem("b", "b", true),
          ),
        )
        .build(),
    ).toThrow(/only one selected item/);
    expect(() =>
      CS.newCardBuilder()
        .addSection(
          CS.newCardSection().addWidget(CS.newButtonSet().addButton(CS.newTextButton().setText("No action"))),
        )
        .build(),
    ).toThrow(/needs an action or a link/);
  });

  it("R-SB-6: Utilities.formatDate writes the zone's wall time", () => {
    const d = new Date("2026-07-01T08:05:09Z");
    expect(formatDate(d, "Europe/Madrid", "dd/MM/yyyy HH:mm:ss")).toBe("01/07/2026 10:05:09");
    expect(formatDate(d, "America/New_York", "yyyy-MM-dd h:mm a EEE")).toBe("2026-07-01 4:05 AM Wed");
    expect(() => formatDate(d, "Europe/Madrid", "yyyy Q")).toThrow(/not supported/);
  });
});

describe("Apps Script execution", () => {
  const ORIGIN = "https://crm.example.com";
  const manifest = (scopes: string[] = []): Manifest => ({
    oauthScopes: [
      "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
      "https://www.googleapis.com/auth/script.external_request",
      ...scopes,
    ],
    urlFetchWhitelist: [`${ORIGIN}/`],
  });
  const code = `
    var executions = 0;
    function card(t) { return CardService.newCardBuilder().addSection(CardService.newCardSection().addWidget(CardService.newTextParagraph().setText(String(t)))).build(); }
    function probe() { return card([typeof fetch, typeof setTimeout, typeof TextEncoder, typeof URL, typeof process, typeof require, typeof Buffer, typeof UrlFetchApp, typeof GmailApp].join(",")); }
    function count() { executions++; return card(executions); }
    function timer() { setTimeout(function () {}, 1); return card("after"); }
    function fetchUrl(e) { return card(UrlFetchApp.fetch(e.url, { muteHttpExceptions: true }).getResponseCode()); }
    function readMessage(e) { return card(GmailApp.getMessageById(e.id).getRawContent()); }
    function builder() { return CardService.newCardBuilder(); }
  `;
  let host: AddonHost;
  let noFetchScope: AddonHost;
  beforeAll(async () => {
    const router = routeOrigin(ORIGIN, () => null);
    host = await AddonHost.start({ code, manifest: manifest(), messages: demoMessages(), router });
    noFetchScope = await AddonHost.start({
      code,
      manifest: { ...manifest(), oauthScopes: [] },
      messages: demoMessages(),
      router,
    });
  });
  afterAll(async () => {
    await host?.close();
    await noFetchScope?.close();
  });
  const run = (h: AddonHost, fn: string, event: unknown = {}) =>
    h.invoke(fn, event, { user: "u", identityToken: null, grant: null });
  const shown = (r: Awaited<ReturnType<typeof run>>) =>
    r.result.kind === "cards"
      ? cardText(r.result.cards[0])
      : r.result.kind === "error"
        ? r.result.message
        : r.result.kind;

  it("R-SB-8: the add-on sees Apps Script's globals only: no fetch, timers, TextEncoder, URL or Node", async () => {
    expect(shown(await run(host, "probe"))).toBe(
      "undefined,undefined,undefined,undefined,undefined,undefined,undefined,object,object",
    );
    expect(shown(await run(host, "timer"))).toMatch(/setTimeout is not defined/);
  });

  it("R-SB-5: every trigger or action runs in a fresh execution: globals do not survive between calls", async () => {
    expect(shown(await run(host, "count"))).toBe("1");
    expect(shown(await run(host, "count"))).toBe("1");
  });

  it("R-SB-5: a trigger must return built cards", async () => {
    expect((await run(host, "builder")).result).toEqual({
      kind: "invalid",
      description: "object (CardBuilder)",
    });
  });

  it("R-SB-8: UrlFetchApp reaches only the whitelisted origin, over https, within 2 KB of URL and with the scope", async () => {
    expect(shown(await run(host, "fetchUrl", { url: "https://evil.example/steal" }))).toMatch(
      /not in the add-on's urlFetchWhitelist/,
    );
    expect(shown(await run(host, "fetchUrl", { url: "http://crm.example.com/" }))).toMatch(/only https/);
    expect(shown(await run(host, "fetchUrl", { url: `${ORIGIN}/${"x".repeat(2100)}` }))).toMatch(
      /URL Length/,
    );
    expect(shown(await run(host, "fetchUrl", { url: `${ORIGIN}/api` }))).toMatch(/Address unavailable/);
    expect(shown(await run(noFetchScope, "fetchUrl", { url: `${ORIGIN}/api` }))).toMatch(
      /permission to call UrlFetchApp.fetch.*script.external_request/,
    );
  });

  it("R-SB-8: GmailApp reads only the open message, after setCurrentMessageAccessToken, and its body only with the readonly scope", async () => {
    const id = demoMessages()[0].id;
    expect(shown(await run(host, "readMessage", { id }))).toMatch(
      /Missing access token for per message scope/,
    );
    const withToken = `${code}
      function readWithToken(e) { GmailApp.setCurrentMessageAccessToken(e.gmail.accessToken); return readMessage(e); }`;
    const h = await AddonHost.start({
      code: withToken,
      manifest: manifest(),
      messages: demoMessages(),
      router: () => null,
    });
    try {
      const grant = { messageId: id, accessToken: "tok" };
      const event = { id, gmail: { messageId: id, accessToken: "tok" } };
      const metadataOnly = await h.invoke("readWithToken", event, { user: "u", identityToken: null, grant });
      expect(shown(metadataOnly)).toMatch(/permission to call GmailMessage.getRawContent/);
      const other = await h.invoke(
        "readWithToken",
        { ...event, id: demoMessages()[1].id },
        { user: "u", identityToken: null, grant },
      );
      expect(shown(other)).toMatch(/only the open message/);
    } finally {
      await h.close();
    }
  });
});

describe("the built add-on", () => {
  it("R-SB-8: the manifest asks for the narrowest scopes and whitelists the one server origin", async () => {
    const { manifest, code, functions } = await builtAddon();
    expect(manifest.oauthScopes.sort()).toEqual(
      [
        "https://www.googleapis.com/auth/gmail.addons.execute",
        "https://www.googleapis.com/auth/gmail.addons.current.message.readonly",
        "https://www.googleapis.com/auth/gmail.addons.current.message.metadata",
        "https://www.googleapis.com/auth/script.external_request",
        "https://www.googleapis.com/auth/script.locale",
        "https://www.googleapis.com/auth/userinfo.email",
        "openid",
      ].sort(),
    );
    expect(manifest.urlFetchWhitelist).toEqual(["https://crm.example.com/"]);
    // R-CON-3: besides Concilia, only the providers' pages that explain app-specific passwords.
    expect(manifest.addOns.common.openLinkUrlPrefixes).toEqual([
      "https://crm.example.com/",
      "https://support.apple.com/102654",
      "https://help.yahoo.com/kb/SLN15241.html",
    ]);
    expect(manifest.addOns.common.useLocaleFromApp).toBe(true);
    // Apps Script finds callbacks by global name: triggers and every action named in the code exist.
    // Actions are named at the call, or in the tables of the connect forms and confirmations.
    const named = new Set(
      [
        ...code.matchAll(/(?:action\(|functionName: )"(\w+)"/g),
        ...code.matchAll(/(?:action|test|connect): "(sync\w+)"/g),
      ].map((m) => m[1]),
    );
    // The pattern still finds the actions (40 as of the Exchange and calendar-sync cards), each checked below.
    expect(named.size).toBeGreaterThanOrEqual(40);
    named.add(manifest.addOns.common.homepageTrigger.runFunction);
    for (const u of manifest.addOns.common.universalActions) named.add(u.runFunction);
    named.add(manifest.addOns.gmail.contextualTriggers[0].onTriggerFunction);
    for (const fn of named) expect(functions).toContain(fn);
    for (const fn of functions) expect(code).toMatch(new RegExp(`^function ${fn}\\(e\\) \\{`, "m"));
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it("R-SB-8: the build takes one https origin and nothing else", () => {
    expect(serverOrigin("https://crm.example.com")).toBe("https://crm.example.com");
    expect(serverOrigin("https://crm.example.com:8443/")).toBe("https://crm.example.com:8443");
    expect(() => serverOrigin("http://crm.example.com")).toThrow(/https/);
    expect(() => serverOrigin("https://crm.example.com/api")).toThrow(/without a path/);
    expect(() => serverOrigin("crm.example.com")).toThrow(/must be a URL/);
  });
});
