// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// The Outlook pane in Chromium against a real server with the demo workspace: what Sara sees when she
// opens each demo message in the playground's fake Outlook, and what the buttons do.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoMessages } from "../../outlook-addin/src/playground/demo-messages.js";
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

beforeAll(async () => {
  ({ s, browser, pg, sara } = await openDemoPane("message=known"));
  await pg.pane.locator("h2", { hasText: "Giulia Rossi" }).waitFor();
}, 90_000);

afterAll(() => closeDemoPane({ s, browser }));

const card = () => pg.pane.locator("article.card");

describe("Outlook pane", () => {
  it("R-SB-1 / R-CAT-2: a known contact's card shows company, role, badge, owner, phone and open deals", async () => {
    const text = await card().innerText();
    expect(text).toContain("Borealis Srl");
    expect(text).toContain("Responsabile acquisti");
    expect(text).toContain("Sara Ventas");
    expect(text).toContain("+39 333 000 201");
    expect(text).toContain("Borealis: pilota Nord Italia");
    expect(await card().locator(".badge").innerText()).toBe("Current prospect");
    expect(await card().locator(".badge").getAttribute("title")).toBe("Concilia Current prospect");
  });

  it("R-SB-1 / R-SB-8: every demo message opens with one request and shows its sender's record", async () => {
    const expected: [string, string, string][] = [
      ["lead", "Nina Weber", "Lead"],
      ["customer", "José García", "Current customer"],
      ["attachments", "Francesca Conti", "Current customer"],
      ["known", "Giulia Rossi", "Current prospect"],
    ];
    for (const [id, name, badge] of expected) {
      await pg.open(id);
      await pg.pane.locator("h2#record-name", { hasText: name }).waitFor();
      expect(await card().locator(".badge").innerText()).toBe(badge);
      expect(pg.apiRequests).toEqual(["GET /api/v1/context"]);
    }
  });

  it("R-SB-1: To/Cc participants are listed with their badges, and the user's own addresses are left out", async () => {
    await pg.open("many");
    await pg.pane.locator("h2#record-name", { hasText: "Luca Bianchi" }).waitFor();
    const rows = pg.pane.locator(".participants li");
    const addresses = await pg.pane
      .locator(".participant")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-address")));
    expect(addresses).not.toContain("sara.ventas@concilia.demo");
    expect(addresses).not.toContain("sara@concilia.demo");
    expect(addresses).toContain("pietro.longo@fornitori.example");
    expect(await rows.filter({ hasText: "Giulia Rossi" }).locator(".badge").innerText()).toBe(
      "Current prospect",
    );
    expect(await rows.filter({ hasText: "Omar Haddad" }).locator(".badge").innerText()).toBe("Lead");
    expect(await rows.filter({ hasText: "pietro.longo@fornitori.example" }).innerText()).toContain(
      "Not in Concilia",
    );
    expect(pg.apiRequests).toEqual(["GET /api/v1/context"]);
  });

  it("R-SB-1: for a sent item the recipients come first", async () => {
    await pg.open("sent");
    await pg.pane.locator("h2#record-name", { hasText: "Marco Ricci" }).waitFor();
    expect(await pg.pane.locator(".participants h3").innerText()).toMatch(/recipients/i);
    const names = await pg.pane.locator(".participant .name").allInnerTexts();
    expect(names).toEqual(["Marco Ricci", "Lucía Fernández"]);
    expect(await card().locator(".badge").innerText()).toBe("Lost prospect");
  });

  it("R-SB-3 / R-SB-9: Log email sends the message once, shows Logged, files it under the category, and stays logged when reopened", async () => {
    await pg.open("customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    const button = pg.pane.locator(".log button");
    expect(await button.innerText()).toBe("Log email");
    pg.apiRequests.length = 0;
    await button.click();
    await pg.pane.locator(".log button[data-state=logged]").waitFor();
    expect(await button.innerText()).toContain("Logged in Concilia");
    expect(await button.isDisabled()).toBe(true);
    // After the log the card is read again, so that the email shows among its activities.
    await pg.pane.locator("article.card li", { hasText: "Renovación de licencias 2027" }).waitFor();
    expect(pg.apiRequests).toEqual(["POST /api/v1/emails", "GET /api/v1/context"]);
    await pg.page.locator('[data-message="customer"] [data-category="Logged in Concilia"]').waitFor();

    await pg.open("known");
    await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    expect(await pg.pane.locator(".log button").innerText()).toBe("Log email");
    await pg.open("customer");
    await pg.pane.locator(".log button[data-state=logged]").waitFor();
    expect(pg.apiRequests).toEqual(["GET /api/v1/context"]);

    const ctx = await api(
      "/api/v1/context?address=jose.garcia@acme-iberia.example&messageId=" +
        encodeURIComponent("<demo-jose-renovacion@acme-iberia.example>"),
    );
    expect(ctx.logged?.activityId).toMatch(/^[0-9a-f-]{36}$/);
    const activities = await api("/api/v1/activities?type=email&limit=200");
    expect(activities.items.filter((a: any) => a.subject === "Renovación de licencias 2027")).toHaveLength(1);
  });

  it("R-SB-3: on a host without getAsFileAsync the pane rebuilds the message with its attachments and inline image", async () => {
    const old = await openPlayground(browser, s.url, "mailbox=1.8&message=attachments");
    await old.pane.locator("h2#record-name", { hasText: "Francesca Conti" }).waitFor();
    await old.pane.locator(".log button").click();
    await old.pane.locator(".log button[data-state=logged]").waitFor();
    const ctx = await api(
      "/api/v1/context?address=francesca.conti@libero.example&messageId=" +
        encodeURIComponent("<demo-francesca-offerta@libero.example>"),
    );
    const activity = await api(`/api/v1/activities/${ctx.logged.activityId}`);
    expect(activity.subject).toBe("Offerta firmata e logo");
    const files = activity.email.attachments.map((a: any) => [a.filename, a.inline]);
    expect(files).toEqual(
      expect.arrayContaining([
        ["offerta-firmata.pdf", false],
        ["logo.png", true],
      ]),
    );
    await old.page.close();
  });

  it("R-SB-2: an unknown sender becomes a contact, prefilled from the display name", async () => {
    await pg.open("unknown");
    await pg.pane.getByText("Laura Pérez Gil is not in Concilia yet.").waitFor();
    await pg.pane.getByRole("button", { name: "Create contact" }).click();
    expect(await pg.pane.getByLabel("First name").inputValue()).toBe("Laura");
    expect(await pg.pane.getByLabel("Last name").inputValue()).toBe("Pérez Gil");
    expect(await pg.pane.getByLabel("Email").inputValue()).toBe("laura.perez@hortensia.example");
    await pg.pane.getByLabel("Job title").fill("Directora de compras");
    await pg.pane.getByRole("button", { name: "Save" }).click();
    await pg.pane.locator("h2#record-name", { hasText: "Laura Pérez Gil" }).waitFor();
    expect(await card().locator(".badge").innerText()).toBe("Person");
    expect(await pg.pane.getByRole("status").innerText()).toContain("was added to Concilia");
    const persons = await api("/api/v1/persons?q=laura");
    expect(persons.items.map((p: any) => p.emails[0])).toContain("laura.perez@hortensia.example");
  });

  it("R-SB-2: an unknown recipient becomes a lead, with the company suggested from the domain", async () => {
    await pg.open("many");
    await pg.pane.locator(".participant", { hasText: "pietro.longo@fornitori.example" }).click();
    await pg.pane.getByRole("button", { name: "Create lead" }).click();
    expect(await pg.pane.getByLabel("First name").inputValue()).toBe("Pietro");
    expect(await pg.pane.getByLabel("Company").inputValue()).not.toBe("");
    await pg.pane.getByRole("button", { name: "Save" }).click();
    await pg.pane
      .locator(".participant", { hasText: "Pietro Longo" })
      .locator(".badge", { hasText: "Lead" })
      .waitFor();
  });

  it("R-SB-4: Create meeting prefills the CRM participants and the mailbox's time zone and creates a CRM event", async () => {
    await pg.open("customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    await pg.pane.getByRole("button", { name: "Create meeting" }).click();
    expect(await pg.pane.getByLabel("Time zone").inputValue()).toBe("Europe/Paris");
    expect(await pg.pane.getByLabel("Title").inputValue()).toBe("Renovación de licencias 2027");
    const boxes = pg.pane.locator("fieldset input[type=checkbox]");
    expect(await boxes.count()).toBe(2);
    expect(await boxes.evaluateAll((els) => els.every((e) => (e as HTMLInputElement).checked))).toBe(true);
    await pg.pane.getByLabel("Title").fill("Firma renovación 2027");
    await pg.pane.getByLabel("Date").fill("2031-06-10");
    await pg.pane.getByLabel("Start").fill("11:30");
    await pg.pane.getByRole("button", { name: "Save" }).click();
    await pg.pane.getByRole("status").filter({ hasText: "Meeting created" }).waitFor();
    await card().getByText("Firma renovación 2027").waitFor();
    const events = await api("/api/v1/events?from=2031-06-10T00:00:00Z&to=2031-06-11T00:00:00Z");
    const ev = events.items.find((e: any) => e.title === "Firma renovación 2027");
    expect(ev.origin).toBe("crm");
    expect(ev.timeZone).toBe("Europe/Paris");
    expect(ev.attendees.map((a: any) => a.email).sort()).toEqual([
      "jose.garcia@acme-iberia.example",
      "marta.nunez@acme-iberia.example",
    ]);
    // 11:30 in Paris in June (summer time).
    expect(ev.startAt).toBe("2031-06-10T09:30:00.000Z");
  });

  it("R-SB-6 / R-SB-7: signed out, the pane says so and signs in on request", async () => {
    const out = await openPlayground(browser, s.url, "signedIn=0&message=known");
    await out.pane.getByText("Sign in to see this message's contacts in Concilia.").waitFor();
    expect(out.apiRequests).toEqual([]);
    await out.pane.getByRole("button", { name: "Sign in" }).click();
    await out.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    await out.page.close();
  });

  it("R-SB-3: the pane lists the message's attachments, all ticked; an unticked one is not stored, the others are, with one click", async () => {
    await pg.open("order");
    await pg.pane.locator("h2#record-name", { hasText: "Marta Núñez" }).waitFor();
    const choice = pg.pane.getByRole("group", { name: "Attachments to log" });
    const boxes = choice.getByRole("checkbox");
    expect(await boxes.count()).toBe(3);
    expect(await boxes.evaluateAll((els) => els.every((e) => (e as HTMLInputElement).checked))).toBe(true);
    expect(await choice.locator("label", { hasText: "firma.png" }).innerText()).toContain("inline image");
    expect(await choice.locator("label", { hasText: "orden-de-compra.pdf" }).innerText()).not.toContain(
      "inline image",
    );
    await choice.getByRole("checkbox", { name: "orden-de-compra.pdf" }).uncheck();

    pg.apiRequests.length = 0;
    await pg.pane.locator(".log button").click();
    await pg.pane.locator(".log button[data-state=logged]").waitFor();
    await pg.pane.locator("article.card li", { hasText: "Orden de compra" }).waitFor();
    expect(pg.apiRequests).toEqual(["POST /api/v1/emails", "GET /api/v1/context"]);
    expect(await choice.count()).toBe(0);

    const ctx = await api(
      "/api/v1/context?address=marta.nunez@acme-iberia.example&messageId=" +
        encodeURIComponent("<demo-marta-orden@acme-iberia.example>"),
    );
    const activity = await api(`/api/v1/activities/${ctx.logged.activityId}`);
    const files = activity.email.attachments as { id: string; filename: string; inline: boolean }[];
    expect(files.map((f) => [f.filename, f.inline])).toEqual([
      ["firma.png", true],
      ["anexo-precios.csv", false],
    ]);
    const csv = await s.app.inject({
      method: "GET",
      url: `/api/v1/activities/${activity.id}/attachments/${files[1].id}`,
      headers: { authorization: `Bearer ${sara}` },
    });
    const sent = demoMessages.find((m) => m.id === "order")!.attachments.find((a) => a.id === "att-prices")!;
    expect(csv.rawPayload.equals(Buffer.from(sent.base64, "base64"))).toBe(true);
  });

  it("R-SB-7: without single sign-on, Sign in opens Concilia's login page in the Office dialog, and the code it hands back signs the pane in", async () => {
    const out = await openPlayground(browser, s.url, "signedIn=0&sso=0&message=known");
    const context = out.page.context();
    // office.js comes from Microsoft's CDN in a real dialog; the fake host needs none of it.
    await context.route("https://appsforoffice.microsoft.com/**", (r) => r.abort());
    const signIn = out.pane.getByRole("button", { name: "Sign in" });
    await signIn.waitFor();
    expect(out.apiRequests).toEqual([]);

    // Closing the dialog leaves the pane signed out, ready to try again.
    const [abandoned] = await Promise.all([context.waitForEvent("page"), signIn.click()]);
    await abandoned.getByLabel("Email").waitFor();
    await abandoned.close();
    await signIn.waitFor();

    const [dialog] = await Promise.all([context.waitForEvent("page"), signIn.click()]);
    await dialog.getByLabel("Email").waitFor();
    expect(new URL(dialog.url()).pathname).toBe("/auth/login");
    expect(new URL(dialog.url()).searchParams.get("host")).toBe("office");
    await dialog.getByLabel("Email").fill("sara@concilia.demo");
    await dialog.getByLabel("Password").fill("demo");
    await Promise.all([
      dialog.waitForEvent("close"),
      dialog.getByRole("button", { name: "Sign in" }).click(),
    ]);
    await out.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    expect(await out.pane.locator("article.card").innerText()).toContain("Borealis Srl");

    // The pane keeps the Concilia token the code was exchanged for, and the server knows whose it is.
    const token = await out.pane.locator("html").evaluate(() => localStorage.getItem("concilia.token"));
    const me = await s.app.inject({
      method: "GET",
      url: "/api/v1/me",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json().email).toBe("sara@concilia.demo");
    await out.page.close();
  });

  it("R-SB-6: with the server stopped the pane shows the unreachable state with a retry", async () => {
    await s.app.close();
    await pg.open("lead");
    await pg.pane.getByText("Concilia can't be reached").waitFor();
    const retry = pg.pane.getByRole("button", { name: "Try again" });
    await retry.click();
    await pg.pane.getByText("Concilia can't be reached").waitFor();
  });
});
