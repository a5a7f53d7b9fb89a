// The HTTP server: fastify with problem+json errors, bearer authentication and the API routes.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { registerRoutes } from "./api/index.js";
import { HttpProblem } from "./api/problem.js";
import { authenticate } from "./auth/authenticate.js";
import type { AppContext } from "./context.js";
import { httpMetrics } from "./metrics.js";
import { fastifyTrustProxy } from "./trust-proxy.js";

const JSON_BODY_LIMIT = 1024 * 1024;

export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: false,
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: fastifyTrustProxy(ctx.config.CONCILIA_TRUST_PROXY),
  });
  let proxyWarned = ctx.config.CONCILIA_TRUST_PROXY !== false;

  // The API speaks JSON (and raw mail where it says so); plain text is not a way to send a record.
  app.removeContentTypeParser("text/plain");
  app.addContentTypeParser(
    ["message/rfc822", "application/octet-stream"],
    { parseAs: "buffer", bodyLimit: ctx.config.CONCILIA_MAX_EMAIL_BYTES },
    (_req, body, done) => done(null, body),
  );
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 64 * 1024 },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    if (!proxyWarned && req.headers["x-forwarded-for"]) {
      proxyWarned = true;
      req.log.warn(
        "requests carry X-Forwarded-For but CONCILIA_TRUST_PROXY is off: every client behind the proxy looks like the proxy to the sign-in throttle",
      );
    }
    if (req.url.startsWith("/api/"))
      req.user = (await authenticate(ctx, req.headers.authorization)) ?? undefined;
  });
  httpMetrics(app);

  app.setErrorHandler((err: any, req, reply) => {
    let p: HttpProblem;
    if (err instanceof HttpProblem) p = err;
    else if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      p = new HttpProblem(413, "Payload too large", `The request body is larger than this endpoint accepts.`);
    else if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
      p = new HttpProblem(
        415,
        "Unsupported media type",
        `Content-Type '${req.headers["content-type"] ?? ""}' is not accepted here.`,
      );
    else if (err.code === "FST_ERR_CTP_EMPTY_JSON_BODY" || err.code === "FST_ERR_CTP_INVALID_JSON_BODY")
      p = new HttpProblem(400, "Bad request", `The body is not valid JSON: ${err.message}`);
    else if (err instanceof SyntaxError || err.code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH")
      p = new HttpProblem(400, "Bad request", `The body could not be read: ${err.message}`);
    else if (typeof err.statusCode === "number" && err.statusCode < 500)
      p = new HttpProblem(err.statusCode, "Bad request", err.message);
    else {
      req.log.error({ err }, "request failed");
      p = new HttpProblem(
        500,
        "Internal error",
        `Something went wrong on the server; quote request id ${req.id}.`,
      );
    }
    if (p.headers) reply.headers(p.headers);
    reply
      .code(p.status)
      .type("application/problem+json")
      .send({
        type: p.type,
        title: p.title,
        status: p.status,
        detail: p.detail,
        requestId: req.id,
        ...(p.errors ? { errors: p.errors } : {}),
      });
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type("application/problem+json")
      .send({
        type: "about:blank",
        title: "Not found",
        status: 404,
        detail: `No route ${req.method} ${req.url.split("?")[0]}.`,
        requestId: req.id,
      });
  });

  await registerRoutes(app, ctx);
  return app;
}
