import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { beforeAll, describe, expect, it } from "vitest";
import { MicrosoftEmulator } from "../../emulators/microsoft/emulator.js";
import { serveForFile } from "./serve-for-file.js";

// The Graph contacts emulator against provider-contracts §2: folders, CRUD with If-Match, the
// undocumented multi-value limits, extended properties, delta with 410, and the shared folder.
const microsoft = new MicrosoftEmulator({ allowHttpNotificationUrls: true });
const pushed: { resource: string; changeType: string }[] = [];
const server = setupServer(
  ...microsoft.handlers(),
  http.post("https://concilia.example/push", async ({ request }) => {
    const token = new URL(request.url).searchParams.get("validationToken");
    if (token !== null) return new HttpResponse(token, { headers: { "content-type": "text/plain" } });
    pushed.push(...((await request.json()) as { value: { resource: string; changeType: string }[] }).value);
    return new HttpResponse(null, { status: 202 });
  }),
);
const GRAPH = "https://graph.microsoft.com/v1.0";
const ANA = "ana@contoso.example";
const BO = "bo@contoso.example";
const PROP = "String {6c1e2a54-3f0b-4d2c-9a7e-1b2c3d4e5f60} Name ConciliaContactId";
let token = "";
let boToken = "";

function call(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, as = token) {
  return fetch(url.startsWith("http") ? url : `${GRAPH}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${as}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function round(start: string, headers: Record<string, string> = {}) {
  const items: Record<string, unknown>[] = [];
  let url = start;
  let pages = 0;
  for (;;) {
    const response = await call("GET", url, undefined, headers);
    expect(response.status).toBe(200);
    const body = await response.json();
    pages++;
    items.push(...body.value);
    if (body["@odata.deltaLink"]) return { items, pages, deltaLink: body["@odata.deltaLink"] as string };
    url = body["@odata.nextLink"];
  }
}

serveForFile(server, microsoft);
beforeAll(() => {
  microsoft.addAccount(ANA, "Ana Ruiz");
  microsoft.addAccount(BO, "Bo Lindqvist");
  const scope = "offline_access Contacts.ReadWrite Contacts.Read.Shared MailboxSettings.ReadWrite";
  token = microsoft.issueTokens(ANA, scope).accessToken;
  boToken = microsoft.issueTokens(BO, scope).accessToken;
});

describe("Graph contacts emulator", () => {
  it("creates, reads, lists paged and deletes contacts in the default folder and in a child folder", async () => {
    const created = await call("POST", "/me/contacts", {
      givenName: "Carla",
      surname: "Núñez",
      emailAddresses: [{ address: "carla@client.example", name: "Carla Núñez" }],
      businessPhones: ["+34 600 000 001"],
      companyName: "Client SL",
    });
    expect(created.status).toBe(201);
    const carla = await created.json();
    expect(carla).toMatchObject({ displayName: "Carla Núñez", mobilePhone: null, homePhones: [] });
    expect(carla["@odata.etag"]).toBe(`W/"${carla.changeKey}"`);

    const folder = await (await call("POST", "/me/contactFolders", { displayName: "Clients" })).json();
    expect(folder.parentFolderId).toBe(carla.parentFolderId);
    for (let n = 0; n < 12; n++)
      expect(
        (await call("POST", `/me/contactFolders/${folder.id}/contacts`, { givenName: `P${n}` })).status,
      ).toBe(201);
    const first = await (
      await call("GET", `/me/contactFolders('${folder.id}')/contacts?$top=5&$select=givenName`)
    ).json();
    expect(first.value).toHaveLength(5);
    expect(Object.keys(first.value[0]).sort()).toEqual(["@odata.etag", "givenName", "id"]);
    expect(new URL(first["@odata.nextLink"]).searchParams.get("$skip")).toBe("5");
    const all = await (await call("GET", `/me/contactFolders/${folder.id}/contacts?$top=100`)).json();
    expect(all.value).toHaveLength(12);

    const defaultFolder = await (await call("GET", "/me/contactFolders/contacts")).json();
    expect(defaultFolder).toMatchObject({
      id: carla.parentFolderId,
      wellKnownName: "contacts",
      childFolderCount: 1,
    });
    const top = await (await call("GET", "/me/contactFolders")).json();
    expect(top.value.map((f: { displayName: string }) => f.displayName)).toContain("Clients");
    await call("POST", `/me/contactFolders/${folder.id}/childFolders`, { displayName: "VIP" });
    const children = await (await call("GET", `/me/contactFolders/${folder.id}/childFolders`)).json();
    expect(children.value.map((f: { displayName: string }) => f.displayName)).toEqual(["VIP"]);
    expect((await call("POST", "/me/contactFolders", { displayName: "clients" })).status).toBe(409);

    expect((await call("DELETE", `/me/contacts/${carla.id}`)).status).toBe(204);
    expect((await call("GET", `/me/contacts/${carla.id}`)).status).toBe(404);
  });

  it("answers 400 for more than 3 emailAddresses, 2 businessPhones or 2 homePhones", async () => {
    const emails = [1, 2, 3, 4].map((n) => ({ address: `p${n}@x.example` }));
    const tooMany = await call("POST", "/me/contacts", { givenName: "Many", emailAddresses: emails });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.message).toBe(
      "The multi value property EmailAddresses has 4 entries, that exceeds the max allowed value of 3.",
    );
    expect((await call("POST", "/me/contacts", { businessPhones: ["1", "2", "3"] })).status).toBe(400);
    expect((await call("POST", "/me/contacts", { homePhones: ["1", "2", "3"] })).status).toBe(400);
    const ok = await (await call("POST", "/me/contacts", { emailAddresses: emails.slice(0, 3) })).json();
    expect((await call("PATCH", `/me/contacts/${ok.id}`, { businessPhones: ["1", "2", "3"] })).status).toBe(
      400,
    );
    expect((await call("POST", "/me/contacts", { nonsense: 1 })).status).toBe(400);
  });

  it("PATCH with a stale If-Match answers 412; the current changeKey is accepted and moves on", async () => {
    const c = await (await call("POST", "/me/contacts", { givenName: "Eva" })).json();
    microsoft.contacts(ANA).userEdit(c.id, { jobTitle: "CEO" });
    const stale = await call(
      "PATCH",
      `/me/contacts/${c.id}`,
      { surname: "Lund" },
      { "if-match": `W/"${c.changeKey}"` },
    );
    expect(stale.status).toBe(412);
    expect((await stale.json()).error.code).toBe("ErrorIrresolvableConflict");
    const fresh = microsoft.contacts(ANA).contacts.get(c.id)!.changeKey;
    const ok = await call(
      "PATCH",
      `/me/contacts/${c.id}`,
      { surname: "Lund" },
      { "if-match": `W/"${fresh}"` },
    );
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ surname: "Lund", jobTitle: "CEO" });
    expect(body.changeKey).not.toBe(fresh);
  });

  it("sets extended properties on POST and PATCH, expands them only with a $filter on id, finds an item by value", async () => {
    const c = await (
      await call("POST", "/me/contacts", {
        givenName: "Ida",
        singleValueExtendedProperties: [{ id: PROP, value: "crm-ida" }],
      })
    ).json();
    expect(c.singleValueExtendedProperties).toBeUndefined();
    const expand = `$expand=singleValueExtendedProperties($filter=id eq '${PROP}')`;
    const got = await (await call("GET", `/me/contacts/${c.id}?${expand}`)).json();
    expect(got.singleValueExtendedProperties).toEqual([{ id: PROP, value: "crm-ida" }]);
    expect((await call("GET", `/me/contacts/${c.id}?$expand=singleValueExtendedProperties`)).status).toBe(
      400,
    );
    await call("PATCH", `/me/contacts/${c.id}`, {
      singleValueExtendedProperties: [{ id: PROP, value: "crm-ida-2" }],
    });
    const filter = encodeURIComponent(
      `singleValueExtendedProperties/Any(ep: ep/id eq '${PROP}' and ep/value eq 'crm-ida-2')`,
    );
    const found = await (await call("GET", `/me/contacts?$filter=${filter}&${expand}`)).json();
    expect(found.value.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const byMail = encodeURIComponent("emailAddresses/any(a:a/address eq 'nobody@x.example')");
    expect((await (await call("GET", `/me/contacts?$filter=${byMail}`)).json()).value).toEqual([]);
    expect(
      (await call("GET", `/me/contacts?$filter=${encodeURIComponent("givenName eq 'Ida'")}`)).status,
    ).toBe(400);
  });

  it("contact delta: paged rounds by odata.maxpagesize, changes and @removed after, 410 with Location once invalidated", async () => {
    const store = microsoft.contacts(ANA);
    const folder = store.addFolder("Delta");
    const ids = Array.from({ length: 7 }, (_, n) => store.seed({ givenName: `D${n}` }, folder.id).id);
    const prefer = { prefer: "odata.maxpagesize=3" };
    const first = await round(`/me/contactFolders/${folder.id}/contacts/delta?$select=givenName`, prefer);
    expect(first.pages).toBe(3);
    expect(first.items.map((i) => i.givenName)).toEqual(["D0", "D1", "D2", "D3", "D4", "D5", "D6"]);
    expect(first.deltaLink).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/contactfolders\('/);
    expect(Object.keys(first.items[0])).not.toContain("surname");

    store.userEdit(ids[1], { surname: "Edited" });
    store.remove(ids[2]);
    store.seed({ givenName: "New" }, folder.id);
    const second = await round(first.deltaLink, prefer);
    expect(second.items.map((i) => i.id ?? null)).toHaveLength(3);
    expect(second.items.find((i) => i.id === ids[2])).toMatchObject({ "@removed": { reason: "deleted" } });
    expect(second.items.find((i) => i.id === ids[1])).toMatchObject({ givenName: "D1" });
    expect(second.items.find((i) => i.givenName === "New")).toMatchObject({
      id: expect.any(String),
      givenName: "New",
    });

    microsoft.invalidateCursors(ANA);
    const gone = await call("GET", second.deltaLink);
    expect(gone.status).toBe(410);
    expect((await gone.json()).error.code).toBe("SyncStateNotFound");
    const restart = await round(gone.headers.get("location")!);
    expect(restart.items).toHaveLength(7);
    const defaults = await round("/me/contacts/delta");
    expect(defaults.items.every((i) => i.parentFolderId === store.defaultFolder.id)).toBe(true);
  });

  it("only the last n deltaLinks stay valid with deltaTokenCache; the rejection code is a knob", async () => {
    const store = microsoft.contacts(ANA);
    const folder = store.addFolder("Cache");
    store.seed({ givenName: "C0" }, folder.id);
    store.quirks.deltaTokenCache = 1;
    store.quirks.cursorRejection = "resyncRequired";
    try {
      const older = await round(`/me/contactFolders/${folder.id}/contacts/delta`);
      const newer = await round(older.deltaLink);
      const evicted = await call("GET", older.deltaLink);
      expect(evicted.status).toBe(410);
      expect((await evicted.json()).error.code).toBe("resyncRequired");
      expect((await call("GET", newer.deltaLink)).status).toBe(200);
    } finally {
      store.quirks = {};
    }
  });

  it("folder delta lists the folders, then only the changed ones", async () => {
    const first = await round("/me/contactFolders/delta");
    expect(first.items.map((f) => f.displayName)).toContain("Contacts");
    const store = microsoft.contacts(ANA);
    store.renameFolder(store.addFolder("Later").id, "Later on");
    const second = await round(first.deltaLink);
    expect(second.items.map((f) => f.displayName)).toEqual(["Later on"]);
  });

  it("master categories: create, duplicate name 409 ErrorAlreadyExists, PATCH only color, delete", async () => {
    const made = await call("POST", "/me/outlook/masterCategories", {
      displayName: "Concilia Person",
      color: "preset7",
    });
    expect(made.status).toBe(201);
    const cat = await made.json();
    const dup = await call("POST", "/me/outlook/masterCategories", {
      displayName: "Concilia Person",
      color: "preset0",
    });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.code).toBe("ErrorAlreadyExists");
    expect(
      (await call("PATCH", `/me/outlook/masterCategories/${cat.id}`, { displayName: "Renamed" })).status,
    ).toBe(400);
    const recoloured = await call("PATCH", `/me/outlook/masterCategories/${cat.id}`, { color: "preset4" });
    expect(await recoloured.json()).toMatchObject({ displayName: "Concilia Person", color: "preset4" });
    expect(
      (await call("POST", "/me/outlook/masterCategories", { displayName: "X", color: "purple" })).status,
    ).toBe(400);
    const renamed = microsoft.contacts(ANA).renameCategory(cat.id, "Mine now", "keep-id");
    expect(renamed.id).toBe(cat.id);
    const replaced = microsoft.contacts(ANA).renameCategory(cat.id, "Mine again", "replace");
    expect(replaced.id).not.toBe(cat.id);
    expect((await call("DELETE", `/me/outlook/masterCategories/${replaced.id}`)).status).toBe(204);
    const list = await (await call("GET", "/me/outlook/masterCategories")).json();
    expect(list.value.map((c: { displayName: string }) => c.displayName)).not.toContain("Mine again");
    expect(list["@odata.nextLink"]).toBeUndefined();
  });

  it("R-X-5: another user's shared folder answers reads, refuses writes, and 403 on subscription creation", async () => {
    const bo = microsoft.contacts(BO);
    const team = bo.addFolder("Team");
    const kim = bo.seed({ givenName: "Kim" }, team.id);
    const hidden = bo.addFolder("Private");
    bo.share(team.id, ANA);
    const folder = await call("GET", `/users/${BO}/contactFolders/${team.id}`);
    expect(await folder.json()).toMatchObject({ displayName: "Team" });
    const list = await (await call("GET", `/users/${BO}/contactFolders/${team.id}/contacts`)).json();
    expect(list.value.map((c: { id: string }) => c.id)).toEqual([kim.id]);
    expect((await call("GET", `/users/${BO}/contactFolders/${hidden.id}/contacts`)).status).toBe(403);
    expect(
      (await call("POST", `/users/${BO}/contactFolders/${team.id}/contacts`, { givenName: "X" })).status,
    ).toBe(403);
    const sub = await call("POST", "/subscriptions", {
      changeType: "created,updated",
      resource: `/users/${BO}/contactFolders/${team.id}/contacts`,
      notificationUrl: "https://concilia.example/push",
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(sub.status).toBe(403);
    const readOnly = microsoft.issueTokens(ANA, "Contacts.Read").accessToken;
    expect(
      (await call("GET", `/users/${BO}/contactFolders/${team.id}/contacts`, undefined, {}, readOnly)).status,
    ).toBe(403);
    expect((await call("GET", "/me/contacts", undefined, {}, boToken)).status).toBe(200);
  });

  it("a subscription on a contact folder is notified of its contacts' changes, not of other folders'", async () => {
    const store = microsoft.contacts(ANA);
    const watched = store.addFolder("Watched");
    const sub = await call("POST", "/subscriptions", {
      changeType: "created,updated",
      resource: `/me/contactFolders/${watched.id}/contacts`,
      notificationUrl: "https://concilia.example/push",
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(sub.status).toBe(201);
    pushed.length = 0;
    const inside = store.seed({ givenName: "Watched" }, watched.id);
    store.seed({ givenName: "Elsewhere" });
    store.userEdit(inside.id, { jobTitle: "CTO" });
    await microsoft.outbox.flush();
    expect(pushed.map((n) => [n.changeType, n.resource.split("/").pop()])).toEqual([
      ["created", inside.id],
      ["updated", inside.id],
    ]);
    expect(pushed[0].resource).toMatch(/^Users\/[^/]+\/Contacts\//);
  });

  it("throttles, loses answers after applying them, counts requests per endpoint, and batches contact reads", async () => {
    microsoft.faults.set(ANA, {
      throttle: { status: 429, retryAfter: 3, endpoints: ["graph.contacts.*"], times: 1 },
    });
    const throttled = await call("GET", "/me/contacts");
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("3");
    microsoft.faults.set(ANA, { loseResponse: { endpoints: ["graph.contacts.create"], times: 1 } });
    const before = microsoft.contacts(ANA).contacts.size;
    await expect(call("POST", "/me/contacts", { givenName: "Lost" })).rejects.toThrow();
    expect(microsoft.contacts(ANA).contacts.size).toBe(before + 1);
    microsoft.faults.set(ANA, {
      throttle: { status: 503, retryAfter: 1, endpoints: ["graph.masterCategories.list"], times: 1 },
    });
    expect((await call("GET", "/me/outlook/masterCategories")).status).toBe(503);
    const ids = [...microsoft.contacts(ANA).contacts.keys()].slice(0, 3);
    const batch = await call("POST", "/$batch", {
      requests: ids.map((id, n) => ({
        id: String(n),
        method: "GET",
        url: `/me/contacts/${id}?$select=givenName`,
      })),
    });
    const answers = (await batch.json()).responses;
    expect(answers.map((a: { status: number }) => a.status)).toEqual([200, 200, 200]);
    expect(microsoft.counter.snapshot().perEndpoint["graph.contacts.get"]).toBe(3);
    expect(microsoft.counter.snapshot().perEndpoint["graph.contacts.list"]).toBe(1);
  });
});
