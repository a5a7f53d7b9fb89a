import type { FastifyInstance } from "fastify";
import type { AppContext } from "../context.js";
import { activityRoutes } from "./activities.js";
import { addinRoutes } from "./addin.js";
import { authRoutes } from "./auth.js";
import { connectionRoutes } from "./connections.js";
import { contextRoutes } from "./context.js";
import { emailRoutes } from "./emails.js";
import { eventRoutes } from "./events.js";
import { exchangeRoutes } from "./exchange.js";
import { grantRoutes } from "./grants.js";
import { healthRoutes } from "./health.js";
import { identityRoutes } from "./identities.js";
import { landingRoutes } from "./landing/index.js";
import { neverLogRoutes } from "./never-log.js";
import { pushRoutes } from "./push.js";
import { recordRoutes } from "./records.js";
import { syncStatusRoutes } from "./sync-status.js";

export async function registerRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  healthRoutes(app, ctx);
  landingRoutes(app, ctx);
  authRoutes(app, ctx);
  identityRoutes(app, ctx);
  connectionRoutes(app, ctx);
  exchangeRoutes(app, ctx);
  syncStatusRoutes(app, ctx);
  recordRoutes(app, ctx);
  grantRoutes(app, ctx);
  activityRoutes(app, ctx);
  eventRoutes(app, ctx);
  contextRoutes(app, ctx);
  emailRoutes(app, ctx);
  neverLogRoutes(app, ctx);
  addinRoutes(app, ctx);
  pushRoutes(app, ctx);
  if (ctx.config.CONCILIA_DEV) {
    await (await import("./gmail-preview.js")).gmailPreviewRoutes(app, ctx);
    (await import("./playground-sync.js")).playgroundSyncRoutes(app, ctx);
  }
}
