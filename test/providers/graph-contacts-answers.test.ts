// R-P-4: the Exchange contact readers given answers Graph should not send (a delta page whose rows are
// not a list, a contact read back as nothing, categories of the wrong shape, folders that go round)
// end in a classified SyncError the contact sync reacts to, never a TypeError or a listing that asks
// for the same page, or goes down the same folder, for ever.
import { describe, expect, it } from "vitest";
import { graphContactsPort } from "../../server/providers/graph/contacts-port.js";
import { failure, noWait, replying, type Scripted } from "./replying.js";

const DELTA = {
  "@odata.deltaLink": "https://graph.test/v1.0/me/contactFolders/f1/contacts/delta?$deltatoken=d",
};
const ana = {
  id: "k1",
  changeKey: "ck1",
  givenName: "Ana",
  surname: "Lima",
  emailAddresses: [{ name: "Ana", address: "ana@client.test" }],
};

const portOf = (reply: (url: string, body: string | undefined) => Scripted) => {
  const r = replying(reply);
  const port = graphContactsPort({
    baseUrl: "https://graph.test/v1.0",
    accessToken: async () => "t",
    fetch: r.fetch,
    retry: noWait,
  });
  return { port, requests: r.requests };
};

/** Each $batch request answered with `body` for every id asked. */
const batchOf = (body: string, each: (id: string) => unknown) =>
  ({
    responses: (JSON.parse(body) as { requests: { id: string }[] }).requests.map((r) => ({
      id: r.id,
      status: 200,
      body: each(r.id),
    })),
  }) as Scripted;

describe("Exchange contact readers given bad answers", () => {
  it("R-P-4: a contact delta page whose rows are not a list, or a row without an id, is a classified SyncError", async () => {
    for (const page of [{ value: {}, ...DELTA }, { value: [{ givenName: "Ana" }], ...DELTA }, null]) {
      const { port } = portOf(() => page);
      expect((await failure(port.listChanges("f1", null, 50))).kind).toBe("unknown");
    }
  });

  it("R-P-4: a changed contact read back in the $batch as null or with its fields retyped is a classified SyncError; read back right it is listed", async () => {
    for (const bad of [null, { ...ana, emailAddresses: "ana@client.test" }, { ...ana, categories: [1] }]) {
      const { port } = portOf((_url, body) => (body ? batchOf(body, () => bad) : { value: [ana], ...DELTA }));
      expect((await failure(port.listChanges("f1", null, 50))).kind).toBe("unknown");
    }
    const { port } = portOf((_url, body) => (body ? batchOf(body, () => ana) : { value: [ana], ...DELTA }));
    const page = await port.listChanges("f1", null, 50);
    expect(page.changes).toMatchObject([
      { kind: "changed", contact: { id: "k1", fields: { emails: ["ana@client.test"] } } },
    ]);
  });

  it("R-P-4: master categories of the wrong shape are a classified SyncError", async () => {
    for (const answer of [{ value: null }, { value: [{ id: "c1" }] }, "categories"]) {
      const { port } = portOf(() => answer);
      expect((await failure(port.masterCategories())).kind).toBe("unknown");
    }
  });

  it("R-P-4: contact folders whose next link comes back again end in a classified SyncError, not an endless listing", async () => {
    const { port, requests } = portOf(() => ({
      value: [],
      "@odata.nextLink": "https://graph.test/v1.0/me/contactFolders?$skip=100",
    }));
    expect((await failure(port.listFolders())).kind).toBe("unknown");
    expect(requests).toHaveLength(2);
  });

  it("R-P-4: a contact folder listed among its own child folders ends in a classified SyncError, not an endless descent", async () => {
    const { port, requests } = portOf(() => ({
      value: [{ id: "f1", displayName: "Clients", parentFolderId: "root", childFolderCount: 1 }],
    }));
    const err = await failure(port.listFolders());
    expect(err.message).toMatch(/inside itself/);
    expect(requests).toHaveLength(2);
  });
});
