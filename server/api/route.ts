// One way to declare an endpoint: zod schemas validate the request and the same schemas produce the
// OpenAPI document, so the documentation cannot drift from what the server accepts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AuthUser } from "../auth/user.js";
import { fromZod, unauthorized } from "./problem.js";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  params?: P;
  /** Schema of a 2xx answer, for the OpenAPI document. */
  response?: z.ZodType;
  status?: number;
  /** Raw body media type instead of JSON (e.g. message/rfc822). */
  rawBody?: string;
  /** Routes are signed-in by default. */
  public?: boolean;
  /** Scope the token must carry; defaults to `crm`. */
  scope?: string;
  handler: (ctx: {
    req: FastifyRequest;
    reply: FastifyReply;
    user: AuthUser;
    body: z.output<B>;
    query: z.output<Q>;
    params: z.output<P>;
  }) => Promise<unknown>;
}

const registry: RouteSpec<any, any, any>[] = [];

export function route<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
>(app: FastifyInstance, spec: RouteSpec<B, Q, P>): void {
  if (!registry.some((r) => r.method === spec.method && r.url === spec.url)) registry.push(spec);
  app.route({
    method: spec.method,
    url: spec.url.replace(/\{(\w+)\}/g, ":$1"),
    handler: async (req, reply) => {
      const user = req.user;
      if (!spec.public) {
        if (!user) throw unauthorized("Sign in first: send 'Authorization: Bearer <token>'.");
        const scope = spec.scope ?? "crm";
        if (!user.scopes.includes(scope) && !user.scopes.includes("*"))
          throw unauthorized(`This token lacks the '${scope}' scope.`);
      }
      const parse = <S extends z.ZodType | undefined>(
        schema: S,
        value: unknown,
        where: "body" | "query" | "params",
      ) => {
        if (!schema) return undefined;
        const r = schema.safeParse(value);
        if (!r.success) throw fromZod(where, r.error);
        return r.data;
      };
      const params = parse(spec.params, req.params, "params");
      const query = parse(spec.query, req.query ?? {}, "query");
      const body = spec.rawBody ? req.body : parse(spec.body, req.body ?? {}, "body");
      const result = await spec.handler({ req, reply, user: user as AuthUser, body, query, params } as any);
      if (reply.sent) return reply;
      if (spec.status) reply.code(spec.status);
      if (result === undefined) return reply.code(spec.status ?? 204).send();
      return result;
    },
  });
}

export function openApiDocument(publicUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const schema = (s: z.ZodType, io: "input" | "output") =>
    z.toJSONSchema(s, { io, unrepresentable: "any", target: "openapi-3.0" });
  for (const r of registry) {
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${r.url.replace(/[^a-zA-Z0-9]+(\w)?/g, (_m, c) => (c ? c.toUpperCase() : ""))}`,
      security: r.public ? [] : [{ bearer: [] }],
      responses: {
        [String(r.status ?? 200)]: r.response
          ? {
              description: "Success",
              content: { "application/json": { schema: schema(r.response, "output") } },
            }
          : { description: "Success" },
        default: {
          description: "Error",
          content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    };
    const parameters: unknown[] = [];
    for (const [where, s] of [
      ["path", r.params],
      ["query", r.query],
    ] as const) {
      if (!s) continue;
      const js = schema(s, "input") as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, p] of Object.entries(js.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === "path" || js.required?.includes(name),
          schema: p,
        });
    }
    if (parameters.length) op.parameters = parameters;
    if (r.body)
      op.requestBody = {
        required: true,
        content: { "application/json": { schema: schema(r.body, "input") } },
      };
    if (r.rawBody)
      op.requestBody = {
        required: true,
        content: { [r.rawBody]: { schema: { type: "string", format: "binary" } } },
      };
    paths[r.url] ??= {};
    paths[r.url][r.method.toLowerCase()] = op;
  }
  return {
    openapi: "3.0.3",
    info: { title: "Concilia API", version: "1", description: "The CRM behind the Concilia sidebars." },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: {
        Problem: {
          type: "object",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            requestId: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { path: { type: "string" }, message: { type: "string" } },
              },
            },
          },
        },
      },
    },
  };
}
