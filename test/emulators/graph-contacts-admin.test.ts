import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNT, seedDemo } from "../../emulators/demo.js";
import { type ServedEmulators, serveEmulators } from "../../emulators/serve.js";

// The contacts part of the served Microsoft emulator's admin route: what a served test or the dev
// playground uses to seed Exchange contacts and act as the user in Outlook between two syncs.
const ANA = "ana@contoso.example";
const BO = "bo@contoso.example";
let served: ServedEmulators;

const admin = (path: string, method = "GET", body?: unknown, who = ANA) =>
  fetch(`${served.microsoftUrl}/__emulator/accounts/${encodeURIComponent(who)}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  served = await serveEmulators({ googlePort: 0, microsoftPort: 0 });
  served.microsoft.addAccount(ANA, "Ana Ruiz");
  served.microsoft.addAccount(BO, "Bo Lindqvist");
});
afterAll(() => served.close());

describe("served Graph contacts admin route", () => {
  it("seeds folders and contacts, edits and deletes as the user, invalidates delta, reads the ground truth", async () => {
    const token = served.microsoft.issueTokens(ANA, "Contacts.ReadWrite").accessToken;
    const graph = (path: string) =>
      fetch(path.startsWith("http") ? path : `${served.env.GRAPH_URL}${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    const folder = await (await admin("/contact-folders", "POST", { displayName: "Clients" })).json();
    const seeded = await admin("/contacts", "POST", {
      contact: { givenName: "Carla", emailAddresses: [{ address: "carla@client.example" }] },
      folderId: folder.id,
    });
    expect(seeded.status).toBe(201);
    const { id } = await seeded.json();
    const bad = await admin("/contacts", "POST", {
      contact: { emailAddresses: [1, 2, 3, 4].map((n) => ({ address: `${n}@x.example` })) },
    });
    expect(bad.status).toBe(400);

    const first = await (await graph(`/me/contactFolders/${folder.id}/contacts/delta`)).json();
    expect(first.value.map((c: { givenName: string }) => c.givenName)).toEqual(["Carla"]);
    expect(first["@odata.deltaLink"].startsWith(served.microsoftUrl)).toBe(true);
    expect(
      (
        await admin(`/contacts/${encodeURIComponent(id)}`, "PATCH", {
          changes: { jobTitle: "CFO", categories: ["Golf"] },
        })
      ).status,
    ).toBe(200);
    const second = await (await graph(first["@odata.deltaLink"])).json();
    expect(second.value).toMatchObject([{ id, jobTitle: "CFO", categories: ["Golf"] }]);

    expect((await admin("/actions", "POST", { action: "invalidateCursors" })).status).toBe(204);
    expect((await graph(second["@odata.deltaLink"])).status).toBe(410);
    expect((await admin(`/contacts/${encodeURIComponent(id)}`, "DELETE")).status).toBe(204);
    const truth = await (await admin("/contacts")).json();
    expect(truth.contacts).toEqual([]);
    expect(truth.folders.map((f: { displayName: string }) => f.displayName)).toEqual(["Contacts", "Clients"]);
  });

  it("R-X-4: the user renames a master category keeping its id or replacing it, or deletes it", async () => {
    const cat = await (
      await admin("/categories", "POST", { displayName: "Concilia Person", color: "preset7" })
    ).json();
    const kept = await (
      await admin(`/categories/${cat.id}`, "PATCH", { displayName: "Persons", mode: "keep-id" })
    ).json();
    expect(kept).toEqual({ id: cat.id, displayName: "Persons", color: "preset7" });
    const replaced = await (
      await admin(`/categories/${cat.id}`, "PATCH", { displayName: "People", mode: "replace" })
    ).json();
    expect(replaced.id).not.toBe(cat.id);
    expect((await admin(`/categories/${cat.id}`, "DELETE")).status).toBe(400);
    expect((await admin(`/categories/${replaced.id}`, "DELETE")).status).toBe(204);
    expect((await (await admin("/contacts")).json()).categories).toEqual([]);
    expect((await admin("/categories", "POST", { color: "preset1" })).status).toBe(400);
  });

  it("R-X-5: a folder seeded as shared is readable by the other user", async () => {
    const shared = await (
      await admin("/contact-folders", "POST", { displayName: "Team", sharedWith: [ANA] }, BO)
    ).json();
    const token = served.microsoft.issueTokens(ANA, "Contacts.Read.Shared").accessToken;
    const res = await fetch(`${served.env.GRAPH_URL}/users/${BO}/contactFolders/${shared.id}/contacts`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
  });

  it("the demo account has Exchange contacts in two folders and a master category of the user's", async () => {
    await seedDemo(served.google, served.microsoft, 0);
    const truth = await (await admin("/contacts", "GET", undefined, DEMO_ACCOUNT.email)).json();
    expect(truth.contacts.map((c: { displayName: string }) => c.displayName).sort()).toEqual([
      "Carmen Vidal",
      "Luca Bianchi",
    ]);
    expect(truth.folders.map((f: { displayName: string }) => f.displayName)).toEqual([
      "Contacts",
      "Personal",
    ]);
    expect(truth.categories.map((c: { displayName: string }) => c.displayName)).toEqual(["Golf"]);
  });
});
