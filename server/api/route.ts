// One way to declare an endpoint: zod schemas validate the request and the same schemas produce the
// OpenAPI document, so the documentation cannot drift from what the server accepts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { z } from "zod";
import type { AuthUser } from "../auth/user.js";
import { nulProblem } from "./nul-text.js";
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
  /** The usual success status (default 200, or 204 when the handler returns nothing). */
  status?: number;
  /**
   * Other success statuses, with the same response schema. With these the handler sets the status itself
   * (`reply.code`) and `status` is only what the document calls the usual one.
   */
  alsoAnswers?: { status: number; description: string }[];
  /**
   * Error statuses beyond those the declaration implies (400 for any input, 401 unless public, 404 with
   * path parameters, 413 and 415 with a body): see server/api/openapi.ts.
   */
  errors?: number[];
  /** A request body that works, shown in the OpenAPI document (and sent by its test). */
  example?: z.input<B>;
  /** Media type of a non-JSON answer (e.g. an attachment's bytes). */
  produces?: string;
  /** Raw body media types instead of JSON (e.g. message/rfc822). */
  rawBody?: string[];
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
        const nul = nulProblem(where, value);
        if (nul) throw nul;
        const r = schema.safeParse(value);
        if (!r.success) throw fromZod(where, r.error);
        return r.data;
      };
      const params = parse(spec.params, req.params, "params");
      const query = parse(spec.query, req.query ?? {}, "query");
      const body = spec.rawBody ? req.body : parse(spec.body, req.body ?? {}, "body");
      const result = await spec.handler({ req, reply, user: user as AuthUser, body, query, params } as any);
      if (reply.sent) return reply;
      if (spec.status && !spec.alsoAnswers) reply.code(spec.status);
      if (result === undefined) return reply.code(spec.status ?? 204).send();
      return result;
    },
  });
}

/** Every endpoint declared so far, for the OpenAPI document. */
export function declaredRoutes(): readonly RouteSpec<any, any, any>[] {
  return registry;
}
