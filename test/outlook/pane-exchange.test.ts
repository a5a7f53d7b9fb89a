// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators' innerText(), as a user reads the text.
// R-X: My profile → Integrations → Exchange in the Outlook pane, and the card's "Changed by sync"
// section (R-X-11), in Chromium against a real server. The mailbox's address book is the contact sync
// tests' in-memory one (the server reaches Exchange through that port; no Graph one is registered yet).
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { overwrittenValues, persons, users } from "../../server/db/schema.js";
import { registerContactsPort } from "../../server/sync/contacts/port-factory.js";
import { syncWords } from "../../shared/sync-words.js";
import { MICROSOFT_CLIENT } from "../connections/fake-oauth.js";
import { MemoryAddressBook } from "../sync/contacts/memory-port.js";
import {
  axe,
  launchChromium,
  openPlayground,
  type PaneServer,
  type Playground,
  startPaneServer,
} from "./pane-harness.js";

const books = new Map<string, MemoryAddressBook>();
registerContactsPort("microsoft", (ctx) => {
  const b = books.get(ctx.connection.id) ?? new MemoryAddressBook();
  books.set(ctx.connection.id, b);
  return b;
});
const CONTACT_SCOPES = [
  "openid",
  "Mail.Read",
  "Calendars.ReadWrite",
  "Contacts.ReadWrite",
  "MailboxSettings.ReadWrite",
];

let s: PaneServer;
let browser: Browser;
let sara: string;

beforeAll(async () => {
  [s, browser] = await Promise.all([
    startPaneServer({
      work: false,
      env: {
        CONCILIA_SYNC_TICK_SECONDS: "0",
        MICROSOFT_OAUTH_CLIENT_ID: MICROSOFT_CLIENT.id,
        MICROSOFT_OAUTH_CLIENT_SECRET: MICROSOFT_CLIENT.secret,
      },
    }),
    launchChromium(),
  ]);
  Object.assign(s.ctx.config, { publicUrl: s.url });
  [{ id: sara }] = await s.ctx.db.select().from(users).where(eq(users.email, "sara@concilia.demo"));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await s?.close().catch(() => {});
});

async function openExchange(query: string): Promise<Playground> {
  const pg = await openPlayground(browser, s.url, query);
  await pg.pane.locator("main[data-view='ready']").waitFor();
  await pg.pane.getByRole("button", { name: /My profile|Mi perfil|Il mio profilo/ }).click();
  await pg.pane.locator("#profile-items button").nth(1).click();
  await pg.pane.locator(".exchange-settings h2").waitFor();
  return pg;
}

async function integrationOf(connectionId: string) {
  const { exchangeIntegrations } = await import("../../server/db/schema.js");
  const [row] = await s.ctx.db
    .select()
    .from(exchangeIntegrations)
    .where(eq(exchangeIntegrations.connectionId, connectionId));
  return row;
}

describe("Outlook pane: Integrations → Exchange", () => {
  it("R-X-1 / R-X-4 / R-X-2 / R-X-5: activated in Spanish, the language is shown fixed; no categories says how to make one, then the categories are chosen; a shared folder is listed as not synced with why", async () => {
    const c = await createConnection(s.ctx.db, sara, {
      provider: "microsoft",
      accountAddress: "sara@concilia.demo",
      grantedScopes: CONTACT_SCOPES,
    });
    const pg = await openExchange("lang=es&message=known");
    expect(await pg.pane.locator(".exchange-settings h2").innerText()).toBe(
      "Integraciones → Contactos de Exchange",
    );
    await pg.pane.getByLabel("Español").check();
    expect(
      await pg.pane.getByText("los nombres de las categorías no se pueden cambiar después").count(),
    ).toBe(1);
    await pg.pane.getByRole("button", { name: "Activar" }).click();
    await pg.pane
      .locator(".note.ok", { hasText: "Los contactos de Exchange se están sincronizando." })
      .waitFor();
    expect(await pg.pane.locator(".exchange-language").innerText()).toBe(
      "Categorías de Concilia en Outlook: Español. Fijado al activar.",
    );
    // Fixed: no language to choose any more.
    expect(await pg.pane.getByLabel("Italiano").count()).toBe(0);
    expect((await integrationOf(c.id)).language).toBe("es");

    const none = pg.pane.locator(".no-categories");
    expect(await none.innerText()).toContain("Este buzón todavía no tiene categorías propias");
    expect(await none.innerText()).toContain("Categorizar → Todas las categorías → Nueva");
    const shared = pg.pane.locator(".shared-folders li", { hasText: "Ventas (compartida)" });
    expect(await shared.innerText()).toContain("(compartida por boss@acme.test): no se sincroniza.");
    expect(await shared.innerText()).toContain(
      "Las carpetas compartidas no se sincronizan: su propietario decide",
    );
    expect(await pg.pane.getByRole("checkbox", { name: "Ventas (compartida)" }).count()).toBe(0);
    // Nothing is missing on a server naming no shared folders: no sign-in is offered.
    expect(await pg.pane.locator(".shared-scope-missing").count()).toBe(0);
    expect(await pg.pane.getByRole("button", { name: "Volver a iniciar sesión" }).count()).toBe(0);
    // The connection's sync status, worded as the sync view words it.
    const status = pg.pane.locator(".exchange .sync-status .status-words");
    await status.waitFor();
    const words = syncWords.es;
    expect([words.status_syncing, words.status_up_to_date, words.status_paused]).toContain(
      await status.innerText(),
    );
    expect(await axe(pg.pane)).toEqual([]);

    // A category made in Outlook is offered next time; choosing it and a folder is saved.
    books.get(c.id)!.categories.push({ id: "c1", displayName: "Clientes VIP", color: "preset4" });
    await pg.pane.getByRole("button", { name: "← Volver" }).click();
    await pg.pane.getByRole("button", { name: "Mi perfil" }).click();
    await pg.pane.locator("#profile-items button").nth(1).click();
    await pg.pane.getByRole("checkbox", { name: "Clientes VIP" }).check();
    await pg.pane.getByRole("checkbox", { name: "Contacts" }).uncheck();
    await pg.pane.getByRole("button", { name: "Guardar" }).click();
    await pg.pane.locator(".note.ok", { hasText: "Ajustes de Exchange guardados." }).waitFor();
    expect(await integrationOf(c.id)).toMatchObject({
      categories: ["Clientes VIP"],
      folderIds: ["clients"],
      targetFolderId: "clients",
    });

    // Deactivate keeps everything.
    await pg.pane.getByRole("button", { name: "Desactivar" }).click();
    await pg.pane.locator(".note.ok", { hasText: "No se ha borrado nada" }).waitFor();
    expect(await integrationOf(c.id)).toMatchObject({ enabled: false, categories: ["Clientes VIP"] });
    await pg.page.close();
  });

  it("R-X-1: a connection without contact access offers Grant access to contacts, which signs in again asking for it", async () => {
    await createConnection(s.ctx.db, sara, {
      provider: "microsoft",
      accountAddress: "sara.ventas@outlook.example",
      grantedScopes: ["openid", "Mail.Read"],
    });
    const pg = await openExchange("lang=en&message=known");
    await pg.pane.getByLabel("Microsoft account").selectOption({ label: "sara.ventas@outlook.example" });
    await pg.pane.getByRole("button", { name: "Activate" }).click();
    const consent = pg.pane.locator(".consent");
    await consent.getByText("Microsoft has not yet given Concilia access").waitFor();
    const asked = new Promise<string>((resolve) =>
      pg.page.context().route("https://login.microsoftonline.com/**", async (route) => {
        resolve(route.request().url());
        await route.fulfill({ status: 200, contentType: "text/html", body: "<title>Microsoft</title>" });
      }),
    );
    await consent.getByRole("button", { name: "Grant access to contacts" }).click();
    const scopes = new URL(await asked).searchParams.get("scope")!.split(" ");
    expect(scopes).toEqual(expect.arrayContaining(["Contacts.ReadWrite", "MailboxSettings.ReadWrite"]));
    expect(new URL(await asked).searchParams.get("login_hint")).toBe("sara.ventas@outlook.example");
    await pg.page.close();
  });

  it("R-X-5, R-X-1: on a server naming shared folders, a grant without Contacts.Read.Shared is told which permission is missing, and Sign in again asks Microsoft for it", async () => {
    const before = s.ctx.config.EXCHANGE_SHARED_CONTACT_FOLDERS;
    Object.assign(s.ctx.config, { EXCHANGE_SHARED_CONTACT_FOLDERS: [["boss@acme.test", "shared-sales"]] });
    try {
      await createConnection(s.ctx.db, sara, {
        provider: "microsoft",
        accountAddress: "sara.compartido@outlook.example",
        grantedScopes: CONTACT_SCOPES,
      });
      const pg = await openExchange("lang=es&message=known");
      await pg.pane
        .getByLabel("Cuenta de Microsoft")
        .selectOption({ label: "sara.compartido@outlook.example" });
      await pg.pane.getByLabel("Español").check();
      await pg.pane.getByRole("button", { name: "Activar" }).click();
      const note = pg.pane.locator(".shared-scope-missing");
      await note.waitFor();
      expect(await note.innerText()).toContain("(Contacts.Read.Shared)");
      expect(await note.innerText()).toContain("Vuelve a iniciar sesión en esta conexión");
      // Her own folders can still be chosen: the missing permission blocks nothing else.
      expect(await pg.pane.locator(".consent").count()).toBe(0);
      expect(await pg.pane.getByRole("checkbox", { name: "Contacts" }).count()).toBe(1);
      expect(await axe(pg.pane)).toEqual([]);
      // Next to the message, the sign-in that fixes it: this connection's, asking for the shared contacts.
      const asked = new Promise<string>((resolve) =>
        pg.page.context().route("https://login.microsoftonline.com/**", async (route) => {
          resolve(route.request().url());
          await route.fulfill({ status: 200, contentType: "text/html", body: "<title>Microsoft</title>" });
        }),
      );
      await note.getByRole("button", { name: "Volver a iniciar sesión" }).click();
      const consent = new URL(await asked).searchParams;
      expect(consent.get("scope")!.split(" ")).toEqual(
        expect.arrayContaining(["Contacts.Read.Shared", "Contacts.ReadWrite", "MailboxSettings.ReadWrite"]),
      );
      expect(consent.get("login_hint")).toBe("sara.compartido@outlook.example");
      await pg.page.close();

      // Once granted, the message and its button are gone.
      await createConnection(s.ctx.db, sara, {
        provider: "microsoft",
        accountAddress: "sara.concedido@outlook.example",
        grantedScopes: [...CONTACT_SCOPES, "Contacts.Read.Shared"],
      });
      const granted = await openExchange("lang=es&message=known");
      await granted.pane
        .getByLabel("Cuenta de Microsoft")
        .selectOption({ label: "sara.concedido@outlook.example" });
      await granted.pane.getByRole("button", { name: "Activar" }).click();
      await granted.pane.getByRole("checkbox", { name: "Contacts" }).waitFor();
      expect(await granted.pane.locator(".shared-scope-missing").count()).toBe(0);
      expect(await granted.pane.getByRole("button", { name: "Volver a iniciar sesión" }).count()).toBe(0);
      await granted.page.close();
    } finally {
      Object.assign(s.ctx.config, { EXCHANGE_SHARED_CONTACT_FOLDERS: before });
    }
  });

  it("R-X-11: the contact card shows what sync overwrote (field, old value, where it was, when) under Changed by sync", async () => {
    const [giulia] = await s.ctx.db.select().from(persons).where(eq(persons.firstName, "Giulia"));
    await s.ctx.db.insert(overwrittenValues).values({
      id: randomUUID(),
      personId: giulia.id,
      field: "mobilePhone",
      oldValue: "+39 333 111 2222",
      source: "exchange",
      overwrittenAt: new Date("2026-11-20T09:30:00Z"),
    });
    const pg = await openPlayground(browser, s.url, "lang=es&message=known");
    const section = pg.pane.locator("section.sync-changes");
    await section.waitFor();
    expect(await section.locator("h3").textContent()).toBe("Cambiado por la sincronización");
    const line = await section.locator("li[data-field='mobilePhone']").innerText();
    expect(line).toContain("Móvil: «+39 333 111 2222», estaba en Exchange, sustituido");
    expect(line).toMatch(/20/);
    // Still one request for the whole card (R-SB-8).
    expect(pg.apiRequests.filter((r) => r.includes("/context")).length).toBeLessThanOrEqual(1);
    expect(await axe(pg.pane)).toEqual([]);
    await pg.page.close();
  });
});
