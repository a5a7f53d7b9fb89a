// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// R-CON-3, R-CON-6: "Other calendar server (CalDAV)" in the Outlook pane's Email & calendar sync view,
// in Chromium against a real server and the tests' Radicale: reached through View all providers,
// calendars only, tested red (naming the step, in the user's language) and green (the calendars found)
// before Sync is offered, then saved.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newCalendarUser, type TestCalendarUser } from "../harness/caldav.js";
import { freePortNow } from "../providers/caldav/free-port.js";
import {
  axe,
  launchChromium,
  openPlayground,
  type PaneServer,
  type Playground,
  startPaneServer,
} from "./pane-harness.js";

let s: PaneServer;
let browser: Browser;
let cal: TestCalendarUser;

beforeAll(async () => {
  [s, browser, cal] = await Promise.all([
    startPaneServer({
      work: false,
      env: { CONCILIA_SYNC_TICK_SECONDS: "0", CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8" },
    }),
    launchChromium(),
    newCalendarUser("Ventas"),
  ]);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
});

async function openSync(query = "message=known"): Promise<Playground> {
  const pg = await openPlayground(browser, s.url, query);
  await pg.pane.locator("main[data-view='ready']").waitFor();
  await pg.pane.getByRole("button", { name: /My profile|Mi perfil|Il mio profilo/ }).click();
  await pg.pane.locator("#profile-items button").first().click();
  await pg.pane.locator(".sync-settings h2").waitFor();
  return pg;
}

describe("Outlook pane: Other CalDAV server", () => {
  it("R-CON-3 / R-CON-4 / R-SB-6: the entry is behind View all providers, calendars only, and a red test names the step in Spanish", async () => {
    const pg = await openSync("lang=es-ES&message=known");
    expect(await pg.pane.getByLabel("Otro servidor de calendario (CalDAV)").count()).toBe(0);
    await pg.pane.getByRole("button", { name: "Ver todos los proveedores" }).click();
    await pg.pane.getByLabel("Otro servidor de calendario (CalDAV)").check();
    // "Email and calendar" is the default: refused before anything is sent.
    expect(await pg.pane.locator(".caldav-form .refusal").innerText()).toContain(
      "Un servidor CalDAV sincroniza solo calendarios",
    );
    await pg.pane.getByLabel("Solo calendario").check();
    expect(await pg.pane.locator(".caldav-form .refusal").count()).toBe(0);
    await pg.pane.getByLabel("URL del servidor").fill(`http://127.0.0.1:${await freePortNow()}/`);
    await pg.pane.getByLabel("Usuario", { exact: true }).fill(cal.account.username);
    await pg.pane.getByLabel("Contraseña de aplicación").fill(cal.account.password);
    await pg.pane.getByRole("button", { name: "Probar conexión" }).click();
    const result = pg.pane.locator(".test-result .note[data-step='connection']");
    await result.waitFor();
    expect(await result.innerText()).toContain("No funciona: ha fallado la conexión.");
    expect(await result.innerText()).toContain("Concilia no ha podido conectarse al servidor.");
    await pg.page.close();
  });

  it("R-CON-6: a wrong password is red at the login step and Sync stays off; the right one is green with the calendars, and Sync saves the account", async () => {
    const pg = await openSync();
    await pg.pane.getByRole("button", { name: "View all providers" }).click();
    await pg.pane.getByLabel("Other calendar server (CalDAV)").check();
    await pg.pane.getByLabel("Calendar only").check();
    await pg.pane.getByLabel("Server URL").fill(cal.account.serverUrl);
    await pg.pane.getByLabel("Username", { exact: true }).fill(cal.account.username);
    await pg.pane.getByLabel("App password").fill("not-the-password");
    const sync = pg.pane.getByRole("button", { name: "Sync", exact: true });
    expect(await sync.isDisabled()).toBe(true);

    await pg.pane.getByRole("button", { name: "Test connection" }).click();
    const red = pg.pane.locator(".test-result .note[data-step='login']");
    await red.waitFor();
    expect(await red.innerText()).toBe(
      "It does not work: the login failed. The username or password was not accepted.",
    );
    expect(await sync.isDisabled()).toBe(true);
    expect(await axe(pg.pane)).toEqual([]);

    await pg.pane.getByLabel("App password").fill(cal.account.password);
    await pg.pane.getByRole("button", { name: "Test connection" }).click();
    await pg.pane.locator(".test-result .note.ok").waitFor();
    expect(await pg.pane.locator(".test-result .note.ok").innerText()).toBe(
      "It works: Concilia can see these calendars: Ventas.",
    );
    await sync.click();
    const address = `${cal.account.username}@127.0.0.1`;
    await pg.pane.locator(".note.ok", { hasText: `${address} is connected` }).waitFor();
    expect(await pg.pane.getByRole("button", { name: "Stop sync" }).count()).toBe(1);

    const token = await pg.page.evaluate(() => window.conciliaDev?.token ?? "");
    const res = await s.app.inject({
      url: "/api/v1/connections",
      headers: { authorization: `Bearer ${token}` },
    });
    const [c] = res.json().items;
    expect(c).toMatchObject({
      provider: "caldav",
      syncs: "calendar",
      caldavServer: { url: cal.account.serverUrl, username: cal.account.username },
    });
    expect(JSON.stringify(c)).not.toContain(cal.account.password);
    await pg.page.close();
  });
});
