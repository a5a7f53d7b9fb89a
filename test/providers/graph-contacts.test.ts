// The Graph contact port against the Microsoft emulator: folders, full and delta listing, the rejected
// cursor, idempotent creates after a lost answer, If-Match conflicts, Exchange's multi-value limits,
// master categories renamed by the user, and shared folders (R-X-3..R-X-7, R-P-2).
import { getEventListeners } from "node:events";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONTACT_ID_PROPERTY, fieldProperty } from "../../server/providers/graph/contacts-extended.js";
import { graphContactsPort } from "../../server/providers/graph/contacts-port.js";
import type { ContactChange, ContactsPort } from "../../server/sync/contacts/port.js";
import { SyncError } from "../../server/sync/errors.js";
import { ANA, contactsWorld, GRAPH, write } from "./graph-contacts-world.js";

const BO = "bo@contoso.test";
const w = contactsWorld({ extraFields: ["website"] });

async function fullRound(port: ContactsPort, folderId: string, cursor: unknown = null, pageSize = 2) {
  const changes: ContactChange[] = [];
  let pages = 0;
  for (;;) {
    const page = await port.listChanges(folderId, cursor, pageSize);
    pages++;
    changes.push(...page.changes);
    cursor = page.cursor;
    if (!page.more) return { changes, cursor, pages };
  }
}

const changed = (changes: ContactChange[]) =>
  changes.flatMap((c) => (c.kind === "changed" ? [c.contact] : []));
const ours = (conciliaId: string) =>
  [...w.store.contacts.values()].filter(
    (c) => c.extended.get(CONTACT_ID_PROPERTY.toLowerCase())?.value === conciliaId,
  );

async function rejection(p: Promise<unknown>): Promise<SyncError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SyncError);
  return err as SyncError;
}

beforeAll(() => {
  w.server.listen({ onUnhandledRequest: "error" });
  w.microsoft.addAccount(BO, "Bo Lindqvist");
});
afterAll(() => w.server.close());
beforeEach(() => {
  w.microsoft.faults.clear();
  w.waits.length = 0;
});

describe("Graph contacts port", () => {
  it("R-X-5: lists the default folder and every folder under it as private", async () => {
    const clients = w.store.addFolder("Clients");
    w.store.addFolder("VIP", clients.id);
    const folders = await w.port.listFolders();
    expect(folders.map((f) => [f.name, f.kind])).toEqual([
      ["Contacts", "private"],
      ["Clients", "private"],
      ["VIP", "private"],
    ]);
    expect(folders[0].id).toBe(w.store.defaultFolder.id);
  });

  it("R-X-5: without the well-known name the default folder is found as the parent of the top-level folders", async () => {
    w.store.quirks.noWellKnownName = true;
    try {
      const folders = await w.port.listFolders();
      expect(folders[0]).toEqual({ id: w.store.defaultFolder.id, name: "Contacts", kind: "private" });
      expect(folders.filter((f) => f.id === w.store.defaultFolder.id)).toHaveLength(1);
    } finally {
      w.store.quirks.noWellKnownName = false;
    }
  });

  it("R-X-6: a full listing pages through the folder and maps fields, categories and our properties", async () => {
    const folder = w.store.addFolder("Full");
    w.store.seed(
      {
        givenName: "Eva",
        surname: "Lund",
        emailAddresses: [{ address: "eva@lund.example" }, { address: "EVA@lund.example" }],
        businessPhones: ["+46 8 000 00"],
        mobilePhone: "+46 70 000 00",
        companyName: "Lund AB",
        jobTitle: "CEO",
        homeAddress: { street: "Storgatan 1", city: "Lund", postalCode: "22100", countryOrRegion: "Sweden" },
        categories: ["Concilia Person", "Golf"],
        singleValueExtendedProperties: [
          { id: CONTACT_ID_PROPERTY, value: "crm-eva" },
          { id: fieldProperty("website"), value: "https://lund.example" },
        ],
      },
      folder.id,
    );
    for (const n of [1, 2, 3, 4]) w.store.seed({ givenName: `P${n}` }, folder.id);
    const { changes, pages } = await fullRound(w.port, folder.id);
    expect(pages).toBe(3);
    const all = changed(changes);
    expect(all.map((c) => c.fields.givenName)).toEqual(["Eva", "P1", "P2", "P3", "P4"]);
    const eva = all[0];
    expect(eva).toMatchObject({
      folderId: folder.id,
      categories: ["Concilia Person", "Golf"],
      extended: { conciliaId: "crm-eva", fields: { website: "https://lund.example" } },
      fields: {
        surname: "Lund",
        emails: ["eva@lund.example"],
        businessPhones: ["+46 8 000 00"],
        mobilePhone: "+46 70 000 00",
        companyName: "Lund AB",
        jobTitle: "CEO",
        businessAddress: null,
        homeAddress: {
          street: "Storgatan 1",
          city: "Lund",
          state: "",
          postalCode: "22100",
          countryOrRegion: "Sweden",
        },
      },
    });
    expect(eva.changeKey).toBe(w.store.contacts.get(eva.id)!.changeKey);
    expect(all[1].extended.conciliaId).toBeNull();
  });

  it("R-X-6, R-X-7: the next delta brings the user's edits and deletions, and nothing else", async () => {
    const folder = w.store.addFolder("Delta");
    const a = w.store.seed({ givenName: "Ann" }, folder.id);
    const b = w.store.seed({ givenName: "Ben" }, folder.id);
    w.store.seed({ givenName: "Cid" }, folder.id);
    const first = await fullRound(w.port, folder.id, null, 10);
    w.store.userEdit(a.id, { jobTitle: "Buyer", categories: ["Concilia Lead"] });
    w.store.remove(b.id);
    w.store.seed({ givenName: "Dan" }, folder.id);
    const next = await fullRound(w.port, folder.id, first.cursor, 10);
    expect(next.changes.find((c) => c.kind === "removed")).toEqual({ kind: "removed", id: b.id });
    const edited = changed(next.changes);
    expect(edited.map((c) => c.fields.givenName).sort()).toEqual(["Ann", "Dan"]);
    expect(edited.find((c) => c.id === a.id)).toMatchObject({
      fields: { jobTitle: "Buyer" },
      categories: ["Concilia Lead"],
    });
    const quiet = await fullRound(w.port, folder.id, next.cursor, 10);
    expect(quiet.changes).toEqual([]);
  });

  it("an empty first delta page with only a nextLink is followed, not taken for the end", async () => {
    const folder = w.store.addFolder("Empty first");
    w.store.seed({ givenName: "Uma" }, folder.id);
    w.store.quirks.emptyFirstDeltaPage = true;
    try {
      const first = await w.port.listChanges(folder.id, null, 10);
      expect(first).toMatchObject({ changes: [], more: true });
      const rest = await fullRound(w.port, folder.id, first.cursor);
      expect(changed(rest.changes).map((c) => c.fields.givenName)).toEqual(["Uma"]);
    } finally {
      w.store.quirks.emptyFirstDeltaPage = false;
    }
  });

  it("R-P-3: our properties are read 20 contacts per $batch; items Outlook throttles inside a batch are asked again", async () => {
    const folder = w.store.addFolder("Batched");
    for (let n = 0; n < 25; n++)
      w.store.seed(
        {
          givenName: `B${n}`,
          singleValueExtendedProperties: [{ id: CONTACT_ID_PROPERTY, value: `crm-b${n}` }],
        },
        folder.id,
      );
    w.microsoft.faults.set(ANA, { batchConcurrency: 4 });
    w.microsoft.counter.reset();
    const page = await w.port.listChanges(folder.id, null, 100);
    const all = changed(page.changes);
    expect(all.map((c) => c.extended.conciliaId)).toEqual(Array.from({ length: 25 }, (_, n) => `crm-b${n}`));
    expect(w.waits.every((ms) => ms === 1000)).toBe(true);
    expect(w.waits.length).toBeGreaterThan(0);
    const counts = w.microsoft.counter.snapshot();
    expect(counts.perEndpoint["graph.contacts.delta"]).toBe(1);
    expect(counts.perEndpoint["graph.contacts.get"]).toBe(25);
  });

  it("R-P-2: a delta link Graph no longer knows (410) is cursor-rejected; a fresh round lists the folder again", async () => {
    const folder = w.store.addFolder("Reset");
    w.store.seed({ givenName: "Ola" }, folder.id);
    const first = await fullRound(w.port, folder.id);
    w.microsoft.invalidateCursors(ANA);
    const err = await rejection(w.port.listChanges(folder.id, first.cursor, 10));
    expect(err.kind).toBe("cursor-rejected");
    const again = await fullRound(w.port, folder.id, null);
    expect(changed(again.changes).map((c) => c.fields.givenName)).toEqual(["Ola"]);
  });

  it("R-P-2, R-X-3: a create is one POST with no look-up; after a lost answer it reports the doubt, and findCreated finds the one contact", async () => {
    const folder = w.store.addFolder("Lost");
    w.microsoft.counter.reset();
    const sure = await w.port.create(folder.id, write("crm-sure", {}, ["Concilia Person"]));
    expect(w.microsoft.counter.snapshot().perEndpoint).toMatchObject({ "graph.contacts.create": 1 });
    expect(w.microsoft.counter.snapshot().perEndpoint["graph.contacts.list"]).toBeUndefined();
    expect(sure.extended.conciliaId).toBe("crm-sure");
    w.microsoft.faults.set(ANA, { loseResponse: { endpoints: ["graph.contacts.create"], times: 1 } });
    const err = await rejection(w.port.create(folder.id, write("crm-carla", {}, ["Concilia Person"])));
    expect(err.kind).toBe("temporary");
    expect(ours("crm-carla")).toHaveLength(1);
    const found = await w.port.findCreated(folder.id, "crm-carla");
    expect(found).toMatchObject({ id: ours("crm-carla")[0].id, extended: { conciliaId: "crm-carla" } });
    expect(found?.categories).toEqual(["Concilia Person"]);
    expect(await w.port.findCreated(folder.id, "crm-nobody")).toBeNull();
  });

  it("R-X-11: an update on a changeKey the user has moved on is a conflict, and the user's edit stays", async () => {
    const made = await w.port.create(w.store.defaultFolder.id, write("crm-conflict"));
    w.store.userEdit(made.id, { jobTitle: "Owner" });
    const err = await rejection(
      w.port.update(made.id, made.changeKey, write("crm-conflict", { jobTitle: "CFO" })),
    );
    expect(err.kind).toBe("conflict");
    expect(w.store.contacts.get(made.id)!.fields.jobTitle).toBe("Owner");
    const fresh = w.store.contacts.get(made.id)!.changeKey;
    const updated = await w.port.update(
      made.id,
      fresh,
      write("crm-conflict", { jobTitle: "CFO", mobilePhone: "+34 611" }),
    );
    expect(updated.fields).toMatchObject({ jobTitle: "CFO", mobilePhone: "+34 611" });
    expect(updated.changeKey).toBe(w.store.contacts.get(made.id)!.changeKey);
  });

  it("R-P-2: an update whose answer was lost is not reported as a conflict", async () => {
    const made = await w.port.create(w.store.defaultFolder.id, write("crm-lost-patch"));
    w.microsoft.faults.set(ANA, { loseResponse: { endpoints: ["graph.contacts.update"], times: 1 } });
    const updated = await w.port.update(
      made.id,
      made.changeKey,
      write("crm-lost-patch", { jobTitle: "COO" }),
    );
    expect(updated.fields.jobTitle).toBe("COO");
    expect(w.store.contacts.get(made.id)!.fields.jobTitle).toBe("COO");
  });

  it("R-X-6: CRM fields Exchange has no place for are kept in our extended properties and read back", async () => {
    const folder = w.store.addFolder("Extra");
    const start = await fullRound(w.port, folder.id, null, 10);
    const crm = write("crm-extra");
    crm.extended.fields = { website: "https://client.example" };
    const made = await w.port.create(folder.id, crm);
    const stored = w.store.contacts.get(made.id)!;
    expect(stored.extended.get(fieldProperty("website").toLowerCase())?.value).toBe("https://client.example");
    const next = await fullRound(w.port, folder.id, start.cursor, 10);
    expect(changed(next.changes)[0].extended).toEqual({
      conciliaId: "crm-extra",
      fields: { website: "https://client.example" },
    });
    crm.extended.fields = {};
    const cleared = await w.port.update(made.id, made.changeKey, crm);
    expect(cleared.extended.fields).toEqual({});
    const after = await fullRound(w.port, folder.id, next.cursor, 10);
    expect(changed(after.changes)[0].extended).toEqual({ conciliaId: "crm-extra", fields: {} });
  });

  it("R-X-6: more than 3 addresses and 2 business phones are cut to the first distinct ones, in CRM order", async () => {
    const emails = ["a@x.example", "b@x.example", "A@x.example", "c@x.example", "d@x.example"];
    const made = await w.port.create(
      w.store.defaultFolder.id,
      write("crm-many", { emails, businessPhones: ["1", "2", "3"] }),
    );
    const stored = w.store.contacts.get(made.id)!;
    expect((stored.fields.emailAddresses as { address: string }[]).map((e) => e.address)).toEqual([
      "a@x.example",
      "b@x.example",
      "c@x.example",
    ]);
    expect(stored.fields.businessPhones).toEqual(["1", "2"]);
    expect(made.fields.emails).toEqual(["a@x.example", "b@x.example", "c@x.example"]);
  });

  it("R-X-3, R-X-4: categories are found by name whether a rename kept the id or replaced the category", async () => {
    const person = await w.port.createCategory("Concilia Person", "preset7");
    expect(await w.port.createCategory("Concilia Person", "preset0")).toEqual(person);
    for (const mode of ["keep-id", "replace"] as const) {
      const current = (await w.port.masterCategories()).find((c) => c.displayName === "Concilia Person")!;
      w.store.renameCategory(current.id, `Mine (${mode})`, mode);
      const names = (await w.port.masterCategories()).map((c) => c.displayName);
      expect(names).not.toContain("Concilia Person");
      expect(names).toContain(`Mine (${mode})`);
      const again = await w.port.createCategory("Concilia Person", "preset7");
      expect(again.id).not.toBe(current.id);
    }
    const renamed = (await w.port.masterCategories()).find((c) => c.displayName === "Mine (keep-id)")!;
    await w.port.deleteCategory(renamed.id);
    await w.port.deleteCategory(renamed.id);
    expect((await w.port.masterCategories()).map((c) => c.displayName).sort()).toEqual([
      "Concilia Person",
      "Mine (replace)",
    ]);
  });

  it("R-X-5: a folder another user shared is listed as shared with its owner; an unshared one is not", async () => {
    const bo = w.microsoft.contacts(BO);
    const team = bo.addFolder("Team");
    const hidden = bo.addFolder("Private");
    bo.share(team.id, ANA);
    const port = graphContactsPort({
      baseUrl: GRAPH,
      accessToken: async () =>
        w.microsoft.issueTokens(ANA, "Contacts.ReadWrite Contacts.Read.Shared").accessToken,
      sharedFolders: [
        { owner: BO, folderId: team.id },
        { owner: BO, folderId: hidden.id },
      ],
    });
    const folders = await port.listFolders();
    expect(folders.filter((f) => f.kind === "shared")).toEqual([
      { id: team.id, name: "Team", kind: "shared", owner: BO },
    ]);
  });

  it("throttling waits the Retry-After; a 503 naming a wait beyond the limit is throttled; a refused token is auth", async () => {
    w.microsoft.faults.set(ANA, {
      throttle: { status: 429, retryAfter: 3, endpoints: ["graph.contacts.delta"], times: 1 },
    });
    await w.port.listChanges(w.store.defaultFolder.id, null, 5);
    expect(w.waits).toEqual([3000]);
    w.microsoft.faults.set(ANA, {
      throttle: { status: 503, retryAfter: 120, endpoints: ["graph.masterCategories.*"] },
    });
    const busy = await rejection(w.port.masterCategories());
    expect(busy.kind).toBe("throttled");
    expect(busy.retryAfterMs).toBe(120_000);
    const bad = graphContactsPort({ baseUrl: GRAPH, accessToken: async () => "not-a-token" });
    expect((await rejection(bad.listFolders())).kind).toBe("auth");
  });

  it("a refused access token is refreshed once; a refresh token Microsoft refuses (invalid_grant) is auth", async () => {
    const asked: boolean[] = [];
    const refreshed = graphContactsPort({
      baseUrl: GRAPH,
      accessToken: async (o) => {
        asked.push(o?.forceRefresh === true);
        return o?.forceRefresh ? w.microsoft.issueTokens(ANA, "MailboxSettings.Read").accessToken : "expired";
      },
    });
    expect(Array.isArray(await refreshed.masterCategories())).toBe(true);
    expect(asked).toEqual([false, true]);
    const revoked = graphContactsPort({
      baseUrl: GRAPH,
      accessToken: async (o) => {
        if (o?.forceRefresh)
          throw new SyncError("auth", "Microsoft refused the refresh token (invalid_grant).");
        return "expired";
      },
    });
    expect((await rejection(revoked.listFolders())).kind).toBe("auth");
  });

  it("a step's many requests leave no listener behind on its signal", async () => {
    const step = new AbortController();
    const port = graphContactsPort({
      baseUrl: GRAPH,
      accessToken: async () => w.microsoft.issueTokens(ANA, "Contacts.ReadWrite").accessToken,
      signal: step.signal,
    });
    for (let i = 0; i < 30; i++) await port.listChanges(w.store.defaultFolder.id, null, 10);
    expect(getEventListeners(step.signal, "abort")).toHaveLength(0);
  });

  it("a stopped step sends nothing more and is not retried", async () => {
    const stop = new AbortController();
    const port = graphContactsPort({
      baseUrl: GRAPH,
      accessToken: async () => w.microsoft.issueTokens(ANA, "Contacts.ReadWrite").accessToken,
      signal: stop.signal,
      retry: { sleep: async (ms) => void w.waits.push(ms) },
    });
    expect((await port.listFolders()).length).toBeGreaterThan(0);
    stop.abort();
    w.microsoft.counter.reset();
    const err = await rejection(port.listChanges(w.store.defaultFolder.id, null, 10));
    expect(err.message).toMatch(/stopped/);
    expect(w.waits).toEqual([]);
    expect(w.microsoft.counter.snapshot().perEndpoint["graph.contacts.delta"]).toBeUndefined();
  });
});
