import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { migrationsApplied } from "../db/index.js";
import { registry } from "../metrics.js";
import { openApiDocument } from "./openapi.js";

export function healthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) => {
    const checks: Record<string, string> = {};
    try {
      await ctx.database.query("select 1");
      checks.database = "ok";
      checks.migrations = (await migrationsApplied(ctx.database)) ? "ok" : "pending";
    } catch (err) {
      checks.database = `unreachable: ${(err as Error).message}`;
    }
    const ready = Object.values(checks).every((v) => v === "ok");
    reply.code(ready ? 200 : 503);
    return { status: ready ? "ready" : "not ready", checks };
  });
  app.get("/metrics", async (_req, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
  app.get("/api/v1/openapi.json", async () => openApiDocument(`${ctx.config.publicUrl}`));
}
