// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// R-CON: My profile → Email & calendar sync in the Outlook pane, in Chromium against a real server with
// the connections API and the sync engine's status routes. The IMAP servers are the connections
// tests' fake world (the server's injected connectivity tester); sync runs only when asked
// (no periodic tick), so what the pane shows is what the test made happen.

import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OFFICE_JS_URL } from "../../server/auth/own-page.js";
import { storeListedCalendars } from "../../server/connections/calendars.js";
import { createConnection } from "../../server/connections/connections.js";
import { calendarOutbox } from "../../server/db/schema.js";
import { recordItemFailure } from "../../server/sync/failed-items.js";
import { applyEvent, syncPolicy } from "../../server/sync/state-machine.js";
import { fakeGoogle, GOOGLE_CLIENT } from "../connections/fake-oauth.js";
import { fakeImapWorld } from "../connections/imap-tester.js";
import {
  axe,
  launchChromium,
  openPlayground,
  type PaneServer,
  type Playground,
  startPaneServer,
} from "./pane-harness.js";

const IMAP_HOST = "imap.acme-iberia.example";
const world = fakeImapWorld({ [IMAP_HOST]: { port: 993, logins: { "sara@concilia.demo": "mail-secret" } } });
const google = fakeGoogle();
const msw = setupServer(...google.handlers());
let s: PaneServer;
let browser: Browser;

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  [s, browser] = await Promise.all([
    startPaneServer({
      imapTester: world.tester,
      // The tests set each sync state themselves to see how the view shows it: no engine moves it.
      work: false,
      env: {
        CONCILIA_SYNC_TICK_SECONDS: "0",
        GOOGLE_OAUTH_CLIENT_ID: GOOGLE_CLIENT.id,
        GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE_CLIENT.secret,
      },
    }),
    launchChromium(),
  ]);
  // Concilia's public URL is where it is served: the OAuth callback and its postMessage target it.
  Object.assign(s.ctx.config, { publicUrl: s.url });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
  msw.close();
});

async function openSync(query = "message=known", o: { fakeClock?: boolean } = {}): Promise<Playground> {
  const pg = await openPlayground(browser, s.url, query, o);
  await pg.pane.locator("main[data-view='ready']").waitFor();
  await pg.pane.getByRole("button", { name: /My profile|Mi perfil|Il mio profilo/ }).click();
  await pg.pane.locator("#profile-items button").first().click();
  await pg.pane.locator(".sync-settings h2").waitFor();
  return pg;
}

async function saraApi(pg: Playground, method: string, url: string) {
  const token = await pg.page.evaluate(() => window.conciliaDev?.token ?? "");
  const res = await s.app.inject({
    method: method as "GET",
    url,
    headers: { authorization: `Bearer ${token}` },
  });
  return res.json();
}

async function chooseImap(pg: Playground) {
  await pg.pane.getByRole("button", { name: "View all providers" }).click();
  await pg.pane.getByLabel("Other mail server (IMAP)").check();
}

describe("Outlook pane: Email & calendar sync", () => {
  it("R-CON-1 / R-CON-3: My profile leads to the sync view, with the four providers and View all providers for IMAP", async () => {
    const pg = await openSync();
    expect(await pg.pane.locator(".sync-settings h2").innerText()).toBe("Email & calendar sync");
    const providers = pg.pane.locator("fieldset.choice").first().locator("label");
    expect(await providers.allInnerTexts()).toEqual(["Google", "Microsoft", "iCloud", "Yahoo"]);
    await chooseImap(pg);
    expect(await providers.allInnerTexts()).toContain("Other mail server (IMAP)");
    // Back goes to the message's card, which was there all along.
    await pg.pane.getByRole("button", { name: "← Back" }).click();
    await pg.pane.locator("h2#record-name", { hasText: "Giulia Rossi" }).waitFor();
    await pg.page.close();
  });

  it("R-CON-4 / R-CON-5: IMAP with calendar or both is refused, and so is POP3, each with its reason", async () => {
    const pg = await openSync();
    await chooseImap(pg);
    // "Email and calendar" is the default choice: IMAP refuses it before anything is sent.
    const refusal = pg.pane.locator(".imap-form .refusal");
    expect(await refusal.innerText()).toContain("IMAP syncs email only: IMAP has no calendars");
    await pg.pane.getByLabel("Calendar only").check();
    expect(await refusal.innerText()).toContain("IMAP has no calendars");
    expect(await pg.pane.getByRole("button", { name: "Test connection" }).isDisabled()).toBe(true);
    await pg.pane.getByLabel("Email only").check();
    expect(await refusal.count()).toBe(0);
    await pg.pane.getByLabel("Protocol").selectOption("pop3");
    expect(await refusal.innerText()).toContain(
      "POP3 is not supported: it downloads messages and deletes them from the server",
    );
    expect(await pg.pane.getByRole("button", { name: "Sync", exact: true }).isDisabled()).toBe(true);
    expect(world.calls).toHaveLength(0);
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });

  it("R-CON-7: an iCloud address that is not the user's is refused with the explanation, and nothing is connected", async () => {
    const pg = await openSync();
    await pg.pane.getByLabel("iCloud").check();
    expect(await pg.pane.locator(".app-password a").getAttribute("href")).toContain("support.apple.com");
    await pg.pane.getByLabel("Account email address").fill("sara.private@icloud.com");
    await pg.pane.getByLabel("App-specific password").fill("abcd-efgh-ijkl-mnop");
    await pg.pane.getByRole("button", { name: "Sync", exact: true }).click();
    const refusal = pg.pane.locator(".app-password .refusal");
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain(
      "This iCloud account can't be connected: sara.private@icloud.com is not the address you use in Concilia",
    );
    expect((await saraApi(pg, "GET", "/api/v1/connections")).items).toEqual([]);
    await pg.page.close();
  });

  it("R-CON-8: when the browser blocks the sign-in dialog (Office 12011), the view says so and shows how to allow pop-ups in Chrome, Edge and Safari", async () => {
    const pg = await openSync("message=known&popups=blocked");
    await pg.pane.getByLabel("Google").check();
    await pg.pane.getByRole("button", { name: "Sync", exact: true }).click();
    const help = pg.pane.locator(".popup-help");
    await help.waitFor();
    const text = await help.innerText();
    expect(text).toContain("The sign-in window was blocked");
    expect(text).toContain("Chrome: menu ⋮ › Settings › Privacy and security › Site settings › Pop-ups");
    expect(text).toContain("Edge: menu … › Settings › Cookies and site permissions › Pop-ups and redirects");
    expect(text).toContain("Safari: Safari menu › Settings (Preferences) › Websites › Pop-up Windows");
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });

  it("R-CON-8 / R-CON-9: Google signs in in the Office dialog; the callback page tells the pane, which shows the account with Stop sync and Edit (calendars, the primary preselected)", async () => {
    google.signInAs = "sara@concilia.demo";
    const pg = await openSync();
    const context = pg.page.context();
    // The dialog's window meets Google (the fake authorization server answers the consent) and
    // Microsoft's CDN for office.js (absent here: the page then tells its opener by postMessage).
    await context.route("https://accounts.google.com/**", async (route) => {
      const consent = await fetch(route.request().url(), { redirect: "manual" });
      await route.fulfill({ status: 302, headers: { location: consent.headers.get("location")! } });
    });
    await context.route(OFFICE_JS_URL, (route) =>
      route.fulfill({ contentType: "text/javascript", body: "" }),
    );
    await pg.pane.getByLabel("Google").check();
    await pg.pane.getByLabel("Email only").check();
    const dialogPages: string[] = [];
    context.on("request", (r) => {
      if (r.isNavigationRequest()) dialogPages.push(new URL(r.url()).pathname);
    });
    await pg.pane.getByRole("button", { name: "Sync", exact: true }).click();
    await pg.pane.locator(".note.ok", { hasText: "sara@concilia.demo is connected" }).waitFor();
    // Office opens the dialog on the add-in's domain: Concilia's page, which went on to Google and back.
    const steps = ["/connections/oauth/authorize", "/o/oauth2/v2/auth", "/connections/oauth/callback"];
    const at = steps.map((p) => dialogPages.indexOf(p));
    expect(
      at.every((i, n) => i >= 0 && (n === 0 || i > at[n - 1])),
      dialogPages.join(" "),
    ).toBe(true);
    expect(await pg.pane.locator(".connection h3").textContent()).toBe("Google · sara@concilia.demo");
    expect(await pg.pane.getByRole("button", { name: "Stop sync" }).count()).toBe(1);
    expect(await pg.pane.getByRole("button", { name: "Edit" }).count()).toBe(1);
    const [c] = (await saraApi(pg, "GET", "/api/v1/connections")).items;
    expect(c).toMatchObject({ provider: "google", syncs: "email" });

    // Google stops accepting the stored sign-in: the view says so and offers Reconnect.
    await applyEvent(
      s.ctx.db,
      c.id,
      { type: "failed", kind: "auth", reason: "invalid_grant" },
      syncPolicy(s.ctx.config),
    );
    await pg.pane
      .locator(".sync-status .status-words", {
        hasText: "Reconnect needed: Google no longer accepts Concilia's access.",
      })
      .waitFor({ timeout: 8000 });
    expect(await pg.pane.getByRole("button", { name: "Reconnect" }).count()).toBe(1);

    // The first sync lists the account's calendars; Edit offers them with the primary one ticked.
    await s.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: "sara@concilia.demo", name: "Sara Ventas", primary: true },
        { id: "team-calendar", name: "Team", primary: false },
      ]),
    );
    await pg.pane.getByRole("button", { name: "← Back" }).click();
    await pg.pane.getByRole("button", { name: "My profile" }).click();
    await pg.pane.locator("#profile-items button").first().click();
    await pg.pane.getByRole("button", { name: "Edit" }).click();
    const edit = pg.pane.locator(".sync-edit");
    expect(await edit.getByLabel("Sara Ventas (primary)").isChecked()).toBe(true);
    expect(await edit.getByLabel("Team").isChecked()).toBe(false);
    await edit.getByLabel("Team").check();
    await edit.getByRole("button", { name: "Save" }).click();
    await pg.pane.locator(".note.ok", { hasText: "Sync settings saved." }).waitFor();
    const [saved] = (await saraApi(pg, "GET", "/api/v1/connections")).items;
    expect(saved.calendars.map((k: { id: string; selected: boolean }) => [k.id, k.selected])).toEqual([
      ["sara@concilia.demo", true],
      ["team-calendar", true],
    ]);
    // R-CON-2: the calendar too, which Google was not asked for: the pane offers to reconnect with it.
    await pg.pane.getByRole("button", { name: "Edit" }).click();
    await edit.getByLabel("Email and calendar").check();
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.locator(".note.error", { hasText: "Google has not given Concilia the permission" }).waitFor();
    expect(await edit.getByRole("button", { name: "Reconnect" }).count()).toBe(1);
    expect((await saraApi(pg, "GET", "/api/v1/connections")).items[0].syncs).toBe("email");
    await saraApi(pg, "DELETE", `/api/v1/connections/${c.id}`);
    await pg.page.close();
  });

  it("R-CON-6 / R-CON-9: a custom IMAP account is saved only after a green test (red naming the failing step first); Sync then reads Stop sync and Edit appears", async () => {
    const pg = await openSync();
    await chooseImap(pg);
    await pg.pane.getByLabel("Email only").check();
    expect(await pg.pane.getByLabel("Account email address").inputValue()).toBe("sara@concilia.demo");
    await pg.pane.getByLabel("IMAP server").fill("imap.acme.example");
    await pg.pane.getByLabel("Mail account password").fill("wrong");
    const sync = pg.pane.getByRole("button", { name: "Sync", exact: true });
    expect(await sync.isDisabled()).toBe(true);
    const result = pg.pane.locator(".test-result .note");

    await pg.pane.getByRole("button", { name: "Test connection" }).click();
    await result.waitFor();
    expect(await result.getAttribute("class")).toContain("error");
    expect(await result.innerText()).toContain("It does not work: the name lookup failed.");

    await pg.pane.getByLabel("IMAP server").fill(IMAP_HOST);
    await pg.pane.getByRole("button", { name: "Test connection" }).click();
    await pg.pane.locator(".test-result .note[data-step='login']").waitFor();
    expect(await result.innerText()).toContain("the login failed");
    expect(await sync.isDisabled()).toBe(true);

    await pg.pane.getByLabel("Mail account password").fill("mail-secret");
    await pg.pane.getByRole("button", { name: "Test connection" }).click();
    await pg.pane.locator(".test-result .note.ok").waitFor();
    expect(await result.innerText()).toBe("It works: Concilia can read this mailbox.");

    await sync.click();
    await pg.pane.locator(".note.ok", { hasText: "sara@concilia.demo is connected" }).waitFor();
    expect(await pg.pane.getByRole("button", { name: "Stop sync" }).count()).toBe(1);
    expect(await pg.pane.getByRole("button", { name: "Edit" }).count()).toBe(1);
    expect(await pg.pane.getByRole("button", { name: "Sync", exact: true }).count()).toBe(0);
    const [c] = (await saraApi(pg, "GET", "/api/v1/connections")).items;
    expect(c).toMatchObject({ provider: "imap", syncs: "email", accountAddress: "sara@concilia.demo" });
    expect(c.imapServer).toMatchObject({ host: IMAP_HOST, port: 993, username: "sara@concilia.demo" });
    // The mail account's password went to the IMAP server, never back to the pane.
    expect(world.calls.at(-1)?.password).toBe("mail-secret");
    expect(JSON.stringify(c)).not.toContain("mail-secret");
    await pg.page.close();
  });

  it("R-CON-10: the status in plain words, pause and resume, the first sync's progress refreshing while the view is open, failed items retried", async () => {
    const pg = await openSync("message=known", { fakeClock: true });
    // The open view reads the status again every STATUS_REFRESH_MS (3 s): the test moves the page's
    // clock past the next read instead of waiting for it.
    const nextRead = () => pg.page.clock.fastForward(3000);
    const [c] = (await saraApi(pg, "GET", "/api/v1/connections")).items;
    const words = pg.pane.locator(".sync-status .status-words");
    await words.waitFor();
    expect(await words.innerText()).toBe("Syncing");
    // Nothing found yet: no "0 of 0".
    expect(await pg.pane.locator(".sync-status .progress").count()).toBe(0);

    await pg.pane.getByRole("button", { name: "Pause" }).click();
    await pg.pane.locator(".sync-status[data-status='paused']").waitFor();
    expect(await words.innerText()).toBe("Paused");
    await pg.pane.getByRole("button", { name: "Resume" }).click();
    await pg.pane.locator(".sync-status[data-status='syncing']").waitFor();
    expect(await words.innerText()).toBe("Syncing");
    expect((await saraApi(pg, "GET", `/api/v1/connections/${c.id}/status`)).status).toBe("syncing");

    // The engine records the first sync's progress step by step (increments); the open view follows it
    // without being touched.
    const policy = syncPolicy(s.ctx.config);
    await applyEvent(s.ctx.db, c.id, { type: "progress", found: 120, done: 45, skipped: {} }, policy);
    await nextRead();
    const progress = pg.pane.locator(".sync-status .progress");
    await progress.filter({ hasText: "45 of 120 items synced" }).waitFor({ timeout: 8000 });
    await applyEvent(s.ctx.db, c.id, { type: "progress", found: 0, done: 45, skipped: {} }, policy);
    await nextRead();
    await progress.filter({ hasText: "90 of 120 items synced" }).waitFor({ timeout: 8000 });

    // An item that used its tries: counted, and "Retry failed items" gives it its tries back.
    await recordItemFailure(
      s.ctx.db,
      c.id,
      "mail:INBOX",
      { key: "mail:INBOX:4711", ref: { uid: 4711 } },
      { kind: "temporary", reason: "The server did not answer." },
      1,
    );
    await nextRead();
    const failed = pg.pane.locator(".sync-status .failed-items");
    await failed.filter({ hasText: "1 items could not be synced." }).waitFor({ timeout: 8000 });
    await pg.pane.getByRole("button", { name: "Retry failed items" }).click();
    await failed.waitFor({ state: "detached" });
    expect(await pg.pane.getByRole("button", { name: "Retry failed items" }).count()).toBe(0);

    // A failure that needs the user: the reason in plain words, and Resume.
    await applyEvent(
      s.ctx.db,
      c.id,
      { type: "failed", kind: "not-found", reason: "The mailbox no longer exists." },
      policy,
    );
    await nextRead();
    await words.filter({ hasText: "Sync failed: The mailbox no longer exists." }).waitFor({ timeout: 8000 });
    await pg.pane.getByRole("button", { name: "Resume" }).click();
    await pg.pane.locator(".sync-status[data-status='syncing']").waitFor();
    await pg.pane.getByRole("button", { name: "Edit" }).click();
    await pg.pane.getByRole("button", { name: "Stop sync" }).click();
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });

  it("R-CON-2 / R-CON-9: Edit changes what syncs; an IMAP account cannot take the calendar", async () => {
    const pg = await openSync();
    await pg.pane.getByRole("button", { name: "Edit" }).click();
    const edit = pg.pane.locator(".sync-edit");
    await edit.getByLabel("Email and calendar").check();
    expect(await edit.locator(".note.error").innerText()).toContain("IMAP has no calendars");
    expect(await edit.getByRole("button", { name: "Save" }).isDisabled()).toBe(true);
    await edit.getByLabel("Email only").check();
    await edit.getByRole("button", { name: "Save" }).click();
    await pg.pane.locator(".note.ok", { hasText: "Sync settings saved." }).waitFor();
    await pg.page.close();
  });

  it("R-CON-10: Stop sync asks first, saying everything synced stays; then the connection is gone and Sync is offered again", async () => {
    const pg = await openSync();
    await pg.pane.getByRole("button", { name: "Stop sync" }).click();
    const confirm = pg.pane.getByRole("alertdialog");
    // The confirmation takes the keyboard: Stop sync there has the focus.
    expect(await pg.pane.locator("[role=alertdialog] button:focus").innerText()).toBe("Stop sync");
    expect(await confirm.innerText()).toContain(
      "Stop syncing sara@concilia.demo? Concilia removes this connection and its stored sign-in. Everything already synced stays in Concilia.",
    );
    await confirm.getByRole("button", { name: "Keep syncing" }).click();
    expect(await pg.pane.getByRole("alertdialog").count()).toBe(0);
    expect((await saraApi(pg, "GET", "/api/v1/connections")).items).toHaveLength(1);

    await pg.pane.getByRole("button", { name: "Stop sync" }).click();
    await pg.pane.getByRole("alertdialog").getByRole("button", { name: "Stop sync" }).click();
    await pg.pane
      .locator(".note.ok", {
        hasText: "Sync stopped for sara@concilia.demo. Everything already synced stays in Concilia.",
      })
      .waitFor();
    expect((await saraApi(pg, "GET", "/api/v1/connections")).items).toEqual([]);
    expect(await pg.pane.getByRole("button", { name: "View all providers" }).count()).toBe(1);
    await pg.page.close();
  });

  it("R-CON-1 / R-SB-6: the view speaks Spanish and Italian", async () => {
    const es = await openSync("lang=es-ES&message=known");
    expect(await es.pane.locator(".sync-settings h2").innerText()).toBe(
      "Sincronización de correo y calendario",
    );
    expect(await es.pane.getByRole("button", { name: "Ver todos los proveedores" }).count()).toBe(1);
    await es.pane.getByLabel("Google").check();
    expect(await es.pane.getByRole("button", { name: "Sincronizar", exact: true }).count()).toBe(1);
    await es.page.close();
    const it = await openSync("lang=it-IT&message=known");
    expect(await it.pane.locator(".sync-settings h2").innerText()).toBe(
      "Sincronizzazione di email e calendario",
    );
    await it.pane.getByLabel("Yahoo").check();
    expect(await it.pane.getByLabel("Password specifica per l'app").count()).toBe(1);
    await it.page.close();
  });
});

describe("Outlook pane: the calendar sync's actions (seed 002)", () => {
  /** Sara's iCloud account syncing mail and calendar, its calendar showing `zone`. */
  async function icloudWithCalendar(pg: Playground, zone: string) {
    const me = await saraApi(pg, "GET", "/api/v1/me");
    const c = await createConnection(s.ctx.db, me.id, {
      provider: "icloud",
      accountAddress: `sara.${Math.random().toString(36).slice(2, 8)}@icloud.com`,
      syncs: "both",
    });
    await s.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: "https://caldav.icloud.com/1/work/", name: "Work", primary: true, timeZone: zone },
      ]),
    );
    return { c, me };
  }
  const reopen = async (pg: Playground) => {
    await pg.pane.getByRole("button", { name: /← / }).click();
    await pg.pane.getByRole("button", { name: /My profile|Mi perfil|Il mio profilo/ }).click();
    await pg.pane.locator("#profile-items button").first().click();
  };

  it("R-ACT-5: the view warns, not errors, when the calendar's zone is not the CRM's; none when they match", async () => {
    const pg = await openSync();
    const { c, me } = await icloudWithCalendar(pg, "Asia/Tokyo");
    await reopen(pg);
    const warning = pg.pane.locator(".calendar-sync .note.warn");
    await warning.waitFor();
    expect(await warning.innerText()).toBe(
      `Your calendar shows times in Asia/Tokyo and Concilia in ${me.timeZone}. Times stay right in both: they are only shown on different clocks.`,
    );
    expect(await pg.pane.locator(".calendar-sync .note.error").count()).toBe(0);
    // The same zone on both sides: nothing to say.
    await s.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: "https://caldav.icloud.com/1/work/", name: "Work", primary: true, timeZone: me.timeZone },
      ]),
    );
    await reopen(pg);
    await pg.pane.getByRole("button", { name: "Sync previous activities" }).waitFor();
    expect(await pg.pane.locator(".calendar-sync .note.warn").count()).toBe(0);
    expect(await axe(pg.pane)).toEqual([]);
    await saraApi(pg, "DELETE", `/api/v1/connections/${c.id}`);
    await pg.page.close();
  });

  it("R-ACT-3: Sync previous activities says how many planned activities are on their way, and queues exactly those", async () => {
    const pg = await openSync();
    const { c } = await icloudWithCalendar(pg, "Europe/Madrid");
    await reopen(pg);
    await pg.pane.getByRole("button", { name: "Sync previous activities" }).click();
    const notice = pg.pane.locator(".calendar-sync .note.ok");
    await notice.waitFor();
    const owed = await s.ctx.db.select().from(calendarOutbox).where(eq(calendarOutbox.connectionId, c.id));
    expect(await notice.innerText()).toBe(
      `${owed.length} planned activities are on their way to your calendar. Those already there are not added again.`,
    );
    await saraApi(pg, "DELETE", `/api/v1/connections/${c.id}`);
    await pg.page.close();
  });

  it("R-ACT-4: Remove sync asks first, saying nothing is lost; then the account syncs mail only", async () => {
    const pg = await openSync();
    const { c } = await icloudWithCalendar(pg, "Europe/Madrid");
    await reopen(pg);
    await pg.pane.getByRole("button", { name: "Remove sync" }).click();
    const confirm = pg.pane.getByRole("alertdialog");
    expect(await pg.pane.locator("[role=alertdialog] button:focus").innerText()).toBe("Remove sync");
    expect(await confirm.innerText()).toContain(
      `Remove the calendar sync of ${c.accountAddress}? Nothing is lost: your events and activities stay in Concilia, and what is in your calendar stays there.`,
    );
    await confirm.getByRole("button", { name: "Keep syncing" }).click();
    expect(await pg.pane.getByRole("alertdialog").count()).toBe(0);
    expect((await saraApi(pg, "GET", `/api/v1/connections/${c.id}`)).syncs).toBe("both");
    await pg.pane.getByRole("button", { name: "Remove sync" }).click();
    await pg.pane.getByRole("alertdialog").getByRole("button", { name: "Remove sync" }).click();
    await pg.pane
      .locator(".note.ok", {
        hasText: `The calendar sync of ${c.accountAddress} is removed. Nothing was lost.`,
      })
      .waitFor();
    expect((await saraApi(pg, "GET", `/api/v1/connections/${c.id}`)).syncs).toBe("email");
    // Mail only now: the calendar's actions are gone from the view.
    expect(await pg.pane.getByRole("button", { name: "Remove sync" }).count()).toBe(0);
    await saraApi(pg, "DELETE", `/api/v1/connections/${c.id}`);
    await pg.page.close();
  });

  it("R-ACT-3 / R-ACT-4 / R-ACT-5 / R-SB-6: the calendar sync's actions and warning in Spanish and Italian", async () => {
    const es = await openSync("lang=es-ES&message=known");
    const { c } = await icloudWithCalendar(es, "Asia/Tokyo");
    await reopen(es);
    await es.pane.getByRole("button", { name: "Sincronizar actividades anteriores" }).waitFor();
    expect(await es.pane.locator(".calendar-sync .note.warn").innerText()).toContain(
      "Tu calendario muestra las horas en Asia/Tokyo",
    );
    await es.pane.getByRole("button", { name: "Quitar sincronización" }).click();
    expect(await es.pane.getByRole("alertdialog").innerText()).toContain("No se pierde nada");
    await es.page.close();
    const it = await openSync("lang=it-IT&message=known");
    await it.pane.getByRole("button", { name: "Sincronizza attività precedenti" }).waitFor();
    expect(await it.pane.getByRole("button", { name: "Rimuovi sincronizzazione" }).count()).toBe(1);
    expect(await it.pane.locator(".calendar-sync .note.warn").innerText()).toContain(
      "Il tuo calendario mostra gli orari in Asia/Tokyo",
    );
    await saraApi(it, "DELETE", `/api/v1/connections/${c.id}`);
    await it.page.close();
  });
});
