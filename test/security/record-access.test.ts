// Access to another user's records, for every endpoint that takes a record id: the endpoint list is read
// from the OpenAPI document the server serves, so a new route with a path id, or a body field naming a
// record, fails this test until it has an entry here. Another member gets 404 (the record is not his to
// know about) and writes nothing; an admin sees and manages records of everyone. The per-action detail
// for owners and grantees is in test/server/access-matrix.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection } from "../../server/connections/connections.js";
import { engines, startTestServer, type TestServer } from "../harness/app.js";
import { writeCounter } from "../harness/db-snapshot.js";
import { type Doc, resolvePointer } from "../harness/openapi-structure.js";

type Ids = Record<string, string>;
interface Entry {
  /** Path parameters of a fresh record of the owner. */
  params: (w: World) => Promise<Ids>;
  body?: (ids: Ids) => object;
  /** What another member gets, and what an admin gets. */
  other: number;
  admin: number;
}
interface World {
  s: TestServer;
  as(who: Who, method: string, url: string, payload?: object): Promise<{ status: number; body: any }>;
  ids: { owner: string; other: string; admin: string };
}
type Who = "owner" | "other" | "admin";

const RAW = [
  "From: Marta <marta@acme-iberia.example>",
  "To: Olivia <olivia@team.example>",
  "Subject: Pedido",
  "Message-ID: <ACCESS@acme-iberia.example>",
  "Date: Fri, 20 Nov 2026 09:00:00 +0100",
  "MIME-Version: 1.0",
  'Content-Type: multipart/mixed; boundary="b"',
  "",
  "--b",
  "Content-Type: text/plain",
  "",
  "Hola",
  "--b",
  'Content-Type: application/pdf; name="p.pdf"',
  "Content-Transfer-Encoding: base64",
  "",
  "JVBERi0xLjQKJSVFT0YK",
  "--b--",
  "",
].join("\r\n");

const plural = { person: "persons", company: "companies", lead: "leads", deal: "deals" } as const;
type Kind = keyof typeof plural;
const bodies: Record<Kind, (w: World) => Promise<object>> = {
  person: async () => ({ firstName: "Pia", lastName: "Access", emails: [`pia.${Math.random()}@x.example`] }),
  company: async () => ({ name: "Access Co" }),
  lead: async () => ({ firstName: "Leo", lastName: "Access" }),
  deal: async (w) => ({ name: "Access deal", companyId: await fresh(w, "company") }),
};
async function fresh(w: World, kind: Kind): Promise<string> {
  const r = await w.as("owner", "POST", `/api/v1/${plural[kind]}`, await bodies[kind](w));
  if (r.status !== 201) throw new Error(`${kind}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}
const id = (kind: Kind) => async (w: World) => ({ id: await fresh(w, kind) });
async function activity(w: World) {
  const person = await fresh(w, "person");
  const r = await w.as("owner", "POST", "/api/v1/activities", {
    type: "call",
    state: "done",
    subject: "Call",
    startAt: "2026-11-20T10:00:00+01:00",
    links: [{ type: "person", id: person }],
  });
  if (r.status !== 201) throw new Error(`activity: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}
async function event(w: World) {
  const r = await w.as("owner", "POST", "/api/v1/events", {
    title: "Meeting",
    startAt: "2026-12-03T10:00:00+01:00",
    endAt: "2026-12-03T11:00:00+01:00",
    timeZone: "Europe/Madrid",
  });
  if (r.status !== 201) throw new Error(`event: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}
/** A weekly series on Thursdays at 10:00 Madrid time, from 3 December 2026. */
async function series(w: World) {
  const r = await w.as("owner", "POST", "/api/v1/events", {
    title: "Weekly meeting",
    startAt: "2026-12-03T10:00:00+01:00",
    endAt: "2026-12-03T11:00:00+01:00",
    timeZone: "Europe/Madrid",
    recurrence: { freq: "weekly", count: 4 },
  });
  if (r.status !== 201) throw new Error(`series: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}
async function connection(w: World) {
  return (
    await createConnection(w.s.ctx.db, w.ids.owner, {
      provider: "microsoft",
      accountAddress: "olivia@team.example",
    })
  ).id;
}
async function identity(w: World) {
  const { linkIdentity } = await import("../../server/auth/identities.js");
  const row = await linkIdentity(w.s.ctx.db, w.ids.owner, {
    provider: "google",
    tenantId: "",
    subject: `g-${Math.random()}`,
  });
  return row.id;
}

const recordEntries = Object.fromEntries(
  (Object.keys(plural) as Kind[]).flatMap((kind) => {
    const p = `/api/v1/${plural[kind]}`;
    const change = kind === "company" || kind === "deal" ? { name: "Changed" } : { title: "Changed" };
    return [
      [`GET ${p}/{id}`, { params: id(kind), other: 404, admin: 200 }],
      [`PATCH ${p}/{id}`, { params: id(kind), body: () => change, other: 404, admin: 200 }],
      [`DELETE ${p}/{id}`, { params: id(kind), other: 404, admin: 204 }],
      [`GET ${p}/{id}/grants`, { params: id(kind), other: 404, admin: 200 }],
      [
        `POST ${p}/{id}/grants`,
        { params: id(kind), body: () => ({ email: "otto@team.example" }), other: 404, admin: 200 },
      ],
      [
        `DELETE ${p}/{id}/grants/{userId}`,
        {
          params: async (w: World) => {
            const rid = await fresh(w, kind);
            await w.as("owner", "POST", `${p}/${rid}/grants`, { email: "gus@team.example" });
            return {
              id: rid,
              userId: (await w.s.ctx.db.query.users.findFirst({
                where: (u, { eq }) => eq(u.email, "gus@team.example"),
              }))!.id,
            };
          },
          other: 404,
          admin: 204,
        },
      ],
      ...(kind === "deal"
        ? []
        : [
            [
              `POST ${p}/{id}/emails`,
              {
                params: id(kind),
                body: () => ({ email: `added.${Math.random()}@x.example` }),
                other: 404,
                admin: 200,
              },
            ],
          ]),
    ] as [string, Entry][];
  }),
);

/** Every operation with a path id. */
const pathMatrix: Record<string, Entry> = {
  ...recordEntries,
  "GET /api/v1/activities/{id}": { params: async (w) => ({ id: await activity(w) }), other: 404, admin: 200 },
  "PATCH /api/v1/activities/{id}": {
    params: async (w) => ({ id: await activity(w) }),
    body: () => ({ subject: "Changed" }),
    other: 404,
    admin: 200,
  },
  "DELETE /api/v1/activities/{id}": {
    params: async (w) => ({ id: await activity(w) }),
    other: 404,
    admin: 204,
  },
  "GET /api/v1/activities/{id}/attachments/{attachmentId}": {
    params: async (w) => {
      const sender = `marta.${Math.random()}@acme-iberia.example`;
      await w.as("owner", "POST", "/api/v1/persons", { firstName: "Marta", lastName: "N", emails: [sender] });
      const raw = RAW.replace("ACCESS", `access-${Math.random()}`).replace(
        "marta@acme-iberia.example",
        sender,
      );
      const r = await w.s.app.inject({
        method: "POST",
        url: "/api/v1/emails",
        headers: { authorization: `Bearer ${tokens(w).owner}`, "content-type": "message/rfc822" },
        payload: raw,
      });
      if (r.statusCode !== 201) throw new Error(`the email was not logged: ${r.body}`);
      const activityId = r.json().activityId;
      const a = await w.as("owner", "GET", `/api/v1/activities/${activityId}`);
      if (!a.body?.email?.attachments?.length)
        throw new Error(`no attachment: ${a.status} ${JSON.stringify(a.body)}`);
      return { id: activityId, attachmentId: a.body.email.attachments[0].id };
    },
    other: 404,
    admin: 200,
  },
  // An admin sees anyone's event; changing a meeting is its organizer's (R-CAL-4): 409 saying so.
  "GET /api/v1/events/{id}": { params: async (w) => ({ id: await event(w) }), other: 404, admin: 200 },
  "PATCH /api/v1/events/{id}": {
    params: async (w) => ({ id: await event(w) }),
    body: () => ({ title: "Changed" }),
    other: 404,
    admin: 409,
  },
  "DELETE /api/v1/events/{id}": { params: async (w) => ({ id: await event(w) }), other: 404, admin: 409 },
  // One occurrence of a series is its organizer's too: another member never learns of it, an admin is
  // told why he may not change it.
  "PATCH /api/v1/events/{id}/occurrences/{originalStart}": {
    params: async (w) => ({ id: await series(w), originalStart: "2026-12-10T09:00:00.000Z" }),
    body: () => ({ title: "Changed" }),
    other: 404,
    admin: 409,
  },
  "DELETE /api/v1/events/{id}/occurrences/{originalStart}": {
    params: async (w) => ({ id: await series(w), originalStart: "2026-12-10T09:00:00.000Z" }),
    other: 404,
    admin: 409,
  },
  // A connection holds its owner's credentials: no one else, admins included, sees or drives it; an
  // admin may read its sync status (server/api/sync-status.ts), to help a user whose sync is stuck.
  "GET /api/v1/connections/{id}": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "PATCH /api/v1/connections/{id}": {
    params: async (w) => ({ id: await connection(w) }),
    body: () => ({ syncs: "email" }),
    other: 404,
    admin: 404,
  },
  "DELETE /api/v1/connections/{id}": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "GET /api/v1/connections/{id}/status": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 200,
  },
  "POST /api/v1/connections/{id}/pause": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "POST /api/v1/connections/{id}/resume": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "POST /api/v1/connections/{id}/retry-failed": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  // The calendar and Exchange actions of a connection are its owner's alone, as the connection is.
  "POST /api/v1/connections/{id}/sync-previous-activities": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "POST /api/v1/connections/{id}/remove-calendar-sync": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "GET /api/v1/connections/{id}/exchange": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "POST /api/v1/connections/{id}/exchange": {
    params: async (w) => ({ id: await connection(w) }),
    body: () => ({ language: "en" }),
    other: 404,
    admin: 404,
  },
  "PATCH /api/v1/connections/{id}/exchange": {
    params: async (w) => ({ id: await connection(w) }),
    body: () => ({ categories: [] }),
    other: 404,
    admin: 404,
  },
  "POST /api/v1/connections/{id}/exchange/deactivate": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "GET /api/v1/connections/{id}/exchange/categories": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  "GET /api/v1/connections/{id}/exchange/folders": {
    params: async (w) => ({ id: await connection(w) }),
    other: 404,
    admin: 404,
  },
  // API tokens are their owner's alone: revoking one of someone else's is for no one.
  "DELETE /api/v1/tokens/{id}": {
    params: async (w) => {
      const { createApiToken } = await import("../../server/auth/tokens.js");
      return { id: (await createApiToken(w.s.ctx.db, w.ids.owner, { name: "owner's" })).id };
    },
    other: 404,
    admin: 404,
  },
  // Sign-in accounts are managed by admins only: a member is told so (403).
  "GET /api/v1/users/{id}/identities": { params: async (w) => ({ id: w.ids.owner }), other: 403, admin: 200 },
  "POST /api/v1/users/{id}/identities": {
    params: async (w) => ({ id: w.ids.owner }),
    body: () => ({ provider: "google", subject: `g-${Math.random()}` }),
    other: 403,
    admin: 201,
  },
  "DELETE /api/v1/users/{id}/identities/{identityId}": {
    params: async (w) => ({ id: w.ids.owner, identityId: await identity(w) }),
    other: 403,
    admin: 204,
  },
  // Workspace settings, not a user's record: admins only.
  "PATCH /api/v1/activity-types/{key}": {
    params: async () => ({ key: "call" }),
    body: () => ({ name: "Call" }),
    other: 403,
    admin: 200,
  },
};

/** Operations whose body names a record: another member naming the owner's record is told it was not found. */
const bodyMatrix: Record<
  string,
  { fields: string[]; body: (w: World) => Promise<object>; path?: (w: World) => Promise<string> }
> = {
  "POST /api/v1/persons": {
    fields: ["companyId"],
    body: async (w) => ({ firstName: "X", lastName: "Y", companyId: await fresh(w, "company") }),
  },
  "PATCH /api/v1/persons/{id}": {
    fields: ["companyId"],
    body: async (w) => ({ companyId: await fresh(w, "company") }),
  },
  "POST /api/v1/deals": {
    fields: ["companyId", "personId"],
    body: async (w) => ({ name: "D", companyId: await fresh(w, "company") }),
  },
  "PATCH /api/v1/deals/{id}": {
    fields: ["companyId", "personId"],
    body: async (w) => ({ personId: await fresh(w, "person") }),
  },
  "POST /api/v1/persons/merge": {
    fields: ["targetId", "sourceId"],
    body: async (w) => ({ targetId: await fresh(w, "person"), sourceId: await fresh(w, "person") }),
  },
  "POST /api/v1/activities": {
    fields: ["links", "dealId"],
    body: async (w) => ({
      type: "call",
      state: "done",
      subject: "C",
      startAt: "2026-11-20T10:00:00Z",
      links: [{ type: "person", id: await fresh(w, "person") }],
    }),
  },
  "PATCH /api/v1/activities/{id}": {
    fields: ["links", "dealId"],
    body: async (w) => ({ dealId: await fresh(w, "deal") }),
  },
  "POST /api/v1/events": {
    fields: ["dealId"],
    body: async (w) => ({
      title: "E",
      startAt: "2026-12-03T10:00:00Z",
      endAt: "2026-12-03T11:00:00Z",
      timeZone: "UTC",
      dealId: await fresh(w, "deal"),
    }),
  },
  "PATCH /api/v1/events/{id}": {
    fields: ["dealId"],
    body: async (w) => ({ dealId: await fresh(w, "deal") }),
  },
  "POST /api/v1/connections/oauth/start": {
    fields: ["connectionId"],
    body: async (w) => ({ provider: "microsoft", syncs: "email", connectionId: await connection(w) }),
  },
};
/** Body fields that name no record of a user: users, and calendars inside one's own connection. */
// Ids of things at a provider (calendars, Exchange folders), not of CRM records.
const NOT_RECORDS = [
  "ownerId",
  "userId",
  "tenantId",
  "selectedCalendarIds",
  "targetCalendarId",
  "messageId",
  "folderIds",
  "targetFolderId",
];

const tokenOf = new WeakMap<World, Record<Who, string>>();
const tokens = (w: World) => tokenOf.get(w)!;

function recordFields(doc: Doc, schema: any, depth = 0): string[] {
  if (!schema || depth > 6) return [];
  if (schema.$ref) return recordFields(doc, resolvePointer(doc, schema.$ref), depth + 1);
  const out: string[] = [];
  for (const alt of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    out.push(...recordFields(doc, alt, depth + 1));
  if (schema.items) out.push(...recordFields(doc, schema.items, depth + 1));
  for (const [k, v] of Object.entries<any>(schema.properties ?? {})) {
    if (/Ids?$|^links$/.test(k) && !NOT_RECORDS.includes(k)) out.push(k);
    out.push(...recordFields(doc, v, depth + 1));
  }
  return [...new Set(out)];
}

describe.each(engines)("record access for every endpoint with a record id on %s", (engine) => {
  let w: World;
  let doc: Doc;
  beforeAll(async () => {
    const s = await startTestServer({
      engine,
      work: false,
      env: {
        MICROSOFT_OAUTH_CLIENT_ID: "6b1f0c6e-0000-4000-8000-00000000acc5",
        MICROSOFT_OAUTH_CLIENT_SECRET: "x",
      },
    });
    const owner = await s.user("olivia@team.example");
    const other = await s.user("otto@team.example");
    const admin = await s.user("ada@team.example", { role: "admin" });
    await s.user("gus@team.example");
    w = {
      s,
      ids: { owner: owner.id, other: other.id, admin: admin.id },
      async as(who, method, url, payload) {
        const r = await s.app.inject({
          method: method as "GET",
          url,
          headers: { authorization: `Bearer ${tokens(w)[who]}` },
          ...(payload ? { payload } : {}),
        });
        return {
          status: r.statusCode,
          body: r.body && String(r.headers["content-type"]).includes("json") ? r.json() : null,
        };
      },
    };
    tokenOf.set(w, { owner: owner.token, other: other.token, admin: admin.token });
    doc = (await s.app.inject({ url: "/api/v1/openapi.json" })).json();
  });
  afterAll(() => w?.s.close());

  const operations = () =>
    Object.entries<Record<string, any>>(doc.paths).flatMap(([path, item]) =>
      Object.entries<any>(item)
        .filter(([m]) => ["get", "post", "put", "patch", "delete"].includes(m))
        .map(([m, op]) => ({ key: `${m.toUpperCase()} ${path}`, path, op })),
    );

  it("every operation with a path id, and every body naming a record, has an entry in the matrix", () => {
    const withIds = operations().filter((o) => /\{\w+\}/.test(o.path) && !o.path.startsWith("/push/"));
    expect(
      withIds
        .map((o) => o.key)
        .filter((k) => !pathMatrix[k])
        .join(", "),
    ).toBe("");
    const naming = operations().filter(
      (o) => recordFields(doc, o.op.requestBody?.content?.["application/json"]?.schema).length,
    );
    expect(
      naming
        .map((o) => o.key)
        .filter((k) => !bodyMatrix[k])
        .join(", "),
    ).toBe("");
    expect(withIds.length).toBeGreaterThan(40);
  });

  it("R-1: another member gets 404 for the owner's record at every such endpoint and writes nothing; an admin reaches it", async () => {
    const writes = await writeCounter(w.s.ctx.db);
    const results: string[] = [];
    for (const [key, entry] of Object.entries(pathMatrix)) {
      const [method, template] = key.split(" ");
      for (const who of ["other", "admin"] as const) {
        const params = await entry.params(w);
        const url = template.replace(/\{(\w+)\}/g, (_, name) => params[name]);
        const before = await writes();
        const r = await w.as(who, method, url, entry.body?.(params));
        const expected = entry[who];
        if (r.status !== expected)
          results.push(
            `${key} as ${who}: ${r.status} (expected ${expected}) ${JSON.stringify(r.body)?.slice(0, 160)}`,
          );
        if (r.status >= 400 && (await writes()) !== before)
          results.push(`${key} as ${who}: refused, yet wrote`);
      }
    }
    expect(results.join("\n")).toBe("");
  });

  it("R-1: another member naming the owner's record in a body is told it was not found, and nothing is written", async () => {
    const writes = await writeCounter(w.s.ctx.db);
    const results: string[] = [];
    for (const [key, entry] of Object.entries(bodyMatrix)) {
      const [method, template] = key.split(" ");
      let url = template;
      if (template.includes("{id}")) {
        // The other member's own record, so only the named one is foreign.
        const kind = template.split("/")[3];
        const create: Record<string, object> = {
          persons: { firstName: "Own", lastName: "Record" },
          deals: { name: "Own deal" },
          activities: { type: "call", state: "done", subject: "Own", startAt: "2026-11-20T10:00:00Z" },
          events: {
            title: "Own",
            startAt: "2026-12-03T10:00:00Z",
            endAt: "2026-12-03T11:00:00Z",
            timeZone: "UTC",
          },
        };
        const own = await w.as("other", "POST", `/api/v1/${kind}`, create[kind]);
        url = template.replace("{id}", own.body.id);
      }
      const body = await entry.body(w);
      const before = await writes();
      const r = await w.as("other", method, url, body);
      // The same words as for a record that does not exist: nothing says it exists for someone else.
      if (![400, 404, 422].includes(r.status) || !/not found|not visible/.test(r.body?.detail ?? ""))
        results.push(`${key}: ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`);
      if ((await writes()) !== before) results.push(`${key}: refused, yet wrote`);
    }
    expect(results.join("\n")).toBe("");
  });
});
