// R-X-1, R-X-2, R-X-4, R-X-5: the Exchange contact integration's API on a Microsoft connection: who may
// reach it (only the connection's owner: not a user the owner shares records with, not another user,
// not an admin), the consent it needs, categories to choose from, and folders with the shared ones
// marked not synced.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { registerContactsPort } from "../../server/sync/contacts/port-factory.js";
import { categoryNames } from "../../shared/categories.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { MemoryAddressBook } from "../sync/contacts/memory-port.js";
import { api } from "../sync/mail-e2e.js";

const books = new Map<string, MemoryAddressBook>();
registerContactsPort("microsoft", (ctx) => {
  const b = books.get(ctx.connection.id) ?? new MemoryAddressBook();
  books.set(ctx.connection.id, b);
  return b;
});

describe.each(engines)("Exchange integration API on %s", (engine) => {
  let s: TestServer;
  type U = { id: string; token: string; email: string };
  let owner: U;
  let grantee: U;
  let other: U;
  let admin: U;
  let mailbox: string;
  const url = (suffix = "") => `/api/v1/connections/${mailbox}/exchange${suffix}`;

  beforeAll(async () => {
    s = await startTestServer({
      engine,
      work: false,
      env: {
        MICROSOFT_OAUTH_CLIENT_ID: "6b1f0c6e-0000-4000-8000-00000000c0c1",
        MICROSOFT_OAUTH_CLIENT_SECRET: "microsoft-client-secret",
      },
    });
    owner = await s.user("owner@acme.test");
    grantee = await s.user("grantee@acme.test");
    other = await s.user("other@acme.test");
    admin = await s.user("admin@acme.test", { role: "admin" });
    mailbox = (
      await createConnection(s.ctx.db, owner.id, {
        provider: "microsoft",
        accountAddress: "owner@acme.test",
        grantedScopes: ["openid", "Mail.Read", "Calendars.ReadWrite"],
      })
    ).id;
    // The grantee reads the owner's person: still no access to the owner's connection.
    const p = await api(s, owner, "POST", "/api/v1/persons", {
      firstName: "Marta",
      emails: ["marta@x.example"],
    });
    await api(s, owner, "POST", `/api/v1/persons/${p.json().id}/grants`, { userId: grantee.id });
  });
  afterAll(async () => s?.close());

  it("R-X-1: only the connection's owner activates, reads and changes the integration (grantee, other user and admin: not found)", async () => {
    for (const who of [grantee, other, admin])
      expect((await api(s, who, "POST", url(), { language: "es" })).statusCode).toBe(404);
    const r = await api(s, owner, "POST", url(), { language: "es" });
    expect(r.statusCode).toBe(201);
    for (const [method, suffix, body] of [
      ["GET", "", undefined],
      ["PATCH", "", { categories: [] }],
      ["GET", "/categories", undefined],
      ["GET", "/folders", undefined],
      ["POST", "/deactivate", undefined],
    ] as const) {
      for (const who of [grantee, other, admin])
        expect((await api(s, who, method, url(suffix), body)).statusCode, `${method} ${suffix}`).toBe(404);
      expect((await api(s, owner, method, url(suffix), body)).statusCode, `${method} ${suffix}`).toBe(200);
    }
    expect((await api(s, owner, "POST", url(), { language: "es" })).statusCode).toBe(200);
  });

  it("R-X-1: the connection's missing Graph permissions are named, and a reconnect asks for them", async () => {
    const r = await api(s, owner, "GET", url());
    expect(r.json().consentNeeded).toEqual(["Contacts.ReadWrite", "MailboxSettings.ReadWrite"]);
    const start = await api(s, owner, "POST", "/api/v1/connections/oauth/start", {
      provider: "microsoft",
      connectionId: mailbox,
    });
    expect(start.statusCode).toBe(200);
    const scopes = new URL(start.json().authorizationUrl).searchParams.get("scope")!.split(" ");
    expect(scopes).toEqual(
      expect.arrayContaining(["Contacts.ReadWrite", "MailboxSettings.ReadWrite", "Mail.Read"]),
    );
  });

  it("R-X-4: the categories' language is chosen at activation and cannot change afterwards", async () => {
    const r = await api(s, owner, "POST", url(), { language: "it" });
    expect(r.statusCode).toBe(409);
    expect(r.headers["content-type"]).toContain("application/problem+json");
    expect((await api(s, owner, "GET", url())).json().language).toBe("es");
    expect((await api(s, owner, "PATCH", url(), { language: "it" })).statusCode).toBe(400);
  });

  it("R-X-1: an IMAP connection cannot take the integration", async () => {
    const imap = await createConnection(s.ctx.db, owner.id, {
      provider: "imap",
      accountAddress: "owner@imap.acme.test",
    });
    const r = await api(s, owner, "POST", `/api/v1/connections/${imap.id}/exchange`, { language: "en" });
    expect(r.statusCode).toBe(422);
  });

  it("R-X-2: a mailbox without categories says so and how to make one; once made they are offered, ours are not", async () => {
    const empty = await api(s, owner, "GET", url("/categories"));
    expect(empty.json()).toEqual({ items: [], message: expect.stringContaining("Categorize") });
    const book = books.get(mailbox)!;
    book.categories.push(
      { id: "c1", displayName: "Clientes", color: "preset4" },
      { id: "c2", displayName: categoryNames.es.person, color: "preset7" },
    );
    const r = await api(s, owner, "PATCH", url(), { categories: ["Clientes"] });
    expect(r.statusCode).toBe(200);
    expect(r.json().categories).toEqual(["Clientes"]);
    expect((await api(s, owner, "GET", url("/categories"))).json()).toEqual({
      items: [{ name: "Clientes", color: "preset4", chosen: true }],
      message: null,
    });
    const ours = await api(s, owner, "PATCH", url(), { categories: [categoryNames.es.person] });
    expect(ours.statusCode).toBe(400);
  });

  it("R-X-5: shared folders are listed as not synced, with why, and cannot be chosen", async () => {
    const r = await api(s, owner, "GET", url("/folders"));
    const shared = r.json().items.find((f: { kind: string }) => f.kind === "shared");
    expect(shared).toMatchObject({
      synced: false,
      owner: "boss@acme.test",
      reason: expect.stringContaining("owner"),
    });
    const chose = await api(s, owner, "PATCH", url(), { folderIds: ["contacts", "shared-sales"] });
    expect(chose.statusCode).toBe(400);
    expect(chose.json().errors[0].path).toBe("body.folderIds");
    const ok = await api(s, owner, "PATCH", url(), { folderIds: ["clients"], targetFolderId: "clients" });
    expect(ok.statusCode).toBe(200);
    const listed = (await api(s, owner, "GET", url("/folders"))).json().items;
    expect(listed.filter((f: { synced: boolean }) => f.synced).map((f: { id: string }) => f.id)).toEqual([
      "clients",
    ]);
  });

  it("R-X-1: deactivating keeps the settings; nothing is deleted", async () => {
    const r = await api(s, owner, "POST", url("/deactivate"));
    expect(r.json()).toMatchObject({ enabled: false, categories: ["Clientes"], folderIds: ["clients"] });
    expect((await api(s, owner, "POST", url(), { language: "es" })).json()).toMatchObject({
      enabled: true,
      folderIds: ["clients"],
    });
  });
});
