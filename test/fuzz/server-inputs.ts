// R-P-4 at the server's doors: raw mail posted to the log endpoint, provider pushes, and every API
// operation's path, query and body, generated from and against the OpenAPI document the server serves.
// Each answer is below 500; a refusal is problem+json with a title and a detail; a refused request
// writes no row (counted by triggers); rows stored before the run are all
// still there, unchanged; the server answers its health check after the run.
import { createHash } from "node:crypto";
import fc from "fast-check";
import type { LightMyRequestResponse } from "fastify";
import { secretHash } from "../../server/providers/push-secret.js";
import type { TestServer } from "../harness/app.js";
import { lostOrChanged, rows, writeCounter } from "../harness/db-snapshot.js";
import type { Doc } from "../harness/openapi-structure.js";
import { resolvePointer } from "../harness/openapi-structure.js";
import { anyJson, badMessage, nastyText, nearly } from "./generators.js";
import type { FuzzTally } from "./provider-answers.js";

export const PUSH_TOKEN = "fuzz-push-token-0123456789abcdef0123456789";
export const GRAPH_STATE = "fuzz-client-state-0123456789abcdef";
export const GRAPH_SUBSCRIPTION = "5a0c3f1e-2dc5-4530-97cd-4e7ae6534c07";

/** Checks one answer; returns its status. */
function expectClean(res: LightMyRequestResponse, what: string): number {
  if (res.statusCode >= 500) throw new Error(`${what}: ${res.statusCode} ${res.body.slice(0, 500)}`);
  if (res.statusCode >= 400) {
    const type = String(res.headers["content-type"] ?? "");
    if (!type.startsWith("application/problem+json"))
      throw new Error(`${what}: ${res.statusCode} answered as '${type}', not problem+json`);
    const p = res.json();
    if (
      p.status !== res.statusCode ||
      typeof p.title !== "string" ||
      typeof p.detail !== "string" ||
      !p.detail
    )
      throw new Error(`${what}: an unclear problem ${res.body.slice(0, 300)}`);
  }
  return res.statusCode;
}

/**
 * Runs `cases` against the server: a refused case must leave every table's digest as it was; the rows
 * stored before are all there after; the health check answers at the end.
 */
async function guarded<T>(
  s: TestServer,
  runs: number,
  seed: number | undefined,
  arb: fc.Arbitrary<T>,
  send: (value: T) => Promise<{ res: LightMyRequestResponse; what: string }>,
  /** false where accepted requests may change or delete what was there (the API's PATCH and DELETE). */
  keepsRows = true,
): Promise<FuzzTally> {
  const t: FuzzTally = { cases: 0, outcomes: {} };
  const writes = await writeCounter(s.ctx.db);
  const before = keepsRows ? await rows(s.ctx.db) : new Map();
  let written = await writes();
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      const { res, what } = await send(value);
      const status = expectClean(res, what);
      t.cases++;
      t.outcomes[String(status)] = (t.outcomes[String(status)] ?? 0) + 1;
      const now = await writes();
      if (status >= 400 && now !== written)
        throw new Error(`${what}: refused with ${status}, yet ${now - written} rows were written`);
      written = now;
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  const lost = lostOrChanged(before, await rows(s.ctx.db));
  if (lost.length)
    throw new Error(`rows stored before the run were lost or changed:\n${lost.slice(0, 5).join("\n")}`);
  const health = await s.app.inject({ url: "/healthz" });
  if (health.statusCode !== 200) throw new Error(`the server stopped answering: ${health.statusCode}`);
  return t;
}

// ---------------------------------------------------------------- mail

/** Broken and legacy messages posted to the Log email endpoint as the sidebars do. */
export function fuzzMailIngest(s: TestServer, token: string, runs: number, seed?: number) {
  return guarded(
    s,
    runs,
    seed,
    fc.tuple(
      badMessage,
      fc.constantFrom("message/rfc822", "message/rfc822", "application/octet-stream", "text/plain"),
    ),
    async ([raw, type]) => ({
      what: `POST /api/v1/emails (${raw.length} bytes, sha256 ${createHash("sha256").update(raw).digest("hex").slice(0, 12)})`,
      res: await s.app.inject({
        method: "POST",
        url: "/api/v1/emails",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        payload: raw,
      }),
    }),
  );
}

// ---------------------------------------------------------------- push

const pubsub = (data: unknown) => ({
  message: { data: Buffer.from(JSON.stringify(data)).toString("base64"), messageId: "1" },
  subscription: "projects/p/subscriptions/s",
});
const googleBody = fc.oneof(
  nearly(pubsub({ emailAddress: "ana@acme.test", historyId: 9 })),
  nearly({ emailAddress: "ana@acme.test", historyId: "9" }).map(pubsub),
  fc.constant({ message: { data: "!!!not base64" } }),
  fc.nat({ max: 5000 }).map((n) => ({ message: { data: "A".repeat(n) } })),
  // Over the 1 MB body limit.
  fc.constant({ message: { data: "A".repeat(1_100_000) } }),
  anyJson,
);
const graphBody = fc.oneof(
  fc
    .array(
      nearly({
        subscriptionId: GRAPH_SUBSCRIPTION,
        clientState: GRAPH_STATE,
        changeType: "created",
        resource: "Users/u1/Messages/m1",
        lifecycleEvent: "missed",
      }),
      { maxLength: 5 },
    )
    .map((value) => ({ value })),
  nearly({ value: [] }),
  fc.nat({ max: 1500 }).map((n) => ({ value: Array.from({ length: n }, () => ({ subscriptionId: "x" })) })),
  anyJson,
);
const pushRequest = fc.record({
  route: fc.constantFrom("/push/google", "/push/microsoft"),
  secret: fc.constantFrom("right", "wrong", "missing", "empty", "long"),
  googleBody,
  graphBody,
  encoding: fc.constantFrom("json", "json", "json", "truncated", "text", "form", "none"),
  validationToken: fc.option(
    fc.oneof(
      nastyText,
      fc.nat({ max: 5000 }).map((n) => "v".repeat(n)),
    ),
  ),
});

/** Pushes with right, wrong and missing secrets and every kind of broken body; only right ones are heard. */
export async function fuzzPush(s: TestServer, runs: number, seed?: number): Promise<FuzzTally> {
  const heard: unknown[] = [];
  const onChange = s.ctx.push.onChange;
  s.ctx.push.onChange = (change) => void heard.push(change);
  let rightSecret = false;
  try {
    return await guarded(s, runs, seed, pushRequest, async (p) => {
      heard.length = 0;
      const secret = {
        right: PUSH_TOKEN,
        wrong: "x".repeat(PUSH_TOKEN.length),
        missing: undefined,
        empty: "",
        long: PUSH_TOKEN.repeat(20),
      }[p.secret];
      rightSecret = p.secret === "right";
      let url = p.route;
      let body: unknown;
      if (p.route === "/push/google") {
        body = p.googleBody;
        if (secret !== undefined) url += `?token=${encodeURIComponent(secret)}`;
      } else {
        const state = {
          right: GRAPH_STATE,
          wrong: "wrong-state",
          missing: undefined,
          empty: "",
          long: GRAPH_STATE.repeat(20),
        }[p.secret];
        body =
          typeof p.graphBody === "object" &&
          p.graphBody &&
          Array.isArray((p.graphBody as { value?: unknown }).value)
            ? { value: (p.graphBody as { value: object[] }).value.map((n) => ({ ...n, clientState: state })) }
            : p.graphBody;
        if (p.validationToken !== null) url += `?validationToken=${encodeURIComponent(p.validationToken)}`;
      }
      const json = JSON.stringify(body) ?? "null";
      const payload = {
        json,
        truncated: json.slice(0, Math.floor(json.length / 2)),
        text: json,
        form: `data=${json}`,
        none: "",
      }[p.encoding];
      const type = {
        json: "application/json",
        truncated: "application/json",
        text: "text/plain",
        form: "application/x-www-form-urlencoded",
        none: "application/json",
      }[p.encoding];
      const res = await s.app.inject({ method: "POST", url, headers: { "content-type": type }, payload });
      if (heard.length && !rightSecret && !(p.route === "/push/microsoft" && p.validationToken !== null))
        throw new Error(`${url}: a push with a ${p.secret} secret asked for a sync`);
      if (heard.length && res.statusCode >= 400)
        throw new Error(`${url}: refused with ${res.statusCode}, yet heard`);
      return { res, what: `POST ${url.slice(0, 80)} (${p.encoding}, ${payload.length} bytes)` };
    });
  } finally {
    s.ctx.push.onChange = onChange;
  }
}

/** What the push fuzz needs stored: a Graph subscription with a known clientState. */
export async function seedPush(s: TestServer, connectionId: string) {
  await s.ctx.push.graphSubscriptions.put({
    id: GRAPH_SUBSCRIPTION,
    connectionId,
    clientStateHash: secretHash(GRAPH_STATE),
    resource: "/me/mailFolders('inbox')/messages",
    expiresAt: Date.now() + 86_400_000,
  });
}

// ---------------------------------------------------------------- API operations

type Schema = Record<string, any>;

/** Values that satisfy `schema` most of the time (formats and patterns only roughly). */
export function fromSchema(doc: Doc, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  if (schema.$ref) return fromSchema(doc, resolvePointer(doc, schema.$ref) as Schema, depth + 1);
  if ("const" in schema) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => fromSchema(doc, a, depth + 1)));
  if (schema.allOf) return fromSchema(doc, schema.allOf[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const props: Record<string, Schema> = schema.properties ?? {};
      const required = new Set<string>(schema.required ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(props)) shape[k] = fromSchema(doc, v, depth + 1);
      return fc.record(shape, { requiredKeys: [...required].filter((k) => k in shape) });
    }
    case "array":
      return fc.array(fromSchema(doc, schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case "integer":
      return fc.integer({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000 });
    case "number":
      return fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "string":
      return stringFor(schema);
    default:
      return anyJson;
  }
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  switch (schema.format) {
    case "email":
      return fc.constantFrom("marta@acme-iberia.example", "ana@acme.test", "x@y.example");
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc
        .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString());
    case "date":
      return fc
        .date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case "uri":
      return fc.constantFrom("https://crm.example.com/x", "https://dav.example.com/cal/");
  }
  const min = schema.minLength ?? 0;
  const max = Math.max(min, Math.min(schema.maxLength ?? 30, 30));
  return fc.string({ minLength: min, maxLength: max });
}

/** A value of `schema` with the ways clients get it wrong: a field retyped, dropped, added, made huge. */
function wrongly(doc: Doc, schema: Schema | undefined): fc.Arbitrary<unknown> {
  const valid = fromSchema(doc, schema);
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    {
      weight: 3,
      arbitrary: fc.tuple(valid, fc.string({ maxLength: 12 }), anyJson).map(([v, k, x]) => {
        if (!v || typeof v !== "object" || Array.isArray(v)) return x;
        const keys = Object.keys(v);
        const key = keys.length ? keys[k.length % keys.length] : k;
        return { ...v, [key]: x };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(valid, fc.nat({ max: 5000 }))
        .map(([v, n]) =>
          v && typeof v === "object" && !Array.isArray(v)
            ? { ...v, [Object.keys(v)[0] ?? "x"]: "é".repeat(n) }
            : "x".repeat(n),
        ),
    },
    { weight: 2, arbitrary: anyJson },
  );
}

export interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema?: Schema; required?: boolean }[];
  body?: Schema;
  bodyTypes: string[];
}

/**
 * Every operation of the served document, but the raw-mail and push ones (fuzzed on their own) and the
 * two that end a session (test/security/token-forgery.test.ts).
 */
export function operations(doc: Doc): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths))
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      if (!["get", "post", "put", "patch", "delete"].includes(method)) continue;
      if (path === "/api/v1/emails" && method === "post") continue;
      if (path.startsWith("/push/")) continue;
      // Signing out or revoking a token would end the run's own sessions: every later case would be a 401.
      if (
        `${method} ${path}` === "post /api/v1/auth/sign-out" ||
        `${method} ${path}` === "delete /api/v1/tokens/{id}"
      )
        continue;
      const content = op.requestBody?.content ?? {};
      out.push({
        method: method.toUpperCase(),
        path,
        params: [...(item.parameters ?? []), ...(op.parameters ?? [])],
        body: content["application/json"]?.schema,
        bodyTypes: Object.keys(content),
      });
    }
  return out;
}

/** Every operation of the API, with generated paths, queries and bodies, as a member and as an admin. */
export async function fuzzApi(
  s: TestServer,
  tokens: { member: string; admin: string },
  ids: string[],
  runs: number,
  seed?: number,
): Promise<FuzzTally & { operations: number }> {
  const doc = (await s.app.inject({ url: "/api/v1/openapi.json" })).json() as Doc;
  const ops = operations(doc);
  const request = fc.constantFrom(...ops).chain((op) =>
    fc.record({
      op: fc.constant(op),
      as: fc.constantFrom("member", "admin", "nobody"),
      path: fc.tuple(
        ...op.params
          .filter((p) => p.in === "path")
          .map((p) =>
            fc.oneof(
              { weight: 4, arbitrary: fc.constantFrom(...ids) },
              { weight: 1, arbitrary: fc.uuid() },
              { weight: 1, arbitrary: nastyText },
              { weight: 1, arbitrary: fromSchema(doc, p.schema).map(String) },
            ),
          ),
      ),
      query: fc.array(
        fc.oneof(
          ...op.params
            .filter((p) => p.in === "query")
            .map((p) =>
              fc.tuple(fc.constant(p.name), fc.oneof(fromSchema(doc, p.schema).map(String), nastyText)),
            ),
          fc.tuple(nastyText, nastyText),
        ),
        { maxLength: 3 },
      ),
      body: op.body ? wrongly(doc, op.body) : fc.option(anyJson),
      encoding: fc.constantFrom("json", "json", "json", "json", "truncated", "text", "form"),
    }),
  );
  const t = await guarded(
    s,
    runs,
    seed,
    request,
    async (r) => {
      const params = r.op.params.filter((p) => p.in === "path");
      let path = r.op.path;
      for (const [i, p] of params.entries())
        path = path.replace(`{${p.name}}`, encodeURIComponent(r.path[i]));
      const qs = new URLSearchParams(r.query).toString();
      const url = `${path}${qs ? `?${qs}` : ""}`;
      const json = r.body === undefined || r.body === null ? undefined : JSON.stringify(r.body);
      const headers: Record<string, string> = {};
      if (r.as !== "nobody") headers.authorization = `Bearer ${tokens[r.as]}`;
      let payload: string | undefined;
      if (json !== undefined) {
        headers["content-type"] = {
          json: "application/json",
          truncated: "application/json",
          text: "text/plain",
          form: "application/x-www-form-urlencoded",
        }[r.encoding];
        payload = r.encoding === "truncated" ? json.slice(0, Math.floor(json.length / 2)) : json;
      }
      const res = await s.app.inject({ method: r.op.method as "GET", url, headers, payload });
      return {
        res,
        what: `${r.op.method} ${url.slice(0, 120)} as ${r.as} (${r.encoding}, ${payload?.length ?? 0} bytes): ${payload?.slice(0, 200)}`,
      };
    },
    false,
  );
  return { ...t, operations: ops.length };
}
