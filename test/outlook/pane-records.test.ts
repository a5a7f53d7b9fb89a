// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// The Outlook pane's activities, sign-in by code and language, and record work (company on a new
// contact, an address added to an existing record, CRM search), in Chromium against the demo workspace.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeDemoPane,
  getJson,
  openDemoPane,
  openPlayground,
  type PaneServer,
  type Playground,
} from "./pane-harness.js";

let s: PaneServer;
let browser: Browser;
let pg: Playground;
let sara: string;

const api = (url: string) => getJson(s, sara, url);

/** A one-time code, as Concilia's sign-in page shows it to a user who opened it in a browser. */
async function codeFromLoginPage(): Promise<string> {
  const res = await fetch(`${s.url}/auth/login?lang=en`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email: "sara@concilia.demo", password: "demo" }),
  });
  const html = await res.text();
  expect(html).toContain("Enter this code in the Concilia sidebar");
  return /id="code"[^>]*value="([^"]+)"/.exec(html)![1];
}

beforeAll(async () => {
  ({ s, browser, pg, sara } = await openDemoPane("message=known"));
  await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
}, 90_000);

afterAll(() => closeDemoPane({ s, browser }));

const card = () => pg.pane.locator("article.card").first();
const cardSection = (name: string) => card().getByRole("region", { name, exact: true });

describe("Outlook pane: activities", () => {
  it("R-SB-1: planned activities are listed apart from done ones, each with its type and date", async () => {
    const planned = cardSection("Planned");
    expect(await planned.innerText()).toMatch(/Call · Chiamata con Giulia sul pilota · .*\d{4}/);
    expect(await cardSection("Last activities").innerText()).not.toContain("Chiamata con Giulia sul pilota");

    await pg.open("customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    expect(await cardSection("Planned").innerText()).toContain("Nothing planned");
    expect(await cardSection("Last activities").innerText()).toMatch(
      /Call · Llamada de seguimiento de la renovación · .*\d{4}/,
    );
  });

  it("R-SB-3: a logged email shows among the card's last activities at once, without reopening the message", async () => {
    await pg.open("customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    expect(await cardSection("Last activities").innerText()).not.toContain("Renovación de licencias 2027");
    await pg.pane.locator(".log button").click();
    await cardSection("Last activities").getByText("Renovación de licencias 2027").waitFor();
    const logged = cardSection("Last activities").locator("li", { hasText: "Renovación de licencias 2027" });
    expect(await logged.innerText()).toMatch(/^Email · Renovación de licencias 2027 · .*\d{4}/);
    expect(pg.apiRequests).toEqual(["GET /api/v1/context", "POST /api/v1/emails", "GET /api/v1/context"]);
  });
});

describe("Outlook pane: sign-in", () => {
  it("R-SB-7: a user who signed in on Concilia's page in a browser types its code into the signed-out pane", async () => {
    const out = await openPlayground(browser, s.url, "signedIn=0&sso=0&message=known");
    const field = out.pane.getByLabel("Have a code?");
    await field.fill("AAAAA-BBBBB-CCCCC");
    await out.pane.getByRole("button", { name: "Use code" }).click();
    await out.pane.getByRole("alert").filter({ hasText: "That code did not work" }).waitFor();

    await field.fill(await codeFromLoginPage());
    await out.pane.getByRole("button", { name: "Use code" }).click();
    await out.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    const token = await out.pane.locator("html").evaluate(() => localStorage.getItem("concilia.token"));
    expect(token).toMatch(/^cnc_/);
    await out.page.close();
  });

  it("R-SB-6 / R-SB-7: the sign-in window opens in the pane's language", async () => {
    const out = await openPlayground(browser, s.url, "signedIn=0&sso=0&lang=es-ES&message=known");
    const context = out.page.context();
    await context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
    const [dialog] = await Promise.all([
      context.waitForEvent("page"),
      out.pane.getByRole("button", { name: "Iniciar sesión" }).click(),
    ]);
    await dialog.getByLabel("Correo electrónico").waitFor();
    expect(new URL(dialog.url()).searchParams.get("lang")).toBe("es-ES");
    expect(await dialog.locator("h1").innerText()).toBe("Inicia sesión en Concilia");
    await dialog.close();
    await out.pane.getByLabel("¿Tienes un código?").waitFor();
    await out.page.close();
  });
});

describe("Outlook pane: records", () => {
  it("R-SB-2: Create contact has a company field that suggests CRM companies; the picked one becomes the person's company", async () => {
    await pg.open("unknown");
    await pg.pane.getByRole("button", { name: "Create contact" }).click();
    const company = pg.pane.getByLabel("Company");
    expect(await company.inputValue()).toBe("Hortensia");
    await company.fill("Acme");
    await pg.pane.locator('datalist option[value="Acme Iberia"]').waitFor({ state: "attached" });
    await company.fill("Acme Iberia");
    await pg.pane.getByRole("button", { name: "Save" }).click();
    await pg.pane.locator("h2#record-name", { hasText: "Laura Pérez Gil" }).waitFor();
    expect(await card().locator(".facts").innerText()).toContain("Acme Iberia");

    const laura = (await api("/api/v1/persons?q=laura.perez")).items[0];
    const acme = (await api("/api/v1/companies?q=acme%20iberia")).items;
    expect(acme).toHaveLength(1);
    expect(laura.company).toEqual({ id: acme[0].id, name: "Acme Iberia" });
  });

  it("R-SB-2: a new company name on Create contact creates the company", async () => {
    await pg.open("many");
    await pg.pane.locator(".participant", { hasText: "pietro.longo@fornitori.example" }).click();
    await pg.pane.getByRole("button", { name: "Create contact" }).click();
    await pg.pane.getByLabel("Company").fill("Fornitori Longo Srl");
    await pg.pane.getByRole("button", { name: "Save" }).click();
    await pg.pane.locator(".participant", { hasText: "Pietro Longo" }).locator(".badge").waitFor();
    const created = (await api("/api/v1/companies?q=fornitori%20longo")).items;
    expect(created.map((c: any) => [c.name, c.domain])).toEqual([
      ["Fornitori Longo Srl", "fornitori.example"],
    ]);
    const pietro = (await api("/api/v1/persons?q=pietro.longo")).items[0];
    expect(pietro.company.id).toBe(created[0].id);
  });

  it("R-SB-2: an unknown address is added to an existing company found by search, and then shows as that company", async () => {
    const address = "segreteria@borealis.example";
    await pg.open("many");
    await pg.pane.locator(".participant", { hasText: address }).click();
    await pg.pane.getByRole("button", { name: "Add to existing" }).click();
    const adding = pg.pane.getByRole("region", { name: "Add to existing" });
    await adding.getByLabel("Find a person or company").fill("Borealis");
    await adding.getByRole("button", { name: "Search", exact: true }).click();
    const companies = pg.pane.getByRole("region", { name: "Companies" });
    await companies.getByRole("button", { name: "Add to Borealis Srl" }).click();
    await pg.pane
      .getByRole("status")
      .filter({ hasText: `${address} was added to Borealis Srl.` })
      .waitFor();
    await pg.pane
      .locator(".participant", { hasText: address })
      .locator(".name", { hasText: "Borealis Srl" })
      .waitFor();
    const borealis = (await api("/api/v1/companies?q=borealis")).items[0];
    expect(borealis.emails).toEqual(["info@borealis.example", address]);
  });

  it("R-SB-5: the pane searches the CRM: hits grouped by type, a hit opens its record card", async () => {
    await pg.open("known");
    await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    pg.apiRequests.length = 0;
    await pg.pane.getByLabel("Look up in Concilia").fill("borealis");
    await pg.pane.getByRole("button", { name: "Search", exact: true }).click();
    const search = pg.pane.getByRole("region", { name: "Search Concilia" });
    await search.getByRole("region", { name: "Companies" }).getByText("Borealis Srl").waitFor();
    expect(await search.getByRole("region", { name: "Persons" }).innerText()).toContain("Giulia Rossi");
    expect(pg.apiRequests).toEqual(["GET /api/v1/search"]);

    await search.getByRole("button", { name: "Open: Borealis Srl" }).click();
    const opened = search.locator("article.card");
    await opened.locator("h2", { hasText: "Borealis Srl" }).waitFor();
    expect(await opened.getByRole("region", { name: "Planned", exact: true }).innerText()).toContain(
      "Visita in sede a Milano",
    );
    await search.getByRole("button", { name: "Back to results" }).click();
    await search.getByRole("button", { name: "Open: Giulia Rossi" }).waitFor();
    // The message's own card stayed where it was.
    expect(await pg.pane.locator("h2#record-name").innerText()).toBe("Giulia Rossi");
  });
});
