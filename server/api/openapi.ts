// /api/v1/openapi.json (OpenAPI 3.1) from the endpoints' own declarations (server/api/route.ts): the zod
// schemas that validate requests give the request and answer schemas, and the declaration gives every
// status the endpoint answers. Schemas with an id in zod's global registry become components referenced by $ref,
// so generated clients get named types (Person, Deal, Context, Problem, …).
import { z } from "zod";
import { problem } from "../../shared/api/common.js";
import { VERSION } from "../version.js";
import { declaredRoutes, type RouteSpec } from "./route.js";

type Spec = RouteSpec<any, any, any>;

const ERRORS: Record<number, string> = {
  400: "Invalid request: the problem names each offending field",
  401: "Not signed in, the token is unknown, expired or revoked, or it lacks the scope",
  403: "Signed in but not allowed",
  404: "Not found, or not visible to you",
  409: "Conflicts with the record's state (for example a read-only record)",
  413: "The request body is larger than this endpoint accepts",
  415: "The request body's Content-Type is not accepted here",
  422: "Understood, but cannot be done with this content",
  502: "A provider the request needs (Exchange, for example) refused or failed: the detail says what to do",
  503: "This server is not set up for it (configuration), or a service it needs is missing",
};

/** The success statuses an endpoint answers; the first is the usual one. */
export function successStatuses(r: Spec): number[] {
  const usual = r.status ?? (r.response || r.produces ? 200 : 204);
  return [usual, ...(r.alsoAnswers ?? []).map((a) => a.status)];
}

/** The error statuses an endpoint answers: those its declaration implies, and those it lists. */
export function errorStatuses(r: Spec): number[] {
  const s = new Set(r.errors ?? []);
  if (r.body || r.query || r.params || r.rawBody) s.add(400);
  if (!r.public) s.add(401);
  if (r.params) s.add(404);
  if (r.body || r.rawBody) {
    s.add(413);
    s.add(415);
  }
  return [...s].sort((a, b) => a - b);
}

const operationId = (r: Spec) =>
  `${r.method.toLowerCase()}${r.url.replace(/[^a-zA-Z0-9]+(\w)?/g, (_m, c) => (c ? c.toUpperCase() : ""))}`;

/** Collects named schemas as components; refuses two different schemas under one name. */
class Components {
  readonly schemas: Record<string, unknown> = {};

  /** The JSON Schema of `s`, its named parts moved to components and referenced. */
  schema(s: z.ZodType, io: "input" | "output"): Record<string, unknown> {
    const js = z.toJSONSchema(s, { io, target: "draft-2020-12", unrepresentable: "any" }) as Record<
      string,
      unknown
    >;
    const { $defs, $schema: _, ...rest } = js;
    // A named object reads differently as a request (unknown fields allowed, defaults optional) and as an
    // answer, so its request form is a component of its own: RecordLink and RecordLinkInput.
    const rename = (n: string) => (io === "output" || /(Input|Patch)$/.test(n) ? n : `${n}Input`);
    const toComponents = (v: unknown): unknown =>
      JSON.parse(
        JSON.stringify(v).replace(/"#\/\$defs\/([^"]+)"/g, (_m, n) => `"#/components/schemas/${rename(n)}"`),
      );
    for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, unknown>).map(
      ([n, d]) => [rename(n), d] as const,
    )) {
      const moved = toComponents(def);
      const known = this.schemas[name];
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(moved))
        throw new Error(
          `Two different schemas are named '${name}' (is one used both as input and as output?)`,
        );
      this.schemas[name] = moved;
    }
    return toComponents(rest) as Record<string, unknown>;
  }
}

function operation(r: Spec, components: Components): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const success = (description: string) =>
    r.response
      ? { description, content: { "application/json": { schema: components.schema(r.response, "output") } } }
      : r.produces
        ? { description, content: { [r.produces]: {} } }
        : { description };
  const [usual] = successStatuses(r);
  responses[usual] = success(usual === 201 ? "Created" : usual === 204 ? "Done; no content" : "Success");
  for (const a of r.alsoAnswers ?? []) responses[a.status] = success(a.description);
  for (const status of errorStatuses(r))
    responses[status] = {
      description: ERRORS[status] ?? "Error",
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    };

  const op: Record<string, unknown> = {
    summary: r.summary,
    tags: [r.tag],
    operationId: operationId(r),
    security: r.public ? [] : [{ bearer: [] }],
  };
  const parameters: unknown[] = [];
  for (const [where, s] of [
    ["path", r.params],
    ["query", r.query],
  ] as const) {
    if (!s) continue;
    const js = components.schema(s, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, p] of Object.entries(js.properties ?? {}))
      parameters.push({
        name,
        in: where,
        required: where === "path" || !!js.required?.includes(name),
        schema: p,
      });
  }
  if (parameters.length) op.parameters = parameters;
  if (r.body) {
    const media: Record<string, unknown> = { schema: components.schema(r.body, "input") };
    if (r.example !== undefined) media.example = r.example;
    op.requestBody = { required: true, content: { "application/json": media } };
  }
  if (r.rawBody)
    op.requestBody = {
      required: true,
      content: Object.fromEntries(
        r.rawBody.map((type) => [type, { schema: { type: "string", contentMediaType: type } }]),
      ),
    };
  op.responses = responses;
  return op;
}

export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const components = new Components();
  components.schema(problem, "output");
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of declaredRoutes()) {
    paths[r.url] ??= {};
    paths[r.url][r.method.toLowerCase()] = operation(r, components);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Concilia API",
      version: VERSION,
      description: "The CRM behind the Concilia sidebars. Errors are application/problem+json (RFC 9457).",
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: Object.fromEntries(Object.entries(components.schemas).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}
