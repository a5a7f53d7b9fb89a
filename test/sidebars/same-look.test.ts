// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// One look for both sidebars: the Outlook pane (in Chromium) and the Gmail card (the built add-on in the
// Apps Script emulation), side by side over one server, show the same record with the same words, the
// same dates and amounts, the same badge and the same cut of a long address.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CardJson, cardText } from "../../dev/gmail-emulator/card-json.js";
import { type DemoMessage, demoMessages } from "../../dev/gmail-emulator/demo-messages.js";
import { shortAddress } from "../../shared/short-address.js";
import { type GmailWorld, startGmailWorld } from "../gmail/setup.js";
import { ensurePaneBuilt, launchChromium, openPlayground } from "../outlook/pane-harness.js";

const LONG = "recipient.number.12@bulk-mailing.example";
const gmailMessages: DemoMessage[] = [
  ...demoMessages(),
  {
    id: "18f0c0de00020001",
    threadId: "18f0c0de00020001",
    messageId: "<same-look-1@mail.example>",
    label: "",
    from: "Giulia Rossi <giulia.rossi@borealis.example>",
    to: ["Sara Ventas <sara@concilia.demo>"],
    cc: [LONG],
    subject: "Newsletter",
    date: new Date(),
    text: "Hello",
  },
];

let w: GmailWorld;
let browser: Browser;
beforeAll(async () => {
  ensurePaneBuilt();
  [w, browser] = await Promise.all([startGmailWorld({ messages: gmailMessages }), launchChromium()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

/** A section of the Gmail card as `text | detail` lines, without its header. */
function gmailLines(card: CardJson, header: string): string[] {
  const s = card.sections.find((x) => x.header === header);
  if (!s) throw new Error(`No section "${header}" in:\n${cardText(card)}`);
  return cardText({ sections: [{ ...s, header: undefined }] }).split("\n");
}

describe("the same look in Outlook and Gmail", () => {
  it.each([
    ["en-US", "en", "Open deals", "Upcoming events"],
    ["es-ES", "es", "Oportunidades abiertas", "Próximos eventos"],
    ["it-IT", "it", "Trattative aperte", "Prossimi eventi"],
  ])(
    "R-SB-1 / R-SB-6 / R-CAT-2: in %s both sidebars show Giulia Rossi's record with the same words, badge, dates and amounts",
    async (office, gmail, deals, events) => {
      const pg = await openPlayground(browser, w.server.url, `lang=${office}&message=known`);
      const card = pg.pane.locator("article.card");
      await card.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
      const sb = w.sidebar({ locale: gmail, timeZone: { id: "Europe/Paris", offsetMs: 3_600_000 } });
      await sb.openMessage(demoMessages()[1].id);
      const gmailText = cardText(sb.card).split("\n");

      // The badge: the short form in both, never the long category name on the Gmail card.
      const badge = await card.locator(".badge").innerText();
      expect(gmailText.filter((l) => l.split(" | ")[1] === badge)).toHaveLength(1);
      expect(cardText(sb.card)).not.toContain(await card.locator(".badge").getAttribute("title"));

      // The facts: each label of the pane names the same value on the Gmail card.
      const facts = await card
        .locator(".facts dt")
        .evaluateAll((dts) => dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent]));
      for (const [label, value] of facts) expect(gmailText).toContain(`${label} | ${value}`);

      // Amounts and dates: "name · detail" in the pane, "name | detail" on the card, the same detail.
      const paneLines = async (section: string) =>
        (await card.getByRole("region", { name: section }).locator("li").allInnerTexts()).map((l) =>
          l.replace(" · ", " | "),
        );
      expect(await paneLines(deals)).toEqual(gmailLines(sb.card, deals));
      const paneEvents = await paneLines(events);
      expect(paneEvents.length).toBeGreaterThan(0);
      expect(paneEvents).toEqual(gmailLines(sb.card, events));
      await pg.page.close();
    },
  );

  it("R-SB-1: a long address is cut the same way in both", async () => {
    const pg = await openPlayground(browser, w.server.url, "message=known");
    await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    await pg.page.evaluate((long) => {
      const o = window.conciliaOutlook!;
      o.messages.push({
        ...o.messages.find((m) => m.id === "known")!,
        id: "long",
        cc: [{ name: "", email: long }],
      });
      o.select("long");
    }, LONG);
    const row = pg.pane.locator(`.participant[data-address="${LONG}"]`);
    await row.waitFor();
    const pane = row.locator(".who .small");
    expect(await pane.innerText()).toBe(shortAddress(LONG));
    expect(await pane.getAttribute("title")).toBe(LONG);

    const sb = w.sidebar();
    await sb.openMessage("18f0c0de00020001");
    const others = gmailLines(sb.card, "Other participants");
    expect(others.some((l) => l.startsWith(`${shortAddress(LONG)} | `))).toBe(true);
    expect(shortAddress(LONG)).not.toBe(LONG);
    await pg.page.close();
  });
});
