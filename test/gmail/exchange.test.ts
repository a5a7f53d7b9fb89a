// R-X in the Gmail add-on: Integrations → Exchange from the sync card, and "Changed by sync" on the
// person's card (R-X-11), run as Gmail runs the BUILT Code.js against a real server. The mailbox's
// address book is the contact sync tests' in-memory one (no Graph port is registered yet).
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardText } from "../../dev/gmail-emulator/card-json.js";
import { demoMessages } from "../../dev/gmail-emulator/demo-messages.js";
import { ADDON_ORIGIN, builtAddon } from "../../dev/gmail-emulator/load.js";
import type { GmailSidebar } from "../../dev/gmail-emulator/sidebar.js";
import { createConnection } from "../../server/connections/connections.js";
import { exchangeIntegrations, overwrittenValues, persons, users } from "../../server/db/schema.js";
import { registerContactsPort } from "../../server/sync/contacts/port-factory.js";
import { MICROSOFT_CLIENT } from "../connections/fake-oauth.js";
import { MemoryAddressBook } from "../sync/contacts/memory-port.js";
import { type GmailWorld, SARA, startGmailWorld } from "./setup.js";

const books = new Map<string, MemoryAddressBook>();
registerContactsPort("microsoft", (ctx) => {
  const b = books.get(ctx.connection.id) ?? new MemoryAddressBook();
  books.set(ctx.connection.id, b);
  return b;
});

let w: GmailWorld;
const sidebars: GmailSidebar[] = [];
beforeAll(async () => {
  w = await startGmailWorld({
    server: {
      work: false,
      env: {
        CONCILIA_SYNC_TICK_SECONDS: "0",
        CONCILIA_PUBLIC_URL: ADDON_ORIGIN,
        MICROSOFT_OAUTH_CLIENT_ID: MICROSOFT_CLIENT.id,
        MICROSOFT_OAUTH_CLIENT_SECRET: MICROSOFT_CLIENT.secret,
      },
    },
  });
}, 60_000);
afterAll(async () => {
  await w?.close();
});

async function openExchange(locale: string) {
  const sb = w.sidebar({ locale });
  sidebars.push(sb);
  await sb.openHomepage();
  await sb.click(/^(Email & calendar sync|Sincronización de correo y calendario)$/);
  await sb.click(/^(Exchange contacts|Contactos de Exchange)$/);
  expect(sb.card.name).toBe("exchange");
  return sb;
}

describe("Gmail add-on: Integrations → Exchange", () => {
  it("R-X-1 / R-X-4 / R-X-2 / R-X-5: activated in Spanish, the language is shown fixed; no categories says how to make one, then categories are chosen; a shared folder is listed as not synced with why", async () => {
    const db = w.server.ctx.db;
    const [sara] = await db.select().from(users).where(eq(users.email, SARA));
    const c = await createConnection(db, sara.id, {
      provider: "microsoft",
      accountAddress: SARA,
      grantedScopes: ["openid", "Mail.Read", "Contacts.ReadWrite", "MailboxSettings.ReadWrite"],
    });
    const sb = await openExchange("es");
    expect(cardText(sb.card)).toContain(
      "Idioma de las categorías de Concilia en Outlook: [ ] English, [x] Español, [ ] Italiano",
    );
    expect(cardText(sb.card)).toContain("los nombres de las categorías no se pueden cambiar después");
    sb.fill({ language: "es" });
    await sb.click("Activar");
    let text = cardText(sb.card);
    expect(text).toContain("Los contactos de Exchange se están sincronizando.");
    expect(text).toContain("Categorías de Concilia en Outlook: Español. Fijado al activar.");
    expect(text).not.toContain("Italiano");
    const [row] = await db
      .select()
      .from(exchangeIntegrations)
      .where(eq(exchangeIntegrations.connectionId, c.id));
    expect(row.language).toBe("es");
    expect(text).toContain("Este buzón todavía no tiene categorías propias");
    expect(text).toContain("Categorizar → Todas las categorías → Nueva");
    expect(text).toContain(
      "Ventas (compartida) (compartida por boss@acme.test): no se sincroniza. | Las carpetas compartidas no se sincronizan",
    );
    expect(text).not.toMatch(/\[.\] Ventas \(compartida\)/);
    // Nothing is missing on a server naming no shared folders: no sign-in is offered.
    expect(text).not.toContain("Volver a iniciar sesión");

    // A category made in Outlook is offered on the next visit; ticking it and one folder is saved.
    books.get(c.id)!.categories.push({ id: "c1", displayName: "Clientes VIP", color: "preset4" });
    sb.back();
    await sb.click("Contactos de Exchange");
    expect(cardText(sb.card)).toContain("[ ] Clientes VIP");
    sb.fill({ categories: ["Clientes VIP"], folderIds: ["clients"] });
    await sb.click("Guardar");
    text = cardText(sb.card);
    expect(text).toContain("Ajustes de Exchange guardados.");
    expect(text).toContain("[x] Clientes VIP");
    const saved = await w.api("GET", `/api/v1/connections/${c.id}/exchange`);
    expect(saved.body).toMatchObject({
      language: "es",
      categories: ["Clientes VIP"],
      folderIds: ["clients"],
      targetFolderId: "clients",
    });

    await sb.click("Desactivar");
    expect(cardText(sb.card)).toContain("No se ha borrado nada");
    expect((await w.api("GET", `/api/v1/connections/${c.id}/exchange`)).body).toMatchObject({
      enabled: false,
      categories: ["Clientes VIP"],
    });
  });

  it("R-X-1: another Microsoft connection is picked; without contact access it offers Grant access to contacts, a sign-in asking for them", async () => {
    const db = w.server.ctx.db;
    const [sara] = await db.select().from(users).where(eq(users.email, SARA));
    const other = await createConnection(db, sara.id, {
      provider: "microsoft",
      accountAddress: "sara.ventas@outlook.example",
      grantedScopes: ["openid", "Mail.Read"],
    });
    const sb = await openExchange("en");
    await sb.change("connectionId", other.id);
    expect(cardText(sb.card)).toContain("Microsoft · sara.ventas@outlook.example");
    await sb.click("Activate");
    expect(cardText(sb.card)).toContain("Microsoft has not yet given Concilia access");
    await sb.click("Grant access to contacts");
    const dialog = new URL(sb.windows.at(-1)!.url);
    const r = await w.server.app.inject({ url: dialog.pathname + dialog.search });
    expect(r.statusCode).toBe(302);
    const authorization = new URL(r.headers.location as string);
    expect(authorization.searchParams.get("scope")!.split(" ")).toEqual(
      expect.arrayContaining(["Contacts.ReadWrite", "MailboxSettings.ReadWrite"]),
    );
    expect(authorization.searchParams.get("login_hint")).toBe("sara.ventas@outlook.example");
    // Closed without signing in: the reloaded add-on settles the pending sign-in.
    await sb.closeWindow();
  });

  it("R-X-5, R-X-1: on a server naming shared folders, a grant without Contacts.Read.Shared is told which permission is missing, and Sign in again asks Microsoft for it; once granted, neither is shown", async () => {
    const config = w.server.ctx.config;
    const before = config.EXCHANGE_SHARED_CONTACT_FOLDERS;
    Object.assign(config, { EXCHANGE_SHARED_CONTACT_FOLDERS: [["boss@acme.test", "shared-sales"]] });
    try {
      const db = w.server.ctx.db;
      const [sara] = await db.select().from(users).where(eq(users.email, SARA));
      const scopes = ["openid", "Mail.Read", "Contacts.ReadWrite", "MailboxSettings.ReadWrite"];
      const lacking = await createConnection(db, sara.id, {
        provider: "microsoft",
        accountAddress: "sara.compartido@outlook.example",
        grantedScopes: scopes,
      });
      const sb = await openExchange("es");
      await sb.change("connectionId", lacking.id);
      sb.fill({ language: "es" });
      await sb.click("Activar");
      const text = cardText(sb.card);
      expect(text).toContain("(Contacts.Read.Shared). Vuelve a iniciar sesión en esta conexión");
      // Her own folders can still be chosen: the missing permission blocks nothing else.
      expect(text).toMatch(/\[.\] Contacts/);
      await sb.click("Volver a iniciar sesión");
      const dialog = new URL(sb.windows.at(-1)!.url);
      const r = await w.server.app.inject({ url: dialog.pathname + dialog.search });
      expect(r.statusCode).toBe(302);
      const authorization = new URL(r.headers.location as string);
      expect(authorization.searchParams.get("scope")!.split(" ")).toEqual(
        expect.arrayContaining(["Contacts.Read.Shared", "Contacts.ReadWrite", "MailboxSettings.ReadWrite"]),
      );
      expect(authorization.searchParams.get("login_hint")).toBe("sara.compartido@outlook.example");
      await sb.closeWindow();

      const granted = await createConnection(db, sara.id, {
        provider: "microsoft",
        accountAddress: "sara.concedido@outlook.example",
        grantedScopes: [...scopes, "Contacts.Read.Shared"],
      });
      const again = await openExchange("es");
      await again.change("connectionId", granted.id);
      again.fill({ language: "es" });
      await again.click("Activar");
      const grantedText = cardText(again.card);
      expect(grantedText).toMatch(/\[.\] Contacts/);
      expect(grantedText).not.toContain("Contacts.Read.Shared");
      expect(grantedText).not.toContain("Volver a iniciar sesión");
    } finally {
      Object.assign(config, { EXCHANGE_SHARED_CONTACT_FOLDERS: before });
    }
  });

  it("R-X-11: the person's card shows what sync overwrote under Changed by sync", async () => {
    const db = w.server.ctx.db;
    const [giulia] = await db.select().from(persons).where(eq(persons.firstName, "Giulia"));
    await db.insert(overwrittenValues).values({
      id: randomUUID(),
      personId: giulia.id,
      field: "jobTitle",
      oldValue: "Head of Procurement",
      source: "crm",
      overwrittenAt: new Date("2026-11-20T09:30:00Z"),
    });
    const sb = w.sidebar({ locale: "en" });
    await sb.openMessage(demoMessages()[1].id);
    expect(sb.card.header?.title).toBe("Giulia Rossi");
    const text = cardText(sb.card);
    expect(text).toContain("Changed by sync");
    expect(text).toMatch(/Job title: “Head of Procurement”, was in Concilia, replaced .*2026/);
    sidebars.push(sb);
  });

  it("R-X-1: every exchange function of Code.js was exercised by the tests above", async () => {
    const invoked = new Set(sidebars.flatMap((sb) => sb.history.map((h) => h.fn)));
    const { functions } = await builtAddon();
    const exchange = functions.filter((f) => f.startsWith("exchange"));
    expect(exchange.length).toBeGreaterThanOrEqual(5);
    expect(exchange.filter((f) => !invoked.has(f))).toEqual([]);
  });
});
