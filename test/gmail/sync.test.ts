// R-CON in the Gmail add-on: "Email & calendar sync" from the homepage and the universal action, run
// as Gmail runs the BUILT Code.js (the emulator), against a real server with the connections API and
// the sync engine's routes. IMAP servers are the connections tests' fake world; Google's OAuth
// endpoints are the connections tests' fake authorization server (msw); sync runs only when asked.
import { eq } from "drizzle-orm";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CardJson, cardText, clickables } from "../../dev/gmail-emulator/card-json.js";
import { ADDON_ORIGIN, builtAddon } from "../../dev/gmail-emulator/load.js";
import type { GmailSidebar } from "../../dev/gmail-emulator/sidebar.js";
import { storeListedCalendars } from "../../server/connections/calendars.js";
import { createConnection } from "../../server/connections/connections.js";
import { calendarOutbox } from "../../server/db/schema.js";
import { recordItemFailure } from "../../server/sync/failed-items.js";
import { applyEvent, syncPolicy } from "../../server/sync/state-machine.js";
import { fakeGoogle, GOOGLE_CLIENT } from "../connections/fake-oauth.js";
import { fakeImapWorld } from "../connections/imap-tester.js";
import { newCalendarUser } from "../harness/caldav.js";
import { type GmailWorld, SARA, startGmailWorld } from "./setup.js";

const IMAP_HOST = "imap.acme-iberia.example";
const imap = fakeImapWorld({ [IMAP_HOST]: { port: 993, logins: { [SARA]: "mail-secret" } } });
const google = fakeGoogle();
const msw = setupServer(...google.handlers());
const SYNC = "Email & calendar sync";

let w: GmailWorld;
const sidebars: GmailSidebar[] = [];
function sidebar(locale = "en") {
  const sb = w.sidebar({ locale });
  sidebars.push(sb);
  return sb;
}

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: "bypass" });
  w = await startGmailWorld({
    server: {
      imapTester: imap.tester,
      // The tests set each sync state themselves to see how the view shows it: no engine moves it.
      work: false,
      env: {
        CONCILIA_SYNC_TICK_SECONDS: "0",
        // The Other CalDAV server test reaches the tests' Radicale on loopback.
        CONCILIA_ALLOW_PRIVATE_HOSTS: "127.0.0.0/8",
        // Where Concilia is served: the origin the add-on was built for.
        CONCILIA_PUBLIC_URL: ADDON_ORIGIN,
        GOOGLE_OAUTH_CLIENT_ID: GOOGLE_CLIENT.id,
        GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE_CLIENT.secret,
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await w?.close();
  msw.close();
});

const text = (card: CardJson) => cardText(card);
const buttonsOf = (card: CardJson) => clickables(card).map((c) => c.label);
const connections = async () => (await w.api("GET", "/api/v1/connections")).body.items;

/** What the pop-up does first: Concilia's page sends the browser on to the provider. */
async function providerUrl(dialogUrl: string): Promise<URL> {
  const u = new URL(dialogUrl);
  const r = await w.server.app.inject({ url: u.pathname + u.search });
  expect(r.statusCode).toBe(302);
  return new URL(r.headers.location as string);
}

/** The sync card, opened the way the user does from the homepage. */
async function openSync(locale = "en") {
  const sb = sidebar(locale);
  await sb.openHomepage();
  await sb.click(
    /^(Email & calendar sync|Sincronización de correo y calendario|Sincronizzazione di email e calendario)$/,
  );
  expect(sb.card.name).toBe("sync");
  return sb;
}

describe("Gmail add-on: Email & calendar sync", () => {
  it("R-CON-1: the homepage leads to Email & calendar sync, and so does the add-on's universal action", async () => {
    const sb = await openSync();
    expect(sb.card.header?.title).toBe(SYNC);
    const viaMenu = sidebar();
    await viaMenu.openHomepage();
    expect(viaMenu.universalActions).toEqual([SYNC]);
    await viaMenu.universalAction(SYNC);
    expect(viaMenu.stack).toHaveLength(1);
    expect(viaMenu.card.name).toBe("sync");
    expect(text(viaMenu.card)).toContain("Choose your provider");

    // Server unreachable: the add-on's error card, whose retry brings the sync card.
    w.online = false;
    try {
      await viaMenu.universalAction(SYNC);
      expect(viaMenu.card.name).toBe("error");
    } finally {
      w.online = true;
    }
    await viaMenu.click("Try again");
    expect(viaMenu.card.name).toBe("sync");
  });

  it("R-CON-3 / R-CON-4 / R-CON-5: four providers and View all providers for IMAP; IMAP refuses calendars and POP3 with the reason", async () => {
    const sb = await openSync();
    expect(text(sb.card)).toContain("Choose your provider: [ ] Google, [ ] Microsoft, [ ] iCloud, [ ] Yahoo");
    await sb.click("View all providers");
    expect(text(sb.card)).toContain("[ ] Other mail server (IMAP)");
    await sb.change("provider", "imap");
    // "Email and calendar" is chosen: IMAP refuses it, and there is nothing to test or save.
    expect(text(sb.card)).toContain("IMAP syncs email only: IMAP has no calendars.");
    expect(buttonsOf(sb.card)).not.toContain("Test connection");
    await sb.change("syncs", "calendar");
    expect(text(sb.card)).toContain("IMAP syncs email only");
    await sb.change("syncs", "email");
    expect(text(sb.card)).not.toContain("IMAP syncs email only");
    expect(buttonsOf(sb.card)).toContain("Test connection");
    await sb.change("protocol", "pop3");
    expect(text(sb.card)).toContain(
      "POP3 is not supported: it downloads messages and deletes them from the server, so there is nothing to keep in sync.",
    );
    expect(buttonsOf(sb.card)).not.toContain("Test connection");
    expect(imap.calls).toHaveLength(0);
  });

  it("R-CON-7: an iCloud address that is not the user's is refused on the card, and nothing is connected", async () => {
    const sb = await openSync();
    await sb.change("provider", "icloud");
    expect(sb.followLink("How to make an app-specific password").url).toContain("support.apple.com");
    sb.fill({ accountAddress: "sara.private@icloud.com", password: "abcd-efgh-ijkl-mnop" });
    await sb.click("Sync");
    expect(text(sb.card)).toContain(
      "This iCloud account can't be connected: sara.private@icloud.com is not the address you use in Concilia.",
    );
    expect(await connections()).toEqual([]);
  });

  it("R-CON-8: Google opens its sign-in in an overlay pop-up that reloads the add-on when it closes; closed without a connection, the card says the pop-up may have been blocked and how to allow pop-ups", async () => {
    const sb = await openSync();
    await sb.change("provider", "google");
    expect(text(sb.card)).toContain("If no sign-in window opened, your browser blocked it");
    await sb.click("Sync");
    const link = sb.windows.at(-1)!;
    expect(link).toMatchObject({ openAs: "OVERLAY", onClose: "RELOAD", open: true });
    const start = new URL(link.url);
    expect(`${start.origin}${start.pathname}`).toBe("https://crm.example.com/connections/oauth/authorize");
    const authorization = await providerUrl(link.url);
    expect(authorization.origin + authorization.pathname).toBe(
      "https://accounts.google.com/o/oauth2/v2/auth",
    );
    expect(authorization.searchParams.get("redirect_uri")).toMatch(/\/connections\/oauth\/callback$/);

    // Nothing came of it (the browser blocked the pop-up, or the user closed it): Gmail reloads the add-on.
    const reload = await sb.closeWindow();
    expect(reload?.fn).toBe("onHomepage");
    const help = text(sb.card);
    expect(help).toContain("The sign-in window was blocked");
    expect(help).toContain("Chrome: menu ⋮ › Settings › Privacy and security › Site settings › Pop-ups");
    expect(help).toContain("Edge: menu … › Settings › Cookies and site permissions");
    expect(help).toContain("Safari: Safari menu › Settings (Preferences) › Websites › Pop-up Windows");
    // The next homepage is the usual one again.
    await sb.openHomepage();
    expect(sb.card.name).toBe("home");
  });

  it("R-CON-8 / R-CON-9: a Google sign-in that completes in the pop-up shows the connected account after the reload, with Stop sync and Edit (calendars, the primary preselected)", async () => {
    google.signInAs = SARA;
    const sb = await openSync();
    await sb.change("provider", "google");
    await sb.change("syncs", "email");
    await sb.click("Sync");
    // What the pop-up does: Concilia's page, the provider's consent, then Concilia's callback page.
    const authorization = await providerUrl(sb.windows.at(-1)!.url);
    const consent = await fetch(authorization, { redirect: "manual" });
    const callback = new URL(consent.headers.get("location")!);
    const page = await w.server.app.inject({ url: callback.pathname + callback.search });
    expect(page.statusCode).toBe(200);
    await sb.closeWindow();
    expect(text(sb.card)).toContain(`${SARA} is connected. The first sync starts shortly.`);
    expect(text(sb.card)).toContain(`Google · ${SARA}`);
    expect(buttonsOf(sb.card)).toEqual(expect.arrayContaining(["Stop sync", "Edit", "Pause", "Refresh"]));
    expect(buttonsOf(sb.card)).not.toContain("Sync");
    const [c] = await connections();
    expect(c).toMatchObject({ provider: "google", syncs: "email", accountAddress: SARA });

    // Google stops accepting the stored sign-in: the card says so and offers Reconnect.
    await applyEvent(
      w.server.ctx.db,
      c.id,
      { type: "failed", kind: "auth", reason: "invalid_grant" },
      syncPolicy(w.server.ctx.config),
    );
    await sb.click("Refresh");
    expect(text(sb.card)).toContain("Reconnect needed: Google no longer accepts Concilia's access.");
    expect(buttonsOf(sb.card)).toContain("Reconnect");

    // The first sync lists the account's calendars; Edit offers them with the primary one ticked.
    await w.server.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: SARA, name: "Sara Ventas", primary: true },
        { id: "team-calendar", name: "Team", primary: false },
      ]),
    );
    await sb.click("Edit");
    expect(text(sb.card)).toContain("Calendars to sync: [x] Sara Ventas (primary), [ ] Team");
    sb.fill({ calendars: [SARA, "team-calendar"] });
    await sb.click("Save");
    expect(text(sb.card)).toContain("Sync settings saved.");
    const [saved] = await connections();
    expect(saved.calendars.map((k: { id: string; selected: boolean }) => [k.id, k.selected])).toEqual([
      [SARA, true],
      ["team-calendar", true],
    ]);
    // R-CON-2: the calendar too, which Google was not asked for: the card offers to reconnect with it.
    await sb.click("Edit");
    sb.fill({ syncs: "both" });
    await sb.click("Save");
    expect(text(sb.card)).toContain("Google has not given Concilia the permission this choice needs yet");
    await sb.click("Reconnect");
    const again = await providerUrl(sb.windows.at(-1)!.url);
    expect(again.searchParams.get("scope")).toContain("calendar");
    expect(again.searchParams.get("login_hint")).toBe(SARA);
    expect((await connections())[0].syncs).toBe("email");
    // Closed without signing in: nothing changed, and the card says how to allow pop-ups.
    await sb.closeWindow();
    expect(text(sb.card)).toContain("The sign-in window was blocked");
    expect(text(sb.card)).not.toContain("is connected");
    // Reconnected for real this time: the account now syncs email and calendar.
    await sb.click("Edit");
    sb.fill({ syncs: "both" });
    await sb.click("Save");
    await sb.click("Reconnect");
    const granted = await fetch(await providerUrl(sb.windows.at(-1)!.url), { redirect: "manual" });
    const back = new URL(granted.headers.get("location")!);
    expect((await w.server.app.inject({ url: back.pathname + back.search })).statusCode).toBe(200);
    await sb.closeWindow();
    expect(text(sb.card)).toContain(`${SARA} is connected.`);
    expect((await connections())[0].syncs).toBe("both");
    await w.api("DELETE", `/api/v1/connections/${c.id}`);
  });

  it("R-CON-6 / R-CON-9: a custom IMAP account is tested red (naming the step) then green before Sync is offered; then Sync reads Stop sync and Edit appears", async () => {
    const sb = await openSync();
    await sb.click("View all providers");
    await sb.change("provider", "imap");
    await sb.change("syncs", "email");
    sb.fill({ accountAddress: SARA, host: "imap.acme.example", username: SARA, password: "wrong" });
    await sb.click("Test connection");
    expect(text(sb.card)).toContain("It does not work: the name lookup failed.");
    expect(buttonsOf(sb.card)).not.toContain("Sync");
    const red = sb.card.sections
      .flatMap((s) => s.widgets)
      .find((x) => "textParagraph" in x && /does not work/.test(x.textParagraph.text));
    expect(JSON.stringify(red)).toContain('color=\\"#b00020\\"');

    sb.fill({ host: IMAP_HOST });
    await sb.click("Test connection");
    expect(text(sb.card)).toContain("It does not work: the login failed.");
    sb.fill({ password: "mail-secret" });
    await sb.click("Test connection");
    expect(text(sb.card)).toContain("It works: Concilia can read this mailbox.");
    // The values typed stay on the rebuilt card.
    expect(text(sb.card)).toContain(`IMAP server: ${IMAP_HOST}`);

    await sb.click("Sync");
    expect(text(sb.card)).toContain(`${SARA} is connected. The first sync starts shortly.`);
    expect(buttonsOf(sb.card)).toEqual(expect.arrayContaining(["Stop sync", "Edit"]));
    expect(buttonsOf(sb.card)).not.toContain("Sync");
    const [c] = await connections();
    expect(c).toMatchObject({ provider: "imap", syncs: "email", imapServer: { host: IMAP_HOST, port: 993 } });
    expect(imap.calls.at(-1)?.password).toBe("mail-secret");
  });

  it("R-CON-10: the status in plain words with Refresh, pause and resume, the first sync's progress, failed items retried", async () => {
    const sb = await openSync();
    const [c] = await connections();
    expect(text(sb.card)).toContain("Syncing");
    expect(text(sb.card)).not.toContain("items synced");
    await sb.click("Pause");
    expect(text(sb.card)).toContain("Paused");
    expect(buttonsOf(sb.card)).toContain("Resume");
    await sb.click("Resume");
    expect(text(sb.card)).toContain("Syncing");
    expect(buttonsOf(sb.card)).toContain("Pause");

    const policy = syncPolicy(w.server.ctx.config);
    await applyEvent(w.server.ctx.db, c.id, { type: "progress", found: 120, done: 45, skipped: {} }, policy);
    expect(text(sb.card)).not.toContain("45 of 120");
    await sb.click("Refresh");
    expect(text(sb.card)).toContain("45 of 120 items synced");

    await recordItemFailure(
      w.server.ctx.db,
      c.id,
      "mail:INBOX",
      { key: "mail:INBOX:4711", ref: { uid: 4711 } },
      { kind: "temporary", reason: "The server did not answer." },
      1,
    );
    await sb.click("Refresh");
    expect(text(sb.card)).toContain("1 items could not be synced.");
    await sb.click("Retry failed items");
    expect(text(sb.card)).not.toContain("could not be synced");
    expect(buttonsOf(sb.card)).not.toContain("Retry failed items");

    // A failure that needs the user: the reason in plain words, and Resume.
    await applyEvent(
      w.server.ctx.db,
      c.id,
      { type: "failed", kind: "not-found", reason: "The mailbox no longer exists." },
      policy,
    );
    await sb.click("Refresh");
    expect(text(sb.card)).toContain("Sync failed: The mailbox no longer exists.");
    await sb.click("Resume");
    expect(text(sb.card)).toContain("Syncing");
  });

  it("R-CON-2 / R-CON-9: Edit changes what syncs; an IMAP account refuses the calendar", async () => {
    const sb = await openSync();
    await sb.click("Edit");
    expect(sb.card.name).toBe("sync-edit");
    sb.fill({ syncs: "both" });
    await sb.click("Save");
    expect(sb.notifications.at(-1)).toContain("IMAP syncs email only");
    sb.fill({ syncs: "email" });
    await sb.click("Save");
    expect(sb.card.name).toBe("sync");
    expect(text(sb.card)).toContain("Sync settings saved.");
  });

  it("R-CON-10: Stop sync asks first, saying everything synced stays; then the connection is gone and Sync is offered again", async () => {
    const sb = await openSync();
    await sb.click("Stop sync");
    expect(text(sb.card)).toContain(
      `Stop syncing ${SARA}? Concilia removes this connection and its stored sign-in. Everything already synced stays in Concilia.`,
    );
    await sb.click("Keep syncing");
    expect(sb.card.name).toBe("sync");
    expect(await connections()).toHaveLength(1);
    await sb.click("Stop sync");
    await sb.click("Stop sync");
    expect(sb.card.name).toBe("sync");
    expect(text(sb.card)).toContain(`Sync stopped for ${SARA}. Everything already synced stays in Concilia.`);
    expect(text(sb.card)).toContain("Choose your provider");
    expect(await connections()).toEqual([]);
  });

  it("R-CON-3 / R-CON-6: Other calendar server (CalDAV) is behind View all providers, calendars only, tested red (the step named) then green (its calendars) before Sync saves it", async () => {
    const cal = await newCalendarUser("Ventas");
    const sb = await openSync();
    expect(text(sb.card)).not.toContain("Other calendar server (CalDAV)");
    await sb.click("View all providers");
    expect(text(sb.card)).toContain("[ ] Other calendar server (CalDAV)");
    await sb.change("provider", "caldav");
    // "Email and calendar" is chosen: a CalDAV server has no mail, and there is nothing to test or save.
    expect(text(sb.card)).toContain("A CalDAV server syncs calendars only");
    expect(buttonsOf(sb.card)).not.toContain("Test connection");
    await sb.change("syncs", "calendar");
    sb.fill({ serverUrl: cal.account.serverUrl, username: cal.account.username, password: "wrong" });
    await sb.click("Test connection");
    expect(text(sb.card)).toContain(
      "It does not work: the login failed. The username or password was not accepted.",
    );
    expect(buttonsOf(sb.card)).not.toContain("Sync");
    sb.fill({ password: cal.account.password });
    await sb.click("Test connection");
    expect(text(sb.card)).toContain("It works: Concilia can see these calendars: Ventas.");
    expect(text(sb.card)).toContain(`Server URL: ${cal.account.serverUrl}`);

    await sb.click("Sync");
    const address = `${cal.account.username}@127.0.0.1`;
    expect(text(sb.card)).toContain(`${address} is connected. The first sync starts shortly.`);
    const [c] = await connections();
    expect(c).toMatchObject({
      provider: "caldav",
      syncs: "calendar",
      caldavServer: { url: cal.account.serverUrl, username: cal.account.username },
    });
    // Back to no connection for the tests after this one.
    expect((await w.api("DELETE", `/api/v1/connections/${c.id}`)).status).toBe(200);
  });

  it("R-CON-1 / R-SB-6: the card speaks Spanish and Italian", async () => {
    const es = await openSync("es");
    expect(es.card.header?.title).toBe("Sincronización de correo y calendario");
    expect(buttonsOf(es.card)).toContain("Ver todos los proveedores");
    await es.change("provider", "google");
    expect(buttonsOf(es.card)).toContain("Sincronizar");
    const it = await openSync("it");
    await it.change("provider", "yahoo");
    expect(text(it.card)).toContain("Password specifica per l'app");
  });

  /** Sara's iCloud account syncing mail and calendar, its calendar showing `zone`. */
  async function icloudWithCalendar(zone: string) {
    const me = (await w.api("GET", "/api/v1/me")).body;
    const c = await createConnection(w.server.ctx.db, me.id, {
      provider: "icloud",
      accountAddress: `sara.${Math.random().toString(36).slice(2, 8)}@icloud.com`,
      syncs: "both",
    });
    await w.server.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: "https://caldav.icloud.com/1/work/", name: "Work", primary: true, timeZone: zone },
      ]),
    );
    return { c, me };
  }

  it("R-ACT-5: the card warns, not errors, when the calendar's zone is not the CRM's; none when they match", async () => {
    const { c, me } = await icloudWithCalendar("Asia/Tokyo");
    const sb = await openSync();
    expect(text(sb.card)).toContain(
      `Your calendar shows times in Asia/Tokyo and Concilia in ${me.timeZone}. Times stay right in both: they are only shown on different clocks.`,
    );
    await w.server.ctx.db.transaction((tx) =>
      storeListedCalendars(tx, c.id, [
        { id: "https://caldav.icloud.com/1/work/", name: "Work", primary: true, timeZone: me.timeZone },
      ]),
    );
    await sb.click("Refresh");
    expect(text(sb.card)).not.toContain("Your calendar shows times in");
    expect(buttonsOf(sb.card)).toEqual(expect.arrayContaining(["Sync previous activities", "Remove sync"]));
    await w.api("DELETE", `/api/v1/connections/${c.id}`);
  });

  it("R-ACT-3: Sync previous activities says how many planned activities are on their way, and queues exactly those", async () => {
    const { c } = await icloudWithCalendar("Europe/Madrid");
    const sb = await openSync();
    await sb.click("Sync previous activities");
    const owed = await w.server.ctx.db
      .select()
      .from(calendarOutbox)
      .where(eq(calendarOutbox.connectionId, c.id));
    expect(text(sb.card)).toContain(
      `${owed.length} planned activities are on their way to your calendar. Those already there are not added again.`,
    );
    await w.api("DELETE", `/api/v1/connections/${c.id}`);
  });

  it("R-ACT-4: Remove sync asks first, saying nothing is lost; then the account syncs mail only", async () => {
    const { c } = await icloudWithCalendar("Europe/Madrid");
    const sb = await openSync();
    await sb.click("Remove sync");
    expect(sb.card.name).toBe("sync-remove-calendar");
    expect(text(sb.card)).toContain(
      `Remove the calendar sync of ${c.accountAddress}? Nothing is lost: your events and activities stay in Concilia, and what is in your calendar stays there.`,
    );
    await sb.click("Keep syncing");
    expect(sb.card.name).toBe("sync");
    expect((await w.api("GET", `/api/v1/connections/${c.id}`)).body.syncs).toBe("both");
    await sb.click("Remove sync");
    await sb.click("Remove sync");
    expect(sb.card.name).toBe("sync");
    expect(text(sb.card)).toContain(`The calendar sync of ${c.accountAddress} is removed. Nothing was lost.`);
    expect((await w.api("GET", `/api/v1/connections/${c.id}`)).body.syncs).toBe("email");
    expect(buttonsOf(sb.card)).not.toContain("Remove sync");
    await w.api("DELETE", `/api/v1/connections/${c.id}`);
  });

  it("R-ACT-3 / R-ACT-4 / R-ACT-5 / R-SB-6: the calendar sync's actions and warning in Spanish and Italian", async () => {
    const { c } = await icloudWithCalendar("Asia/Tokyo");
    const es = await openSync("es");
    expect(buttonsOf(es.card)).toEqual(
      expect.arrayContaining(["Sincronizar actividades anteriores", "Quitar sincronización"]),
    );
    expect(text(es.card)).toContain("Tu calendario muestra las horas en Asia/Tokyo");
    await es.click("Quitar sincronización");
    expect(text(es.card)).toContain("No se pierde nada");
    const it = await openSync("it");
    expect(buttonsOf(it.card)).toEqual(
      expect.arrayContaining(["Sincronizza attività precedenti", "Rimuovi sincronizzazione"]),
    );
    expect(text(it.card)).toContain("Il tuo calendario mostra gli orari in Asia/Tokyo");
    await w.api("DELETE", `/api/v1/connections/${c.id}`);
  });

  it("R-CON: every sync function of Code.js was exercised by the tests above", async () => {
    const invoked = new Set(sidebars.flatMap((sb) => sb.history.map((h) => h.fn)));
    const { functions } = await builtAddon();
    const sync = functions.filter((f) => f.startsWith("sync"));
    expect(sync.length).toBeGreaterThanOrEqual(15);
    expect(sync.filter((f) => !invoked.has(f))).toEqual([]);
  });
});
