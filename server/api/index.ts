import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { healthRoutes } from "./health.js";

export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  healthRoutes(app, ctx);
}
