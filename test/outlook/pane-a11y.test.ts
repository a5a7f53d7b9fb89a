// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// The pane in Spanish and Italian, in Office's dark theme, by keyboard, and under axe-core.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axe, launchChromium, openPlayground, type PaneServer, startPaneServer } from "./pane-harness.js";

let s: PaneServer;
let browser: Browser;

beforeAll(async () => {
  [s, browser] = await Promise.all([startPaneServer(), launchChromium()]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close();
});

describe("Outlook pane: languages, theme, keyboard, accessibility", () => {
  it("R-SB-6 / R-CAT-2: in Spanish the pane and the badges follow Office's display language", async () => {
    const pg = await openPlayground(browser, s.url, "lang=es-ES&message=customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    expect(await pg.pane.locator("article .badge").innerText()).toBe("Cliente actual");
    expect(await pg.pane.locator("article .badge").getAttribute("title")).toBe("Cliente actual de Concilia");
    expect(await pg.pane.locator(".log button").innerText()).toBe("Registrar correo");
    expect(await pg.pane.locator("article").textContent()).toContain("Compañía");
    expect(await pg.pane.locator("html").getAttribute("lang")).toBe("es");
    await pg.open("unknown");
    await pg.pane.getByRole("button", { name: "Crear contacto" }).waitFor();
    await pg.page.close();
  });

  it("R-SB-6 / R-CAT-2: in Italian too", async () => {
    const pg = await openPlayground(browser, s.url, "lang=it-IT&message=known");
    await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    expect(await pg.pane.locator("article .badge").innerText()).toBe("Cliente potenziale attuale");
    expect(await pg.pane.locator(".log button").innerText()).toBe("Registra email");
    expect(await pg.pane.getByRole("button", { name: "Crea riunione" }).count()).toBe(1);
    expect(await pg.pane.locator("article").textContent()).toContain("Trattative aperte");
    await pg.page.close();
  });

  it("R-SB-6: Office's dark theme gives the pane dark colours", async () => {
    const pg = await openPlayground(browser, s.url, "theme=dark&message=known");
    await pg.pane.locator("h2#record-name").waitFor();
    const bg = await pg.pane.locator("body").evaluate((b) => getComputedStyle(b).backgroundColor);
    expect(bg).toBe("rgb(41, 41, 41)");
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });

  it("R-SB-6: keyboard only: tab order follows the pane, focus is visible, Enter acts", async () => {
    const pg = await openPlayground(browser, s.url, "message=customer");
    await pg.pane.locator("h2#record-name").waitFor();
    // A click on the pane's empty top edge puts the keyboard there, as a user clicking into the pane would.
    await pg.pane.locator("main").click({ position: { x: 2, y: 2 } });
    const focused = async () =>
      pg.pane.locator(":focus").evaluate((e) => ({
        text: (e as HTMLElement).innerText || e.getAttribute("aria-label") || "",
        outline: getComputedStyle(e).outlineStyle,
      }));
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await pg.page.keyboard.press("Tab");
      const f = await focused();
      expect(f.outline).not.toBe("none");
      order.push(f.text.split("\n")[0]);
    }
    // R-CON-1: the profile menu (Email & calendar sync) heads the pane, then the message's card.
    expect(order[0]).toBe("My profile ▾");
    expect(order[1]).toBe("Log email");
    expect(order[2]).toBe("Create meeting");
    expect(order[3]).toBe("+34 600 000 101");
    expect(order[4]).toBe("José García");
    await pg.page.keyboard.press("Tab");
    await pg.page.keyboard.press("Enter");
    await pg.pane.locator("h2#record-name", { hasText: "Marta Núñez" }).waitFor();
    await pg.page.close();
  });

  it("R-SB-6: axe-core finds no serious or critical violation in the card, the attachment choice, the create form, the meeting form and the states", async () => {
    const pg = await openPlayground(browser, s.url, "message=many");
    await pg.pane.locator("h2#record-name").waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.open("unknown");
    await pg.pane.getByRole("button", { name: "Create lead" }).click();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.open("order");
    await pg.pane.getByRole("group", { name: "Attachments to log" }).waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.open("customer");
    await pg.pane.getByRole("button", { name: "Create meeting" }).click();
    await pg.pane.getByLabel("Time zone").waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
    const out = await openPlayground(browser, s.url, "signedIn=0");
    await out.pane.getByRole("button", { name: "Sign in" }).waitFor();
    await out.pane.getByLabel("Have a code?").waitFor();
    expect(await axe(out.pane)).toEqual([]);
    await out.page.close();
  });

  it("R-SB-6: axe-core finds no serious or critical violation in the CRM search, an opened hit, the company field and adding to an existing record", async () => {
    const pg = await openPlayground(browser, s.url, "message=unknown");
    await pg.pane.getByRole("button", { name: "Create contact" }).click();
    await pg.pane.getByLabel("Company").waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.pane.getByRole("button", { name: "Cancel" }).click();
    await pg.pane.getByRole("button", { name: "Add to existing" }).click();
    const adding = pg.pane.getByRole("region", { name: "Add to existing" });
    await adding.getByLabel("Find a person or company").fill("a");
    await adding.getByRole("button", { name: "Search", exact: true }).click();
    await adding.getByRole("region", { name: "Persons" }).waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    const search = pg.pane.getByRole("region", { name: "Search Concilia" });
    await search.getByLabel("Look up in Concilia").fill("borealis");
    await search.getByRole("button", { name: "Search", exact: true }).click();
    await search.getByRole("button", { name: "Open: Giulia Rossi" }).click();
    await search.getByRole("button", { name: "Back to results" }).waitFor();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });
});
