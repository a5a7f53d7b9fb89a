// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// R-MAIL-8 in the Outlook pane: beside the Log email button, whether the open message is logged (by hand
// or by mail sync) and if not, why; R-MAIL-3: nothing in the pane offers to change or delete logged mail.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "../../server/auth/authenticate.js";
import type { AuthUser } from "../../server/auth/user.js";
import { ingestAutomatic } from "../../server/mail/auto-log.js";
import {
  launchChromium,
  openPlayground,
  type PaneServer,
  type Playground,
  startPaneServer,
} from "./pane-harness.js";

let s: PaneServer;
let browser: Browser;
let pg: Playground;
let sara: string;
let saraUser: AuthUser;

const raw = (headers: string[], body = "Hola Sara,\r\n\r\nun saludo.\r\n") =>
  Buffer.from(
    [
      ...headers,
      "Date: Tue, 24 Nov 2026 09:30:00 +0100",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
    ]
      .join("\r\n")
      .concat(`\r\n\r\n${body}`),
  );
const meta = { source: "graph", providerId: "AAMkAGI2", folderRole: "inbox" } as const;

beforeAll(async () => {
  [s, browser] = await Promise.all([startPaneServer(), launchChromium()]);
  pg = await openPlayground(browser, s.url, "message=known");
  sara = await pg.page.evaluate(() => window.conciliaDev?.token ?? "");
  const user = await authenticate(s.ctx, `Bearer ${sara}`);
  if (!user) throw new Error("the playground's token is not accepted");
  saraUser = user;
  await pg.pane.locator("h2", { hasText: "Giulia Rossi" }).waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
});

const button = () => pg.pane.locator(".log button");
const logState = () => pg.pane.locator(".log .log-state");

describe("Outlook pane: logged state (R-MAIL-8)", () => {
  it("R-MAIL-8: a message mail sync logged shows 'Logged automatically; read-only', and the pane offers no edit or delete (R-MAIL-3)", async () => {
    const r = await ingestAutomatic(
      s.ctx,
      saraUser,
      raw([
        "From: Nina Weber <nina.weber@nordlicht.example>",
        "To: Sara Ventas <sara@concilia.demo>",
        "Subject: Intro: Nordlicht × Concilia",
        "Message-ID: <demo-nina-intro@nordlicht.example>",
      ]),
      meta,
    );
    expect(r.outcome).toBe("logged");
    await pg.open("lead");
    await pg.pane.locator(".log button[data-state=logged]").waitFor();
    expect(await logState().getAttribute("data-log-state")).toBe("automatically");
    expect(await logState().innerText()).toContain("Logged automatically by mail sync; read-only");
    await pg.pane.locator("article.card li", { hasText: "Intro: Nordlicht" }).waitFor();
    const controls = await pg.pane.locator("button, a, [role=button]").allInnerTexts();
    expect(controls.join(" | ")).not.toMatch(/edit|delete|remove/i);
  });

  it("R-MAIL-8: a message mail sync skipped as automated says so with the header, and the button still logs it by hand", async () => {
    const r = await ingestAutomatic(
      s.ctx,
      saraUser,
      raw([
        "From: Marta Núñez <marta.nunez@acme-iberia.example>",
        "To: sara@concilia.demo",
        "Subject: Orden de compra 2027",
        "Message-ID: <demo-marta-orden@acme-iberia.example>",
        "Precedence: bulk",
      ]),
      meta,
    );
    expect(r).toMatchObject({ outcome: "skipped", reason: "automated" });
    await pg.open("order");
    await pg.pane.locator(".log [data-log-state=automated]").waitFor();
    expect(await logState().innerText()).toBe(
      "Not logged automatically: sent by a machine (Precedence: bulk). You can still log it by hand.",
    );
    expect(await button().isEnabled()).toBe(true);
    await button().click();
    await pg.pane.locator(".log button[data-state=logged]").waitFor();
    await pg.pane.locator(".log [data-log-state=hand]").waitFor();
    expect(await logState().innerText()).toContain("Logged by hand");
  });

  it("R-MAIL-7 / R-MAIL-8: a contact on the user's never-log list is named, and the button still logs the message by hand", async () => {
    const put = await s.app.inject({
      method: "PUT",
      url: "/api/v1/never-log",
      headers: { authorization: `Bearer ${sara}` },
      payload: { entries: ["Giulia.Rossi@borealis.example"] },
    });
    expect(put.statusCode, put.body).toBe(200);
    await pg.open("customer");
    await pg.pane.locator("h2#record-name", { hasText: "José García" }).waitFor();
    expect(await logState().count()).toBe(0); // no connection, nothing against logging: nothing to say
    await pg.open("known");
    await pg.pane.locator(".log [data-log-state=never-log]").waitFor();
    expect(await logState().innerText()).toBe(
      "Not logged automatically: on a never-log list (giulia.rossi@borealis.example). You can still log it by hand.",
    );
    await button().click();
    await pg.pane.locator(".log [data-log-state=hand]").waitFor();
  });

  it("R-MAIL-8 / R-SB-6: a sender not in the CRM is explained in Spanish and Italian", async () => {
    for (const [lang, text] of [
      ["es", "No registrado: nadie de este mensaje está en Concilia. Añade un contacto para registrarlo."],
      [
        "it",
        "Non registrata: nessuno in questo messaggio è in Concilia. Aggiungi un contatto per registrarla.",
      ],
    ]) {
      const local = await openPlayground(browser, s.url, `lang=${lang}&message=unknown`);
      await local.pane.locator(".log [data-log-state=no-crm-participant]").waitFor();
      expect(await local.pane.locator(".log .log-state").innerText()).toBe(text);
      await local.page.close();
    }
  });
});
